from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.curation.api.serializers import CitationSerializer, NamePeriodSerializer, declared_fields

from ..models import Organization, State


class StateRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = State
        fields = ["alpha3", "name"]


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "acronym", "name", "kind"]


class StateSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:state-detail", lookup_field="alpha3")
    sovereign = StateRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = State
        fields = [*declared_fields("state"), "url"]


class MechanismLinkSerializer(serializers.Serializer):
    """The mechanism a participation is in, as the mechanisms resource names it (its MechanismRef)."""

    slug = serializers.CharField()
    acronym = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, mechanism) -> str:
        path = reverse("api:mechanism-detail", kwargs={"slug": mechanism.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class StateParticipationSerializer(serializers.Serializer):
    mechanism = serializers.SerializerMethodField()
    role = serializers.CharField()
    as_written = serializers.CharField(help_text="The state's name exactly as the source wrote it.")
    start = serializers.CharField()
    end = serializers.CharField()
    note = serializers.CharField()
    sources = CitationSerializer(many=True, read_only=True)

    @extend_schema_field(MechanismLinkSerializer)
    def get_mechanism(self, participation):
        return MechanismLinkSerializer(participation.mechanism, context=self.context).data


class StateDetailSerializer(StateSerializer):
    names = NamePeriodSerializer(many=True, read_only=True, help_text="Former names and other names.")
    participations = StateParticipationSerializer(many=True, read_only=True)
    sources = CitationSerializer(many=True, read_only=True)

    class Meta(StateSerializer.Meta):
        fields = [*StateSerializer.Meta.fields, "names", "participations", "sources"]


class OrganizationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organization-detail", lookup_field="slug")
    state = StateRefSerializer(read_only=True, allow_null=True)
    parent = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [*declared_fields("organization"), "url"]


class OrganizationDetailSerializer(OrganizationSerializer):
    other_names = NamePeriodSerializer(many=True, read_only=True)
    participations = StateParticipationSerializer(many=True, read_only=True)
    sources = CitationSerializer(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "other_names", "participations", "sources"]
