"""GIN indexes of the words of the fields apps/meetings/records.py declares searchable (PostgreSQL only)."""

from django.db import migrations

from apps.curation.text_search import text_indexes


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_http_urls_only")]

    operations = [
        text_indexes("meetings.Meeting", ["title", "theme", "city", "note"]),
        text_indexes("meetings.Document", ["title", "note"]),
    ]
