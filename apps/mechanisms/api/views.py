from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.curation.api.downloads import RENDERERS, csv_response, filtered, format_parameter, wants_csv
from apps.curation.api.views import PublicReadOnlyViewSet, url_maker

from .. import selectors, tables
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
    renderer_classes = RENDERERS

    def list_queryset(self):
        return selectors.mechanism_rows()

    @extend_schema(parameters=[format_parameter("the directory of mechanisms")])
    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            return csv_response(tables.DIRECTORY, filtered(self, selectors.mechanism_directory()), "mechanisms")
        # MechanismSerializer's representation (the schema documents it), built from plain rows: the page,
        # its count and each mechanism's successors, themes and participations in one query.
        page = self.paginate_queryset(self.filter_queryset(selectors.mechanism_rows()))
        return self.get_paginated_response(
            selectors.mechanism_api_rows(page, mechanism_url=url_maker(request, "api:mechanism-detail")))

    @extend_schema(
        summary="A mechanism's participants",
        description="Every participation in the mechanism, as the mechanism's public page lists and downloads them: "
                    "participant (alpha-3 code of a state, or slug of an organisation), its type and name, role, the "
                    "name as the source writes it, start, end and public note.",
        parameters=[format_parameter("the participants")],
        responses={200: {"type": "array", "items": {"type": "object", "properties": {
            name: {"type": "string"} for name in tables.PARTICIPANTS.names}}}},
    )
    @action(detail=True, url_path="participants", url_name="participants", filter_backends=[],
            pagination_class=None)
    def participants(self, request, slug=None):
        mechanism = get_object_or_404(selectors.mechanism_page(), slug=slug)
        participations = tables.by_role(mechanism.participations.all())
        if wants_csv(request):
            return csv_response(tables.PARTICIPANTS, participations, f"{mechanism.slug}-participants")
        return Response(tables.PARTICIPANTS.rows(participations))

    @extend_schema(responses=MechanismDetailSerializer)
    def retrieve(self, request, slug=None):
        # MechanismDetailSerializer's representation (the schema documents it), built from plain rows.
        detail = selectors.mechanism_api_detail(slug, mechanism_url=url_maker(request, "api:mechanism-detail"),
                                                absolute_url=request.build_absolute_uri)
        if detail is None:
            raise Http404("No Mechanism matches the given query.")
        return Response(detail)


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


class StateParticipationsView(APIView):
    """A state's participations in the mechanisms, as the state's public page lists and downloads them."""

    renderer_classes = RENDERERS

    @extend_schema(
        summary="A state's participations",
        description="Every participation of the state: mechanism (slug and name), role, the name as the source "
                    "writes it, start, end and public note.",
        parameters=[format_parameter("the participations")],
        responses={200: {"type": "array", "items": {"type": "object", "properties": {
            name: {"type": "string"} for name in tables.PARTICIPATIONS.names}}}},
    )
    def get(self, request, alpha3):
        state = get_object_or_404(selectors.state_page(), alpha3=alpha3.upper())
        participations = tables.by_role(state.participations.all())
        if wants_csv(request):
            return csv_response(tables.PARTICIPATIONS, participations, f"{state.alpha3}-participations")
        return Response(tables.PARTICIPATIONS.rows(participations))
