"""The base of every public API resource: read-only, anonymous, filtered and ordered."""

from rest_framework import viewsets


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """GET, HEAD and OPTIONS only; any other method is a 405 and changes nothing.

    ``list_queryset`` and ``detail_queryset`` name the selector each action reads through, so that
    every response is built with a fixed number of queries whatever the size of the data.
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
