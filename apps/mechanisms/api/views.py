from apps.curation.api.views import PublicReadOnlyViewSet

from .. import selectors
from ..filtersets import MechanismFilterSet
from ..models import Region, Theme
from .serializers import MechanismDetailSerializer, MechanismSerializer, RegionSerializer, ThemeSerializer


class MechanismViewSet(PublicReadOnlyViewSet):
    """Regional consultative processes, interregional forums and other mechanisms on migration."""

    lookup_field = "slug"
    serializer_class = MechanismSerializer
    detail_serializer_class = MechanismDetailSerializer
    filterset_class = MechanismFilterSet
    ordering_fields = ["name", "acronym", "slug", "founded_earliest"]
    ordering = ["name"]

    def list_queryset(self):
        return selectors.mechanism_list()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action == "list" and page is not None:
            rows = selectors.participation_rows([mechanism.pk for mechanism in page])
            for mechanism in page:
                mechanism.participation_rows = rows.get(mechanism.pk, [])
        return page

    def detail_queryset(self):
        return selectors.mechanism_detail()


class ThemeViewSet(PublicReadOnlyViewSet):
    """The controlled vocabulary of themes."""

    lookup_field = "slug"
    serializer_class = ThemeSerializer
    ordering_fields = ["name", "slug"]
    ordering = ["name"]

    def list_queryset(self):
        return Theme.objects.all()


class RegionViewSet(PublicReadOnlyViewSet):
    """The regional groupings of the review."""

    lookup_field = "slug"
    serializer_class = RegionSerializer
    ordering_fields = ["order", "name", "slug"]
    ordering = ["order"]

    def list_queryset(self):
        return Region.objects.all()
