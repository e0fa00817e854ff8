"""On PostgreSQL, the throttle counters' table (0004) is UNLOGGED: a counter is written on every counted
request, and a logged write waits for the write-ahead log to reach the disk, which cost more than
everything else a cached answer does. Counters are worth nothing after a crash (PostgreSQL empties an
unlogged table then) and are read only from the primary (apps/curation/db_router.py), which a replica
never needs to hold them for."""

from django.db import migrations

TABLE = "curation_shared_cache"


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("curation", "0008_citation_whole_source_locator")]

    operations = [migrations.RunPython(unlogged, logged)]
