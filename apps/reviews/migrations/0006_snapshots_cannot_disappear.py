"""Snapshots cannot disappear: the database itself refuses DELETE and TRUNCATE of a snapshot, and any
change or removal of the register of issued snapshots, whatever path the statement takes.

Also fills the register with the snapshots that exist, and gives each published edition the snapshot
frozen when it was published (its earliest). A TRUNCATE of an already empty table is let through on
PostgreSQL: it removes nothing, and it is how a test database is emptied between tests.
"""

from django.db import migrations

PROTECTED = ("reviews_snapshot", "reviews_issuedsnapshot")

SQLITE = [
    """CREATE TRIGGER reviews_snapshot_undeletable BEFORE DELETE ON reviews_snapshot
       BEGIN SELECT RAISE(ABORT, 'snapshots cannot be deleted'); END;""",
    """CREATE TRIGGER reviews_issuedsnapshot_immutable BEFORE UPDATE ON reviews_issuedsnapshot
       BEGIN SELECT RAISE(ABORT, 'the register of issued snapshots cannot be changed'); END;""",
    """CREATE TRIGGER reviews_issuedsnapshot_undeletable BEFORE DELETE ON reviews_issuedsnapshot
       BEGIN SELECT RAISE(ABORT, 'the register of issued snapshots cannot be changed'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS reviews_snapshot_undeletable;",
    "DROP TRIGGER IF EXISTS reviews_issuedsnapshot_immutable;",
    "DROP TRIGGER IF EXISTS reviews_issuedsnapshot_undeletable;",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION reviews_refuse_removal() RETURNS trigger AS $$
       DECLARE held boolean;
       BEGIN
         IF TG_OP = 'TRUNCATE' THEN
           EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO held;
           IF NOT held THEN RETURN NULL; END IF;
         END IF;
         RAISE EXCEPTION '% on %: snapshots and the register of issued snapshots are never changed or removed',
           TG_OP, TG_TABLE_NAME;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER reviews_snapshot_undeletable BEFORE DELETE ON reviews_snapshot
       FOR EACH ROW EXECUTE FUNCTION reviews_refuse_removal();""",
    """CREATE TRIGGER reviews_snapshot_untruncatable BEFORE TRUNCATE ON reviews_snapshot
       FOR EACH STATEMENT EXECUTE FUNCTION reviews_refuse_removal();""",
    """CREATE TRIGGER reviews_issuedsnapshot_immutable BEFORE UPDATE OR DELETE ON reviews_issuedsnapshot
       FOR EACH ROW EXECUTE FUNCTION reviews_refuse_removal();""",
    """CREATE TRIGGER reviews_issuedsnapshot_untruncatable BEFORE TRUNCATE ON reviews_issuedsnapshot
       FOR EACH STATEMENT EXECUTE FUNCTION reviews_refuse_removal();""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reviews_snapshot_undeletable ON reviews_snapshot;",
    "DROP TRIGGER IF EXISTS reviews_snapshot_untruncatable ON reviews_snapshot;",
    "DROP TRIGGER IF EXISTS reviews_issuedsnapshot_immutable ON reviews_issuedsnapshot;",
    "DROP TRIGGER IF EXISTS reviews_issuedsnapshot_untruncatable ON reviews_issuedsnapshot;",
    "DROP FUNCTION IF EXISTS reviews_refuse_removal();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)  # the SQL holds % of its own

    return run


def register_existing(apps, schema_editor):
    Snapshot = apps.get_model("reviews", "Snapshot")
    IssuedSnapshot = apps.get_model("reviews", "IssuedSnapshot")
    ReviewEdition = apps.get_model("reviews", "ReviewEdition")
    for snapshot in Snapshot.objects.select_related("edition").order_by("created_at", "pk"):
        IssuedSnapshot.objects.get_or_create(slug=snapshot.slug, defaults={
            "checksum": snapshot.checksum, "edition_slug": snapshot.edition.slug, "issued_at": snapshot.created_at})
    for edition in ReviewEdition.objects.filter(status="published", published_snapshot__isnull=True):
        first = Snapshot.objects.filter(edition=edition).order_by("created_at", "pk").first()
        if first is not None:
            ReviewEdition.objects.filter(pk=edition.pk).update(published_snapshot=first)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_workflow_status_and_issued_snapshots")]

    operations = [
        migrations.RunPython(register_existing, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
