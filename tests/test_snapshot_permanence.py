"""Snapshots cannot disappear: the database refuses DELETE and TRUNCATE, a slug is never issued twice,
and `snapshot verify` fails when a snapshot once issued or published is missing."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from apps.dataset import snapshots
from apps.reviews.models import IssuedSnapshot, ReviewEdition, Snapshot

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def harns():
    return ReviewEdition.objects.get(slug="harns-2013")


@pytest.fixture
def snapshot(harns):
    return snapshots.create_snapshot(edition=harns, title="Cited snapshot")


def refused(sql, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_raw_sql_delete_of_a_snapshot_is_refused_by_the_database(snapshot):
    refused("DELETE FROM reviews_snapshot WHERE id = %s", [snapshot.pk])
    refused("DELETE FROM reviews_snapshot")
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_a_truncate_of_the_snapshots_is_refused_by_the_database(snapshot):
    refused("TRUNCATE reviews_snapshot CASCADE")
    refused("TRUNCATE reviews_issuedsnapshot")
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_the_register_of_issued_snapshots_cannot_be_changed_or_emptied(snapshot):
    refused("UPDATE reviews_issuedsnapshot SET checksum = 'x' WHERE slug = %s", [snapshot.slug])
    refused("DELETE FROM reviews_issuedsnapshot WHERE slug = %s", [snapshot.slug])
    assert IssuedSnapshot.objects.get(slug=snapshot.slug).checksum == snapshot.checksum


def test_a_snapshot_removed_by_force_never_gives_its_slug_to_other_data(harns, snapshot, capsys):
    slug = snapshot.slug
    ReviewEdition.objects.update(published_snapshot=None)
    factories.remove_by_force("reviews_snapshot")
    factories.mechanism(name="Data that came later")
    again = snapshots.create_snapshot(edition=harns, title="Later")
    assert again.slug != slug
    with pytest.raises(CommandError, match="snapshot"):
        call_command("snapshot", "verify")
    out = capsys.readouterr().out
    assert f"{slug}: issued" in out and "MISSING" in out
    assert "All 1 snapshots verified" not in out


def test_verify_fails_when_every_snapshot_is_gone(harns, capsys):
    ReviewEdition.objects.update(published_snapshot=None)
    factories.remove_by_force("reviews_snapshot")
    with pytest.raises(CommandError, match="missing"):
        call_command("snapshot", "verify")
    out = capsys.readouterr().out
    assert "All 0 snapshots verified" not in out
    assert "harns-2013: published, but its published snapshot is MISSING" in out


def test_a_published_edition_holds_its_published_snapshot_as_a_required_reference(harns):
    assert harns.published_snapshot is not None
    assert harns.published_snapshot.edition == harns
    # The reference keeps the row: deleting it is refused even with the trigger that refuses deletion dropped.
    on = " ON reviews_snapshot" if connection.vendor == "postgresql" else ""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER reviews_snapshot_undeletable{on}")
        cursor.execute("DELETE FROM reviews_snapshot WHERE id = %s", [harns.published_snapshot_id])
        connection.check_constraints()
    assert Snapshot.objects.filter(pk=harns.published_snapshot_id).exists()


def test_verify_passes_on_a_healthy_database(snapshot, capsys):
    call_command("snapshot", "verify")
    assert "snapshots verified" in capsys.readouterr().out
