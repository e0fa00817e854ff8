from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.curation.api.views import PublicReadOnlyViewSet
from apps.reviews import selectors

from .. import exports
from ..diff import compare
from .serializers import SnapshotDiffSerializer, SnapshotSerializer


class SnapshotViewSet(PublicReadOnlyViewSet):
    """Frozen, checksummed versions of the published dataset, their downloads, and what changed between them."""

    lookup_field = "slug"
    serializer_class = SnapshotSerializer
    ordering_fields = ["created_at", "slug"]
    ordering = ["-created_at"]

    def list_queryset(self):
        return selectors.public_snapshots().defer("content")

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with the Accept header of what it is (a zip, HTML): the file is
        # answered in its own media type, and an error as JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download a snapshot",
        description="json: the canonical JSON whose SHA-256 is the checksum; yaml: the dataset format (zip), "
                    "importable into an empty database; datapackage: a Frictionless Data Package (zip); report: "
                    "a printable HTML review report; panel: the state–mechanism–year panel (CSV, Correlates of "
                    "War IGO codes 0 none, 1 full member, 2 associate or expected, 3 observer, -9 unknown); "
                    "panel-codebook: its codebook (Markdown); popolo: mechanisms, states and organisations and their "
                    "memberships as Popolo JSON.",
        parameters=[OpenApiParameter("format_name", str, OpenApiParameter.PATH, enum=sorted(exports.FORMATS))],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "application/zip"): OpenApiTypes.BINARY,
                   (200, "text/html"): OpenApiTypes.STR},
    )
    @action(detail=True, url_path=r"download/(?P<format_name>" + "|".join(exports.FORMATS) + ")",
            url_name="download", filter_backends=[], pagination_class=None)
    def download(self, request, slug=None, format_name=None):
        snapshot = get_object_or_404(selectors.public_snapshots(), slug=slug)
        result = exports.export(snapshot, format_name)
        response = HttpResponse(result.data, content_type=result.content_type)
        disposition = "inline" if format_name == "report" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
        response["X-Snapshot-SHA256"] = snapshot.checksum
        return response

    @extend_schema(
        summary="What changed between two snapshots",
        description="'other' is a later snapshot's slug, or 'current' for the published data as it is now.",
        parameters=[OpenApiParameter("other", str, OpenApiParameter.PATH)],
        responses={200: SnapshotDiffSerializer},
    )
    @action(detail=True, url_path=r"diff/(?P<other>[a-z0-9]+(?:-[a-z0-9]+)*)", url_name="diff",
            filter_backends=[], pagination_class=None)
    def diff(self, request, slug=None, other=None):
        public = selectors.public_snapshots()
        old = get_object_or_404(public, slug=slug)
        comparison = compare(old, other if other == "current" else get_object_or_404(public, slug=other))
        summary = [{"heading": heading, "changes": lines} for heading, lines in comparison.sections]
        return Response({"old": old.slug, "new": other, **comparison.changes, "summary": summary})
