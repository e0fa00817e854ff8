"""The source register in the public API: /api/v1/sources/."""

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.curation.api.views import PublicReadOnlyViewSet
from apps.curation.models import Source

from ..sources import SourceFilterSet, public_sources


class OutcomeDocumentSerializer(serializers.Serializer):
    """The outcome document a source is, as the mechanism's page records it."""

    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.CharField()
    mechanism = serializers.CharField(source="mechanism.slug", help_text="The mechanism that adopted it, by its slug.")
    page = serializers.SerializerMethodField(help_text="Where the mechanism's page lists it.")

    def get_page(self, document) -> str:
        path = f"{reverse('mechanisms:detail', args=[document.mechanism.slug])}#document-{document.slug}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class SourceSerializer(serializers.ModelSerializer):
    """A source as the public may read it. A correspondence shows its label, sender and date only."""

    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail", lookup_field="slug")
    title = serializers.CharField(source="public_title", read_only=True,
                                  help_text="Its title; for a correspondence, 'Communication from ..., <date>'.")
    label = serializers.CharField(read_only=True, help_text="How it is cited in running text, e.g. 'Harns 2013'.")
    authors = serializers.SerializerMethodField(help_text="Author names, in the order printed.")
    address = serializers.CharField(source="public_url", read_only=True,
                                    help_text="Where it can be read; empty for a correspondence.")
    archived_copy = serializers.CharField(source="public_archive_url", read_only=True,
                                          help_text="A web page: an archived copy's address.")
    outcome_document = serializers.SerializerMethodField(
        help_text="A document: the outcome document recorded for a mechanism that it is, or null.")

    class Meta:
        model = Source
        fields = ["slug", "kind", "title", "label", "authors", "date", "language", "address", "document_type",
                  "publisher", "accessed", "archived_copy", "correspondent", "outcome_document", "url"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_authors(self, source):
        return [] if source.kind == Source.Kind.CORRESPONDENCE else source.authors

    @extend_schema_field(OutcomeDocumentSerializer(allow_null=True))
    def get_outcome_document(self, source):
        try:
            document = source.outcome_document
        except ObjectDoesNotExist:
            return None
        return OutcomeDocumentSerializer(document, context=self.context).data


class SourceViewSet(PublicReadOnlyViewSet):
    """The sources facts are cited to: review editions, documents, web pages, correspondence, datasets.
    Only sources the public may see; a correspondence's content is never shown."""

    lookup_field = "slug"
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    ordering_fields = ["slug", "date"]
    ordering = ["slug"]

    def list_queryset(self):
        return public_sources().select_related("outcome_document__mechanism")
