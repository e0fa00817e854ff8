from apps.curation.api.views import PublicReadOnlyViewSet

from .. import selectors
from ..filtersets import OrganizationFilterSet, StateFilterSet
from .serializers import (
    OrganizationDetailSerializer,
    OrganizationSerializer,
    StateDetailSerializer,
    StateSerializer,
)


class StateViewSet(PublicReadOnlyViewSet):
    """Countries and territories (ISO 3166-1, plus Kosovo), by alpha-3 code."""

    lookup_field = "alpha3"
    lookup_value_regex = "[A-Za-z]{3}"
    serializer_class = StateSerializer
    detail_serializer_class = StateDetailSerializer
    filterset_class = StateFilterSet
    ordering_fields = ["name", "alpha3"]
    ordering = ["name"]

    def list_queryset(self):
        return selectors.state_list()

    def detail_queryset(self):
        return selectors.state_detail()

    def get_object(self):
        # Codes are capitals; accept 'idn' as well as 'IDN'.
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class OrganizationViewSet(PublicReadOnlyViewSet):
    """Organisations, blocs and cooperation frameworks taking part in or framing the mechanisms."""

    lookup_field = "slug"
    serializer_class = OrganizationSerializer
    detail_serializer_class = OrganizationDetailSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["name", "acronym", "slug"]
    ordering = ["name"]

    def list_queryset(self):
        return selectors.organization_list()

    def detail_queryset(self):
        return selectors.organization_detail()
