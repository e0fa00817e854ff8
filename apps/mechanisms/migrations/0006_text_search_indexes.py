"""GIN indexes of the words of the fields apps/mechanisms/records.py declares searchable (PostgreSQL only)."""

from django.db import migrations

from apps.curation.text_search import text_indexes


class Migration(migrations.Migration):
    dependencies = [("mechanisms", "0005_global_process_kind")]

    operations = [
        text_indexes("mechanisms.Mechanism", ["name", "acronym", "objectives", "secretariat_note", "status_note"]),
        text_indexes("mechanisms.MechanismName", ["name"]),
    ]
