"""Pagination for the public API: a malformed page is a 400, a page past the end a 404.

A page and the count of every matching record come from one query (``COUNT(*) OVER ()``, a window
function both databases have) rather than two: one round trip less on every list (bench/RESULTS.md).
"""

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable, ValuesIterable
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _positive_int(request, name):
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"'{raw[:50]}' is not a whole number."]}) from None
    if value < 1:
        raise ValidationError({name: [f"{value} is not allowed: use a whole number of 1 or more."]})
    return value


class StrictPageNumberPagination(PageNumberPagination):
    """Pages numbered from 1; `page_size` up to API_MAX_PAGE_SIZE (larger values are capped)."""

    page_size_query_param = "page_size"
    page_size_query_description = "Results per page (1 or more; values above the maximum are capped)."

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        requested = _positive_int(request, self.page_size_query_param)
        if requested is None:
            return self.page_size
        return min(requested, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        number = _positive_int(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        rows, count = counted_page(queryset, number, page_size)
        if count is not None:
            paginator.count = count  # a cached property: the paginator asks no more
        try:
            number = paginator.validate_number(number)
        except InvalidPage:
            raise NotFound(f"Page {number} does not exist; there are {paginator.num_pages} pages.") from None
        self.page = paginator.page(number) if rows is None else paginator._get_page(rows, number, paginator)
        return list(self.page)


_COUNT = "_rows_in_all"


def counted_page(queryset, number, size):
    """(the records of page ``number``, the count of all records), read together: one query.

    The count rides on every row of the page as a window function over the whole filtered set. A page
    past the end has no row to carry it: the count is then asked for alone (that page is a 404 anyway).
    Where the window would count something else (DISTINCT counts rows before removing duplicates) or
    the rows are tuples, ``(None, None)``: the paginator counts and reads the page itself, as before.
    """
    if (not isinstance(queryset, QuerySet) or queryset.query.distinct or queryset.query.combinator
            or queryset._iterable_class not in {ModelIterable, ValuesIterable}):
        return None, None
    offset = (number - 1) * size
    rows = []  # beyond what LIMIT and OFFSET can hold (64 bits), past any end: a 404 below
    if offset + size < 2**63:
        rows = list(queryset.annotate(**{_COUNT: Window(Count("*"))})[offset:offset + size])
    if not rows:
        return rows, (0 if number == 1 else queryset.count())
    if queryset._iterable_class is ValuesIterable:
        return rows, [row.pop(_COUNT) for row in rows][0]
    return rows, [row.__dict__.pop(_COUNT) for row in rows][0]
