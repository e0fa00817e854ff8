from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.curation.api.views import PublicReadOnlyViewSet, url_maker

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

    @extend_schema(responses=StateDetailSerializer)
    def retrieve(self, request, alpha3=None):
        # StateDetailSerializer's representation (the schema documents it), built from plain rows.
        # Codes are capitals; accept 'idn' as well as 'IDN'.
        detail = selectors.state_api_detail(
            alpha3.upper(), state_url=url_maker(request, "api:state-detail", "alpha3", "AAA"),
            mechanism_url=url_maker(request, "api:mechanism-detail"))
        if detail is None:
            raise Http404("No State matches the given query.")
        return Response(detail)


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

    @extend_schema(responses=OrganizationDetailSerializer)
    def retrieve(self, request, slug=None):
        # OrganizationDetailSerializer's representation (the schema documents it), built from plain rows.
        detail = selectors.organization_api_detail(
            slug, organization_url=url_maker(request, "api:organization-detail"),
            mechanism_url=url_maker(request, "api:mechanism-detail"))
        if detail is None:
            raise Http404("No Organization matches the given query.")
        return Response(detail)
