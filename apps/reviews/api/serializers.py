from rest_framework import serializers

from apps.mechanisms.api.serializers import MechanismRefSerializer

from ..models import ReviewEdition, ReviewEntry


class ReviewEditionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:edition-detail", lookup_field="slug")
    entry_count = serializers.IntegerField(read_only=True, help_text="Mechanisms this edition reviews.")

    class Meta:
        model = ReviewEdition
        fields = [
            "slug", "year", "title", "authors", "publisher", "series", "series_number", "isbn", "issn",
            "published", "entry_count", "url",
        ]


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

    class Meta(ReviewEditionSerializer.Meta):
        fields = [*ReviewEditionSerializer.Meta.fields, "entries"]
