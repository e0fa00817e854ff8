"""The move of citations (and of discrepancies' sides) to the source register keeps every one of them.

The migrations run on a scratch database of the suite's engine, in a process of their own where it is
the default database (as ``manage.py migrate`` would): from before the source register (curation 0004,
reviews 0007), where citations are made, to the latest migrations. Their count and content are compared.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

BEFORE = [("curation", "0004_shared_cache_table"), ("reviews", "0007_http_urls_only")]
ROOT = Path(__file__).resolve().parent.parent


def scenario():
    """Run in the scratch database's own process: prints the citations before and after, as JSON."""
    import django  # noqa: PLC0415  (only in the scratch process, where the settings name the scratch database)

    django.setup()
    from django.db import connection  # noqa: PLC0415  (after setup)
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415  (after setup)

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    apps = migrate(BEFORE)
    content_type = apps.get_model("contenttypes", "ContentType").objects
    mechanism = content_type.get_or_create(app_label="mechanisms", model="mechanism")[0]
    meeting = content_type.get_or_create(app_label="meetings", model="meeting")[0]
    Edition = apps.get_model("reviews", "ReviewEdition")
    harns = Edition.objects.create(slug="harns-2013", year=2013, title="Regional consultations",
                                   authors=["Caroline Harns"], published="2013-04", status="published")
    draft = Edition.objects.create(slug="annual-2026", year=2026, title="2026 review")
    OldCitation = apps.get_model("reviews", "Citation")
    for edition, subject, object_id, locator, covers, position in (
            (harns, mechanism, 1, "Annex B", "", 0), (harns, mechanism, 1, "Annex C", "status", 1),
            (harns, mechanism, 1, "section 3.4.1", "status,status_note,objectives", 2),
            (harns, meeting, 7, "Annex C", "", 0), (draft, mechanism, 2, "p. 4", "founded", 0)):
        OldCitation.objects.create(edition=edition, content_type=subject, object_id=object_id, locator=locator,
                                   covers=covers, position=position)
    region = apps.get_model("mechanisms", "Region").objects.create(slug="asia", name="Asia")
    almaty = apps.get_model("mechanisms", "Mechanism").objects.create(slug="almaty-process", name="Almaty Process",
                                                                      region=region, kind="rcp",
                                                                      governance="stand-alone")
    apps.get_model("reviews", "Discrepancy").objects.create(
        mechanism=almaty, subject="founded", recorded="2011", recorded_edition=harns, recorded_locator="Annex B",
        conflicting="2012", conflicting_edition=draft, conflicting_locator="section 3.4.1")
    columns = ("id", "content_type__model", "object_id", "locator", "covers", "position")
    before = sorted(OldCitation.objects.values_list("edition__slug", *columns))

    apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Citation = apps.get_model("curation", "Citation")
    after = sorted(Citation.objects.values_list("source__slug", *columns))
    sources = sorted(apps.get_model("curation", "Source").objects.values_list("slug", "kind", "is_public"))
    current = Citation.objects.filter(superseded_at__isnull=True).count()
    discrepancies = list(apps.get_model("reviews", "Discrepancy").objects.values_list(
        "recorded_source__slug", "recorded_locator", "conflicting_source__slug", "conflicting_locator"))
    print(json.dumps({"before": before, "after": after, "sources": sources, "current": current,
                      "discrepancies": discrepancies}))


@pytest.fixture
def scratch_url(tmp_path, django_db_blocker):
    """The address of an empty database beside the test database."""
    default = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"{default['NAME']}_migrations"
    with django_db_blocker.unblock(), connections["default"]._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    host = f"{default['HOST'] or 'localhost'}:{default['PORT'] or 5432}"
    password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
    try:
        yield f"postgres://{default['USER']}{password}@{host}/{name}"
    finally:
        with django_db_blocker.unblock(), connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_every_citation_survives_the_move_to_the_source_register(scratch_url):
    environment = {**os.environ, "DATABASE_URL": scratch_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    environment.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "from tests.test_source_migrations import scenario; scenario()"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(found["before"]) == 5
    assert found["after"] == found["before"]  # same ids, sources, subjects, locators, fields covered, positions
    assert found["current"] == 5
    assert found["discrepancies"] == [["harns-2013", "Annex B", "annual-2026", "section 3.4.1"]]
    assert found["sources"] == [["annual-2026", "review-edition", False], ["harns-2013", "review-edition", True]]
