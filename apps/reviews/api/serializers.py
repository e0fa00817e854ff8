from rest_framework import serializers

from apps.curation.api.serializers import declared_fields
from apps.mechanisms.api.serializers import MechanismRefSerializer

from ..models import ReviewEdition, ReviewEntry, Snapshot


class EditionRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:edition-detail", lookup_field="slug")

    class Meta:
        model = ReviewEdition
        fields = ["slug", "year", "title", "url"]


class SnapshotRefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:snapshot-detail", lookup_field="slug")

    class Meta:
        model = Snapshot
        fields = ["slug", "title", "created_at", "checksum", "url"]


class ReviewEditionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:edition-detail", lookup_field="slug")
    entry_count = serializers.IntegerField(read_only=True, help_text="Mechanisms this edition reviews.")

    class Meta:
        model = ReviewEdition
        # The edition's own address is not shown: 'url' is its address in this API. Its status is always
        # 'published' here.
        fields = [*declared_fields("edition", without=("url", "status")), "entry_count", "url"]


class EditionEntrySerializer(serializers.ModelSerializer):
    mechanism = MechanismRefSerializer(read_only=True)
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ReviewEntry
        fields = [
            "mechanism", "section", "kind", "governance", "region", "background", "agenda", "linkages",
            "taxonomic_placement",
        ]


class ReviewEditionDetailSerializer(ReviewEditionSerializer):
    entries = EditionEntrySerializer(many=True, read_only=True)
    snapshots = SnapshotRefSerializer(many=True, read_only=True)

    class Meta(ReviewEditionSerializer.Meta):
        fields = [*ReviewEditionSerializer.Meta.fields, "snapshots", "entries"]
