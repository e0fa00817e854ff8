"""GIN indexes of the words of the fields apps/meetings/records.py declares searchable (PostgreSQL only)."""

from django.db import migrations

from apps.curation.text_search import text_indexes


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_document_source_entry")]

    operations = [
        text_indexes("meetings.Meeting", ["title", "theme", "city", "note"]),
        text_indexes("meetings.Document", ["title", "note"]),
    ]
