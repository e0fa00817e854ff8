from rest_framework import serializers

from apps.curation.api.serializers import CitationSerializer, declared_fields
from apps.mechanisms.api.serializers import MechanismRefSerializer
from apps.states.api.serializers import StateRefSerializer

from ..models import Document, Meeting


class MeetingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail", lookup_field="slug")
    mechanism = MechanismRefSerializer(read_only=True)
    host = StateRefSerializer(read_only=True, allow_null=True)
    sources = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [*declared_fields("meeting"), "mechanism", "sources", "url"]


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail", lookup_field="slug")
    mechanism = MechanismRefSerializer(read_only=True)
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    link = serializers.CharField(source="url", read_only=True, help_text="Where the document can be read.")
    sources = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        # The document's own address is 'link': 'url' is its address in this API.
        fields = [*(("link" if name == "url" else name) for name in declared_fields("document")), "mechanism",
                  "sources", "url"]
