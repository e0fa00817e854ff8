"""The database table of the shared cache that holds throttle counters when there is no Redis
(settings.CACHES["throttle"]), created by every `migrate` so that no separate step is forgotten."""

from django.db import migrations

TABLE = "curation_shared_cache"


def create_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("curation", "0003_dataversion")]

    operations = [migrations.RunPython(create_table, drop_table)]
