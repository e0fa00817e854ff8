"""Snapshots: frozen, canonical, checksummed, immutable, rebuildable as of a past moment, comparable."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from frictionless import validate

from apps.dataset import exports, snapshots
from apps.dataset.diff import describe, diff_datasets
from apps.dataset.importer import import_dataset
from apps.mechanisms.models import Mechanism, Participation, Region
from apps.meetings.models import Meeting
from apps.reviews.models import ReviewEdition, Snapshot, SnapshotImmutable
from apps.states.models import State

from . import factories
from .conftest import site_editor
from .test_dataset_import import MINIMAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def harns():
    return ReviewEdition.objects.get(slug="harns-2013")


@pytest.fixture
def snapshot(harns):
    return snapshots.create_snapshot(edition=harns, title="Test snapshot")


# ----- canonical form and checksum --------------------------------------------------------------

def test_a_snapshot_holds_the_whole_published_dataset_as_canonical_json(snapshot):
    data = snapshots.content_bytes(snapshot)
    assert hashlib.sha256(data).hexdigest() == snapshot.checksum
    parsed = json.loads(data)
    assert data.decode() == json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert parsed["format"] == "rcp-dataset/2"
    assert len(parsed["mechanisms"]) == Mechanism.objects.count() == snapshot.counts["mechanisms"]
    assert snapshot.counts["participations"] == Participation.objects.count()
    bali = next(m for m in parsed["mechanisms"] if m["slug"] == "bali-process")
    assert bali["review_entries"][0]["edition"] == "harns-2013" and bali["sources"]
    referenced = {p["state"] for m in parsed["mechanisms"] for p in m["participations"] if "state" in p}
    assert referenced <= {s["alpha3"] for s in parsed["states"]} and len(parsed["states"]) < State.objects.count()


def test_the_same_data_gives_the_same_checksum(snapshot, harns):
    again = snapshots.create_snapshot(edition=harns, title="Again")
    assert again.checksum == snapshot.checksum and again.slug != snapshot.slug


REVIEW_ENTRY = ("review_entries:\n  - {edition: harns-2013, section: '3.1', kind: rcp, governance: stand-alone, "
                "region: africa}")

# The checksum of a fixed small dataset. The suite runs on SQLite and on PostgreSQL: both must give it.
SMALL_DATASET_CHECKSUM = "1a017a26ad46102f0789122d39c73b22e63dbb7cb348983e29f701518d526179"


def test_a_fixed_dataset_has_the_same_checksum_on_every_database(harns):
    factories.empty_dataset()
    import_dataset({
        "editions.yaml": "- {slug: harns-2013, year: 2013, title: Review, authors: [C. Harns], status: published}\n",
        "regions.yaml": "- {slug: africa, name: Africa (intra-African), order: 1}\n",
        "themes.yaml": "- {slug: labour-migration, name: Labour migration, description: ''}\n",
        # Publishing needs an entry: the import publishes through the editorial workflow.
        "mechanisms/test-process.yaml": MINIMAL.replace("review_entries: []", REVIEW_ENTRY),
    }, user=site_editor())
    frozen = snapshots.freeze()
    assert frozen.checksum == SMALL_DATASET_CHECKSUM, frozen.checksum


def test_curator_notes_and_unpublished_editions_stay_out(harns):
    draft = factories.edition(slug="draft-2026", year=2026, title="Draft")
    mechanism = Mechanism.objects.get(slug="midwa")
    mechanism.curator_note = "PRIVATE-NOTE"
    mechanism.save()
    mechanism.review_entries.create(edition=draft, kind="rcp", governance="pillar", region=mechanism.region,
                                    background="DRAFT-TEXT")
    mechanism.sources.create(source=draft.source, locator="section 9")
    data = snapshots.content_bytes(snapshots.create_snapshot(edition=harns, title="t"))
    assert b"PRIVATE-NOTE" not in data and b"DRAFT-TEXT" not in data and b"draft-2026" not in data


# ----- immutability -----------------------------------------------------------------------------

def test_a_snapshot_cannot_be_changed_or_deleted_through_the_orm(snapshot):
    snapshot.title = "Changed"
    with pytest.raises(SnapshotImmutable):
        snapshot.save()
    with pytest.raises(SnapshotImmutable):
        snapshot.delete()
    with pytest.raises(SnapshotImmutable):
        Snapshot.objects.filter(pk=snapshot.pk).update(title="Changed")
    with pytest.raises(SnapshotImmutable):
        Snapshot.objects.filter(pk=snapshot.pk).delete()
    assert Snapshot.objects.get(pk=snapshot.pk).title == "Test snapshot"


def test_the_database_itself_refuses_an_update(snapshot):
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_snapshot SET title = 'Changed' WHERE id = %s", [snapshot.pk])
    assert Snapshot.objects.get(pk=snapshot.pk).title == "Test snapshot"


def test_the_admin_shows_a_snapshot_but_never_changes_or_deletes_it(curator_client, snapshot):
    base = f"/admin/reviews/snapshot/{snapshot.pk}"
    assert curator_client.get(f"{base}/change/").status_code == 200
    assert curator_client.post(f"{base}/change/", {"title": "Changed"}).status_code == 403
    assert curator_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert Snapshot.objects.get(pk=snapshot.pk).title == "Test snapshot"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_never_changes_a_snapshot(api, snapshot, method):
    response = getattr(api, method)(f"/api/v1/snapshots/{snapshot.slug}/", data={}, content_type="application/json")
    assert response.status_code == 405
    assert Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_verify_reports_a_tampered_snapshot(snapshot, capsys):
    call_command("snapshot", "verify")
    assert "All" in capsys.readouterr().out
    with connection.cursor() as cursor:  # tampering behind the application's back: drop the trigger first
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER reviews_snapshot_immutable")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off for this transaction
        cursor.execute("UPDATE reviews_snapshot SET checksum = %s WHERE id = %s", ["0" * 64, snapshot.pk])
        if connection.vendor != "sqlite":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="1 of .* snapshots fail"):
        call_command("snapshot", "verify")
    assert f"{snapshot.slug}: MISMATCH" in capsys.readouterr().out


# ----- as of a past moment ----------------------------------------------------------------------

def test_a_snapshot_rebuilt_as_of_a_past_moment_equals_the_one_taken_then(snapshot, harns):
    moment = snapshot.as_of
    mechanism = Mechanism.objects.get(slug="apc")
    mechanism.status = "dissolved"
    mechanism.save()
    mechanism.themes.clear()
    Participation.objects.filter(mechanism__slug="bali-process", state__alpha3="FJI").delete()
    factories.meeting(Mechanism.objects.get(slug="midwa"), start="2014-03")
    Mechanism.objects.get(slug="igc").other_names.all().delete()
    later = snapshots.create_snapshot(edition=harns, title="Later")
    assert later.checksum != snapshot.checksum
    rebuilt = snapshots.create_snapshot(edition=harns, title="As of then", as_of=moment)
    assert rebuilt.checksum == snapshot.checksum


def test_the_command_takes_an_as_of_date(harns, curator, capsys):
    call_command("snapshot", "create", "--edition", "harns-2013", "--title", "Before anything", "--as-of",
                 "2013-05-01", "--user", curator.username)
    empty = Snapshot.objects.get(title="Before anything")
    assert empty.counts["mechanisms"] == 0 and empty.as_of.isoformat().startswith("2013-05-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("snapshot", "create", "--edition", "harns-2013", "--title", "x", "--as-of", "2013-13-01",
                     "--user", curator.username)


# ----- exports ----------------------------------------------------------------------------------

def unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_the_yaml_export_reproduces_the_snapshot_in_an_empty_database(snapshot):
    files = {name: data.decode() for name, data in unzip(exports.as_yaml(snapshot).data).items()}
    assert "mechanisms/bali-process.yaml" in files and "states.yaml" in files
    factories.empty_dataset()
    import_dataset(files, user=site_editor())
    assert snapshots.freeze().checksum == snapshot.checksum


def test_the_json_export_is_the_checksummed_canonical_json(snapshot):
    assert hashlib.sha256(exports.as_json(snapshot).data).hexdigest() == snapshot.checksum


def test_the_data_package_passes_frictionless_validation(snapshot, tmp_path):
    files = unzip(exports.as_datapackage(snapshot).data)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    participations = next(r for r in descriptor["resources"] if r["name"] == "participations")
    assert {"fields": ["state"], "reference": {"resource": "states", "fields": ["alpha3"]}} in \
        participations["schema"]["foreignKeys"]
    assert participations["hash"].startswith("sha256:")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # Change one byte of a table: its hash no longer matches and the package is invalid.
    meetings = tmp_path / "meetings.csv"
    meetings.write_bytes(meetings.read_bytes().replace(b"Bangkok", b"Bangkoq", 1))
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_the_report_regenerates_the_four_annexes(snapshot):
    html = exports.as_report(snapshot).data.decode()
    for heading in ("Annex A: the mechanisms by region", "Annex B: key features", "Annex C: meetings",
                    "Annex D: working classification", "Changes since the previous review", "Meetings per year",
                    "Members per mechanism"):
        assert heading in html
    assert "Bali Process" in html and snapshot.checksum in html and "<svg" in html
    annex_d = html.split('id="annex-d"')[1].split("</table>")[0]
    # Two header rows, then every mechanism the snapshot holds: the 25 reviewed, and the CBCP, which the
    # entry of its successor covers.
    assert annex_d.count("<tr>") == 2 + snapshot.counts["mechanisms"] == 2 + 26
    assert "Cross-Border Cooperation Process</strong> (CBCP): covered by the entry of its successor" in html


# ----- diff -------------------------------------------------------------------------------------

def test_the_diff_shows_exactly_what_a_curator_changed(snapshot, harns):
    khartoum = Mechanism.objects.create(
        slug="khartoum-process", name="EU-Horn of Africa Migration Route Initiative", acronym="Khartoum Process",
        region=Region.objects.get(slug="africa-europe"), kind="rcp", governance="stand-alone", founded="2014")
    khartoum.sources.create(source=harns.source, locator="section 3.2")
    apc = Mechanism.objects.get(slug="apc")
    apc.status = "dissolved"
    apc.save()
    for mechanism, alpha3, name in (("igad-rcp", "SSD", "South Sudan"), ("colombo-process", "KHM", "Cambodia")):
        factories.participation(Mechanism.objects.get(slug=mechanism), alpha3, "member", as_written=name)
    meeting = Meeting.objects.get(slug="rcm-2013-06-san-jose-conference")
    old_start = meeting.start
    meeting.start = "2013-07-04"
    meeting.save()
    after = snapshots.create_snapshot(edition=harns, title="After")

    diff = diff_datasets(snapshots.content(snapshot), snapshots.content(after))
    assert diff == {
        "mechanisms_added": [{"slug": "khartoum-process", "name": "EU-Horn of Africa Migration Route Initiative",
                              "kind": "rcp", "founded": "2014"}],
        "mechanisms_removed": [],
        "mechanisms_changed": [{"slug": "apc", "changes": {"status": ["inactive", "dissolved"]}}],
        "participations": [
            {"mechanism": "colombo-process", "joined": [{"participant": "KHM", "roles": ["member"]}], "left": [],
             "role_changes": []},
            {"mechanism": "igad-rcp", "joined": [{"participant": "SSD", "roles": ["member"]}], "left": [],
             "role_changes": []},
        ],
        "meetings_added": [],
        "meetings_removed": [],
        "meetings_changed": [
            {"mechanism": "rcm", "slug": meeting.slug, "changes": {"start": [old_start, "2013-07-04"]}}
        ],
    }
    text = [line for _heading, lines in describe(diff) for line in lines]
    assert "apc: status changed from 'inactive' to 'dissolved'" in text
    assert "igad-rcp: SSD joined as member" in text
    assert diff_datasets(snapshots.content(after), snapshots.current_dataset()) == diff_datasets(
        snapshots.content(after), snapshots.content(after))


# ----- API --------------------------------------------------------------------------------------

def test_the_api_lists_public_snapshots_with_their_downloads(api, snapshot):
    body = api.get(f"/api/v1/snapshots/{snapshot.slug}/").json()
    assert body["checksum"] == snapshot.checksum and body["edition"]["slug"] == "harns-2013"
    assert set(body["downloads"]) == {"json", "yaml", "datapackage", "report", "panel", "panel-codebook", "popolo"}
    assert "created_by" not in body
    download = api.get(f"/api/v1/snapshots/{snapshot.slug}/download/json/")
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == snapshot.checksum
    assert download["X-Snapshot-SHA256"] == snapshot.checksum
    for name in ("yaml", "datapackage", "report"):
        assert api.get(f"/api/v1/snapshots/{snapshot.slug}/download/{name}/").status_code == 200
    assert api.get(f"/api/v1/snapshots/{snapshot.slug}/download/pdf/").status_code == 404


def test_snapshots_of_unpublished_editions_are_not_public(api):
    draft = factories.edition(slug="draft-2026", year=2026, title="Draft")
    hidden = snapshots.create_snapshot(edition=draft, title="Draft snapshot")
    assert hidden.slug not in {s["slug"] for s in api.get("/api/v1/snapshots/").json()["results"]}
    assert api.get(f"/api/v1/snapshots/{hidden.slug}/").status_code == 404
    assert api.get(f"/api/v1/snapshots/{hidden.slug}/download/json/").status_code == 404


def test_the_api_diffs_two_snapshots_or_a_snapshot_and_now(api, snapshot, harns):
    apc = Mechanism.objects.get(slug="apc")
    apc.status = "dissolved"
    apc.save()
    later = snapshots.create_snapshot(edition=harns, title="Later")
    body = api.get(f"/api/v1/snapshots/{snapshot.slug}/diff/{later.slug}/").json()
    assert body["mechanisms_changed"] == [{"slug": "apc", "changes": {"status": ["inactive", "dissolved"]}}]
    assert body["summary"][0]["heading"] == "Classification, status and other facts"
    now = api.get(f"/api/v1/snapshots/{snapshot.slug}/diff/current/").json()
    assert now["mechanisms_changed"] == body["mechanisms_changed"]
    assert api.get(f"/api/v1/snapshots/{snapshot.slug}/diff/nowhere/").status_code == 404


def test_the_2013_edition_is_published_with_its_snapshot(api):
    body = api.get("/api/v1/editions/harns-2013/").json()
    assert len(body["entries"]) == 25 and body["snapshots"]
    assert timezone.now() >= Snapshot.objects.filter(edition__slug="harns-2013").earliest("created_at").created_at
