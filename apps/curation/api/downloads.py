"""``?format=csv`` in the public API: a list, or a record's rows, as the public page downloads it.

A resource that offers it names the table (apps/curation/tables.py) and the selector the page reads;
its list then downloads every record that matches the filters, unpaginated, in the page's order.
"""

import json

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from apps.curation.csv_safety import csv_bytes


class CSVRenderer(BaseRenderer):
    """CSV built by the view (bytes); an error's detail and reasons as a one-row CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        data = data if isinstance(data, dict) else {"detail": data}
        return csv_bytes(["detail", "errors"], [{"detail": str(data.get("detail", "")),
                                                 "errors": json.dumps(data.get("errors", {}), ensure_ascii=False)}])


RENDERERS = [JSONRenderer, CSVRenderer]


def format_parameter(what):
    return OpenApiParameter(
        "format", str, OpenApiParameter.QUERY, enum=["json", "csv"],
        description=f"csv: {what} as the public page downloads it: UTF-8 with a header row, every text cell "
                    "that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) "
                    "prefixed with a single quote. A list downloads every record matching the filters, "
                    "unpaginated, in the page's order.",
    )


CSV_RESPONSE = (200, "text/csv")
CSV_TYPE = OpenApiTypes.BINARY


def wants_csv(request):
    return getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv"


def filtered(view, queryset):
    """``queryset`` filtered by the resource's FilterSet (a 400 for a faulty filter), in its own order."""
    return DjangoFilterBackend().filter_queryset(view.request, queryset, view)


def csv_response(table, records, name):
    return Response(table.csv(records), headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
