from django.db.models import Prefetch

from apps.curation.api.views import PublicReadOnlyViewSet
from apps.curation.selectors import citations_prefetch

from ..filtersets import OrganizationFilterSet, StateFilterSet
from ..models import Organization, State
from .serializers import (
    OrganizationDetailSerializer,
    OrganizationSerializer,
    StateDetailSerializer,
    StateSerializer,
)


def _participations_with_mechanism():
    # Participations belong to the mechanisms app, above this one: read through the relation it adds.
    participation = State._meta.get_field("participations").related_model
    return Prefetch(
        "participations",
        queryset=participation.objects.select_related("mechanism")
        .prefetch_related(citations_prefetch())
        .order_by("mechanism__name", "role", "start"),
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
        return State.objects.select_related("sovereign")

    def detail_queryset(self):
        return State.objects.select_related("sovereign").prefetch_related(
            "names", citations_prefetch(), _participations_with_mechanism()
        )

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
        return Organization.objects.select_related("state", "parent")

    def detail_queryset(self):
        return self.list_queryset().prefetch_related("other_names", citations_prefetch(),
                                                     _participations_with_mechanism())
