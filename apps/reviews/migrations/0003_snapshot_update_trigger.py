"""Refuse any UPDATE of a snapshot row in the database itself, whatever path the change takes.

Deletion is refused by the model and its queryset; a DELETE trigger is not added because the test
framework empties tables with DELETE on SQLite. ``manage.py snapshot verify`` catches any other
tampering by recomputing every checksum.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER reviews_snapshot_immutable BEFORE UPDATE ON reviews_snapshot
       BEGIN SELECT RAISE(ABORT, 'snapshots are immutable'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS reviews_snapshot_immutable;"]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION reviews_snapshot_refuse_update() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'snapshots are immutable'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER reviews_snapshot_immutable BEFORE UPDATE ON reviews_snapshot
       FOR EACH ROW EXECUTE FUNCTION reviews_snapshot_refuse_update();""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reviews_snapshot_immutable ON reviews_snapshot;",
    "DROP FUNCTION IF EXISTS reviews_snapshot_refuse_update();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_editorial_workflow_and_snapshots")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
