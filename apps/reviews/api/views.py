from django.db.models import Count, Prefetch

from apps.curation.api.views import PublicReadOnlyViewSet

from ..models import ReviewEdition, ReviewEntry, Snapshot
from .serializers import ReviewEditionDetailSerializer, ReviewEditionSerializer


class ReviewEditionViewSet(PublicReadOnlyViewSet):
    """Published editions of the review. Drafts and editions in review are never shown."""

    lookup_field = "slug"
    serializer_class = ReviewEditionSerializer
    detail_serializer_class = ReviewEditionDetailSerializer
    ordering_fields = ["year", "slug"]
    ordering = ["year"]

    def list_queryset(self):
        return ReviewEdition.published_editions.annotate(entry_count=Count("entries"))

    def detail_queryset(self):
        return self.list_queryset().prefetch_related(
            Prefetch("entries", queryset=ReviewEntry.objects.select_related("mechanism", "region")
                     .order_by("section", "mechanism__slug")),
            Prefetch("snapshots", queryset=Snapshot.objects.defer("content").order_by("created_at")),
        )
