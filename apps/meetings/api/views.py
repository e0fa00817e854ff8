from drf_spectacular.utils import extend_schema

from apps.curation.api.downloads import RENDERERS, csv_response, filtered, format_parameter, wants_csv
from apps.curation.api.views import PublicReadOnlyViewSet, url_maker

from .. import selectors, tables
from ..filtersets import DocumentFilterSet, MeetingFilterSet
from .serializers import DocumentSerializer, MeetingSerializer


class MeetingViewSet(PublicReadOnlyViewSet):
    """Meetings of the mechanisms, with dates at the precision the sources give."""

    lookup_field = "slug"
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    ordering_fields = ["start_earliest", "title", "slug"]
    ordering = ["start_earliest", "slug"]
    renderer_classes = RENDERERS

    def list_queryset(self):
        return selectors.meeting_api_list()

    @extend_schema(parameters=[format_parameter("the meetings list")])
    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            return csv_response(tables.MEETINGS, filtered(self, selectors.meeting_list()), "meetings")
        # The same representation as MeetingSerializer (the schema documents that), built from plain rows.
        page = self.paginate_queryset(self.filter_queryset(selectors.meeting_rows()))
        meeting_url = url_maker(request, "api:meeting-detail")
        mechanism_url = url_maker(request, "api:mechanism-detail")
        return self.get_paginated_response(
            selectors.meeting_api_rows(page, meeting_url=meeting_url, mechanism_url=mechanism_url)
        )


class DocumentViewSet(PublicReadOnlyViewSet):
    """Outcome documents: declarations, action plans, communiqués, strategies, roadmaps."""

    lookup_field = "slug"
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    ordering_fields = ["date_earliest", "title", "slug"]
    ordering = ["date_earliest", "slug"]

    def list_queryset(self):
        return selectors.document_api_list()
