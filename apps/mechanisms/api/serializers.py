from collections import Counter

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.curation.api.serializers import CitationSerializer, NamePeriodSerializer, declared_fields
from apps.states.api.serializers import OrganizationRefSerializer, StateRefSerializer

from ..models import Mechanism, Participation, Region, Theme


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = declared_fields("region")


class ThemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")

    class Meta:
        model = Theme
        fields = [*declared_fields("theme"), "url"]


class MechanismRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:mechanism-detail", lookup_field="slug")

    class Meta:
        model = Mechanism
        fields = ["slug", "acronym", "name", "kind", "url"]


class ParticipationSerializer(serializers.ModelSerializer):
    state = StateRefSerializer(read_only=True, allow_null=True, help_text="The participating state, if a state.")
    organization = OrganizationRefSerializer(read_only=True, allow_null=True,
                                             help_text="The participating organisation, if an organisation.")

    class Meta:
        model = Participation
        fields = declared_fields("participation", without=("note",))


class ParticipationDetailSerializer(ParticipationSerializer):
    sources = CitationSerializer(many=True, read_only=True)

    class Meta(ParticipationSerializer.Meta):
        fields = [*declared_fields("participation"), "sources"]


class MechanismSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:mechanism-detail", lookup_field="slug")
    region = RegionSerializer(read_only=True)
    parent_framework = OrganizationRefSerializer(read_only=True, allow_null=True)
    predecessor = MechanismRefSerializer(read_only=True, allow_null=True)
    successors = MechanismRefSerializer(many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    participations = serializers.SerializerMethodField()

    class Meta:
        model = Mechanism
        fields = [
            "slug", "acronym", "name", "kind", "governance", "region", "status", "founded", "ended",
            "parent_framework", "predecessor", "successors", "themes", "participations", "url",
        ]


    @extend_schema_field(ParticipationSerializer(many=True))
    def get_participations(self, mechanism):
        # The API's list is built from plain rows (selectors.mechanism_api_rows); this field documents their
        # shape, and gives it for a mechanism instance.
        return ParticipationSerializer(mechanism.participations.all(), many=True, context=self.context).data


class MeetingSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    held = serializers.IntegerField()
    forthcoming = serializers.IntegerField()
    first = serializers.CharField(allow_null=True, help_text="Start of the earliest recorded meeting.")
    last = serializers.CharField(allow_null=True, help_text="Start of the latest recorded meeting.")
    per_year = serializers.DictField(child=serializers.IntegerField(), help_text="Meetings by starting year.")
    list_url = serializers.CharField(help_text="The meetings themselves, in the meetings resource.")


class ReviewEntrySerializer(serializers.Serializer):
    edition = serializers.CharField(source="edition.slug")
    year = serializers.IntegerField(source="edition.year")
    section = serializers.CharField()
    kind = serializers.CharField()
    governance = serializers.CharField()
    region = serializers.CharField(source="region.slug")
    background = serializers.CharField()
    agenda = serializers.CharField()
    linkages = serializers.CharField()
    taxonomic_placement = serializers.CharField()


class DiscrepancySerializer(serializers.Serializer):
    subject = serializers.CharField()
    recorded = serializers.CharField()
    recorded_source = serializers.SerializerMethodField()
    conflicting = serializers.CharField()
    conflicting_source = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_recorded_source(self, discrepancy) -> str:
        return f"{discrepancy.recorded_source.slug} {discrepancy.recorded_locator}"

    def get_conflicting_source(self, discrepancy) -> str:
        return f"{discrepancy.conflicting_source.slug} {discrepancy.conflicting_locator}"


class DocumentRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.CharField()
    meeting = serializers.CharField(source="meeting.slug", read_only=True, allow_null=True, default=None)
    link = serializers.CharField(source="url", help_text="Where the document can be read.")


class MechanismDetailSerializer(MechanismSerializer):
    other_names = NamePeriodSerializer(many=True, read_only=True)
    participations = ParticipationDetailSerializer(many=True, read_only=True)
    meetings = serializers.SerializerMethodField()
    documents = DocumentRefSerializer(many=True, read_only=True)
    review_entries = ReviewEntrySerializer(
        many=True, read_only=True, help_text="How each published review edition classified and described it."
    )
    discrepancies = DiscrepancySerializer(many=True, read_only=True, help_text="Where the sources disagree.")
    sources = CitationSerializer(many=True, read_only=True)

    class Meta(MechanismSerializer.Meta):
        fields = [
            *MechanismSerializer.Meta.fields[:-1],
            *(name for name in declared_fields("mechanism") if name not in MechanismSerializer.Meta.fields),
            "other_names", "meetings", "documents", "review_entries", "discrepancies", "sources", "url",
        ]

    @extend_schema_field(MeetingSummarySerializer)
    def get_meetings(self, mechanism):
        meetings = list(mechanism.meetings.all())
        starts = sorted((m.start_earliest, m.start) for m in meetings if m.start_earliest)
        per_year = Counter(str(m.start_earliest.year) for m in meetings if m.start_earliest)
        request = self.context.get("request")
        path = f"/api/v1/meetings/?mechanism={mechanism.slug}"
        return {
            "count": len(meetings),
            "held": sum(m.status == "held" for m in meetings),
            "forthcoming": sum(m.status == "forthcoming" for m in meetings),
            "first": starts[0][1] if starts else None,
            "last": starts[-1][1] if starts else None,
            "per_year": dict(sorted(per_year.items())),
            "list_url": request.build_absolute_uri(path) if request else path,
        }
