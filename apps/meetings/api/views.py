from apps.curation.api.views import PublicReadOnlyViewSet
from apps.mechanisms.selectors import citations_prefetch

from ..filtersets import DocumentFilterSet, MeetingFilterSet
from ..models import Document, Meeting
from .serializers import DocumentSerializer, MeetingSerializer


class MeetingViewSet(PublicReadOnlyViewSet):
    """Meetings of the mechanisms, with dates at the precision the sources give."""

    lookup_field = "slug"
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    ordering_fields = ["start_earliest", "title", "slug"]
    ordering = ["start_earliest", "slug"]

    def list_queryset(self):
        return Meeting.objects.select_related("mechanism", "host").prefetch_related(citations_prefetch())


class DocumentViewSet(PublicReadOnlyViewSet):
    """Outcome documents: declarations, action plans, communiqués, strategies, roadmaps."""

    lookup_field = "slug"
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    ordering_fields = ["date_earliest", "title", "slug"]
    ordering = ["date_earliest", "slug"]

    def list_queryset(self):
        return Document.objects.select_related("mechanism", "meeting").prefetch_related(citations_prefetch())
