"""The base of every public API resource: read-only, anonymous, filtered and ordered."""

from django.urls import reverse
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """GET, HEAD and OPTIONS only; any other method is a 405 and changes nothing.

    ``list_queryset`` and ``detail_queryset`` name the selector each action reads through, so that
    every response is built with a fixed number of queries whatever the size of the data.

    A query parameter the action does not take is a 400 that names it, as is a ``format`` other than
    json: nothing a reader asks for is silently ignored.
    """

    lookup_value_regex = "[a-z0-9]+(?:-[a-z0-9]+)*"
    detail_serializer_class = None

    def list_queryset(self):
        raise NotImplementedError

    def detail_queryset(self):
        return self.list_queryset()

    def get_queryset(self):
        return self.detail_queryset() if self.action == "retrieve" else self.list_queryset()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def initial(self, request, *args, **kwargs):
        if request.method in {"GET", "HEAD"}:  # any other method is a 405 whatever it asks
            self.check_query_parameters(request)
        super().initial(request, *args, **kwargs)

    def query_parameters(self):
        """The names of the query parameters this action takes."""
        names = {api_settings.URL_FORMAT_OVERRIDE}
        if self.action != "list":
            return names
        for backend in self.filter_backends:
            if issubclass(backend, OrderingFilter):
                names.add(backend.ordering_param)
            filterset_class = getattr(self, "filterset_class", None)
            if backend.__name__ == "DjangoFilterBackend" and filterset_class is not None:
                names.update(filterset_class.base_filters)
        if self.pagination_class is not None:
            paginator = self.paginator
            names.update({paginator.page_query_param, paginator.page_size_query_param})
        return names

    def check_query_parameters(self, request):
        known = self.query_parameters()
        errors = {}
        for name in request.query_params:
            if name not in known:
                choices = ", ".join(sorted(known - {api_settings.URL_FORMAT_OVERRIDE})) or "none"
                errors[name[:50]] = [f"Unknown parameter. This resource takes: {choices}."]
        requested_format = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE)
        formats = sorted({renderer.format for renderer in self.get_renderers()} - {"api"})
        if requested_format not in (None, "", *formats):
            errors[api_settings.URL_FORMAT_OVERRIDE] = [
                f"'{requested_format[:50]}' is not a format of this resource; it answers in "
                f"{' or '.join(repr(name) for name in formats)}."]
        if errors:
            raise ValidationError(errors)


def url_maker(request, view_name, lookup="slug", placeholder="placeholder"):
    """key -> the record's absolute API URL, reversing the route once rather than per record.

    ``placeholder`` is any key the route accepts; the URL is built around its last occurrence.
    """
    head, _, tail = request.build_absolute_uri(reverse(view_name, kwargs={lookup: placeholder})).rpartition(placeholder)
    return lambda key: f"{head}{key}{tail}"
