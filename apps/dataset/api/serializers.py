from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.reviews.api.serializers import EditionRefSerializer
from apps.reviews.models import Snapshot

from ..exports import FORMATS as EXPORT_FORMATS


class SnapshotCountsSerializer(serializers.Serializer):
    mechanisms = serializers.IntegerField()
    participations = serializers.IntegerField()
    meetings = serializers.IntegerField()
    documents = serializers.IntegerField()
    review_entries = serializers.IntegerField()
    organizations = serializers.IntegerField()
    states = serializers.IntegerField()


class SnapshotSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:snapshot-detail", lookup_field="slug")
    edition = EditionRefSerializer(read_only=True)
    counts = SnapshotCountsSerializer(read_only=True)
    downloads = serializers.SerializerMethodField()
    checksum = serializers.CharField(read_only=True, help_text="SHA-256 of the canonical JSON download.")

    class Meta:
        model = Snapshot
        fields = ["slug", "title", "edition", "created_at", "as_of", "checksum", "size", "counts", "downloads", "url"]


    @extend_schema_field({"type": "object", "properties": {name: {"type": "string", "format": "uri"}
                                                           for name in EXPORT_FORMATS},
                          "required": list(EXPORT_FORMATS)})
    def get_downloads(self, snapshot):
        request = self.context.get("request")
        links = {}
        for name in EXPORT_FORMATS:
            path = reverse("api:snapshot-download", kwargs={"slug": snapshot.slug, "format_name": name})
            links[name] = request.build_absolute_uri(path) if request else path
        return links


class DiffParticipantSerializer(serializers.Serializer):
    participant = serializers.CharField(help_text="Alpha-3 code of a state, or slug of an organisation.")
    roles = serializers.ListField(child=serializers.CharField())


class DiffRoleChangeSerializer(serializers.Serializer):
    participant = serializers.CharField()
    to = serializers.ListField(child=serializers.CharField())

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.ListField(child=serializers.CharField())
        return fields


class DiffParticipationsSerializer(serializers.Serializer):
    mechanism = serializers.CharField()
    joined = DiffParticipantSerializer(many=True)
    left = DiffParticipantSerializer(many=True)
    role_changes = DiffRoleChangeSerializer(many=True)


class DiffChangesSerializer(serializers.Serializer):
    slug = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="Field name -> [value before, value after]."
    )


class DiffMeetingChangesSerializer(DiffChangesSerializer):
    mechanism = serializers.CharField()


class DiffMechanismAddedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    founded = serializers.CharField()


class DiffMechanismRemovedSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class DiffMeetingSerializer(serializers.Serializer):
    mechanism = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    start = serializers.CharField(required=False)


class SnapshotDiffSerializer(serializers.Serializer):
    old = serializers.CharField(help_text="Slug of the older snapshot.")
    new = serializers.CharField(help_text="Slug of the newer snapshot, or 'current'.")
    mechanisms_added = DiffMechanismAddedSerializer(many=True)
    mechanisms_removed = DiffMechanismRemovedSerializer(many=True)
    mechanisms_changed = DiffChangesSerializer(many=True)
    participations = DiffParticipationsSerializer(many=True)
    meetings_added = DiffMeetingSerializer(many=True)
    meetings_removed = DiffMeetingSerializer(many=True)
    meetings_changed = DiffMeetingChangesSerializer(many=True)
    summary = serializers.ListField(
        child=serializers.DictField(), help_text="The same changes as readable sentences, under headings."
    )
