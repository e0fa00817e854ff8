from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.curation.api.views import PublicReadOnlyViewSet

from .. import exports, snapshots
from ..diff import describe, diff_datasets
from ..models import ReviewEdition, ReviewEntry, Snapshot
from .serializers import (
    ReviewEditionDetailSerializer,
    ReviewEditionSerializer,
    SnapshotDiffSerializer,
    SnapshotSerializer,
)


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


class SnapshotViewSet(PublicReadOnlyViewSet):
    """Frozen, checksummed versions of the published dataset, their downloads, and what changed between them."""

    lookup_field = "slug"
    serializer_class = SnapshotSerializer
    ordering_fields = ["created_at", "slug"]
    ordering = ["-created_at"]

    def list_queryset(self):
        return Snapshot.objects.public().select_related("edition").defer("content")

    def perform_content_negotiation(self, request, force=False):
        # A download may be asked for with the Accept header of what it is (a zip, HTML): the file is
        # answered in its own media type, and an error as JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download a snapshot",
        description="json: the canonical JSON whose SHA-256 is the checksum; yaml: the dataset format (zip), "
                    "importable into an empty database; datapackage: a Frictionless Data Package (zip); report: "
                    "a printable HTML review report.",
        parameters=[OpenApiParameter("format_name", str, OpenApiParameter.PATH, enum=sorted(exports.FORMATS))],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "application/zip"): OpenApiTypes.BINARY,
                   (200, "text/html"): OpenApiTypes.STR},
    )
    @action(detail=True, url_path=r"download/(?P<format_name>json|yaml|datapackage|report)",
            url_name="download", filter_backends=[], pagination_class=None)
    def download(self, request, slug=None, format_name=None):
        snapshot = get_object_or_404(Snapshot.objects.public().select_related("edition"), slug=slug)
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
        public = Snapshot.objects.public()
        old = get_object_or_404(public, slug=slug)
        if other == "current":
            new_data = snapshots.current_dataset()
        else:
            new_data = snapshots.content(get_object_or_404(public, slug=other))
        result = diff_datasets(snapshots.content(old), new_data)
        summary = [{"heading": heading, "changes": lines} for heading, lines in describe(result)]
        return Response({"old": old.slug, "new": other, **result, "summary": summary})
