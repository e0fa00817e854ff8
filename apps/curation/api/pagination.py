"""Pagination for the public API: a malformed page is a 400, a page past the end a 404."""

from django.conf import settings
from django.core.paginator import InvalidPage
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
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(f"Page {number} does not exist; there are {paginator.num_pages} pages.") from None
        return list(self.page)
