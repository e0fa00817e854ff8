"""GIN indexes of the words of the fields apps/reviews/records.py declares searchable (PostgreSQL only)."""

from django.db import migrations

from apps.curation.text_search import text_indexes


class Migration(migrations.Migration):
    dependencies = [("reviews", "0012_edition_cut_off_and_left_out")]

    operations = [
        text_indexes("reviews.ReviewEntry", ["background", "agenda", "linkages", "taxonomic_placement"]),
    ]
