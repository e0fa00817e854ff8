from apps.curation.api.views import PublicReadOnlyViewSet

from .. import selectors
from .serializers import ReviewEditionDetailSerializer, ReviewEditionSerializer


class ReviewEditionViewSet(PublicReadOnlyViewSet):
    """Published editions of the review. Drafts and editions in review are never shown."""

    lookup_field = "slug"
    serializer_class = ReviewEditionSerializer
    detail_serializer_class = ReviewEditionDetailSerializer
    ordering_fields = ["year", "slug"]
    ordering = ["year"]

    def list_queryset(self):
        return selectors.edition_api_list()

    def detail_queryset(self):
        return selectors.edition_api_detail()
