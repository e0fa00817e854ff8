"""Serializer pieces every public resource shares: citations and names over time."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.curation.records import PLACE, record


def declared_fields(name, *, without=()):
    """The fields of record type ``name`` as its declaration orders them (``records.py``), for an API
    field list: a field declared there reaches the API without being listed again."""
    return [f.name for f in record(name).fields if f.kind != PLACE and f.name not in without]


class CitationSerializer(serializers.Serializer):
    edition = serializers.CharField(source="source.slug", read_only=True,
                                    help_text="The source cited, by its slug (kept from when only review editions "
                                              "were cited: the same as 'source').")
    source = serializers.CharField(source="source.slug", read_only=True,
                                   help_text="The source cited, by its slug: see /api/v1/sources/<slug>/.")
    locator = serializers.CharField(help_text="Where in the source, e.g. 'Annex B' or 'section 3.1.2'.")
    quotation = serializers.CharField(help_text="The source's own words, briefly; often empty.")
    covers = serializers.SerializerMethodField(help_text="Fields this citation supports; empty for the whole record.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_covers(self, citation):
        return citation.covered_fields


class NamePeriodSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="former, alias, short or translation.")
    language = serializers.CharField(help_text="The name's language as a BCP 47 tag ('es'); empty when not recorded.")
    valid_from = serializers.CharField(help_text="Partial date, or empty when unknown.")
    valid_until = serializers.CharField(help_text="Partial date, or empty when still valid or unknown.")


class SourcedSerializerMixin(serializers.Serializer):
    sources = CitationSerializer(many=True, read_only=True)
