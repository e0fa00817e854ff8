"""Research exports of a snapshot: the state–mechanism–year panel (Correlates of War IGO codes) and
Popolo JSON, in the data package and as API downloads."""

import csv
import io
import json
import re
import zipfile

import pytest
from django.urls import reverse
from frictionless import validate

from apps.dataset import exports, research, snapshots
from apps.reviews.models import ReviewEdition

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot():
    return snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="Research test")


def _panel(snapshot):
    rows = csv.DictReader(io.StringIO(exports.as_panel(snapshot).data.decode("utf-8")))
    return {(r["mechanism"], r["state"], int(r["year"])): (int(r["code"]), r["role"]) for r in rows}


def _series(panel, mechanism, state):
    return {year: value for (m, s, year), value in panel.items() if (m, s) == (mechanism, state)}


UNKNOWN = (-9, "")


def test_the_panel_codes_the_igad_rcp_with_eritrea_suspended(snapshot):
    """IGAD-RCP, founded 2008; the 2013 review lists Eritrea as having suspended its membership, Djibouti as a
    member and Egypt as an observer, none with a date: known in 2013 only, unknown before."""
    panel = _panel(snapshot)
    before = dict.fromkeys(range(2008, 2013), UNKNOWN)
    assert _series(panel, "igad-rcp", "ERI") == {**before, 2013: (1, "suspended-member")}
    assert _series(panel, "igad-rcp", "DJI") == {**before, 2013: (1, "member")}
    assert _series(panel, "igad-rcp", "EGY") == {**before, 2013: (3, "observer")}
    # Partners (Austria…) hold no standing role: not in the panel.
    assert not _series(panel, "igad-rcp", "AUT")


def test_the_panel_codes_new_zealand_in_the_apc_through_2003_then_none(snapshot):
    """APC, founded 1996; New Zealand a member 'through 2003', start unknown."""
    panel = _panel(snapshot)
    expected = {**dict.fromkeys(range(1996, 2003), UNKNOWN), 2003: (1, "member"),
                **dict.fromkeys(range(2004, 2014), (0, ""))}
    assert _series(panel, "apc", "NZL") == expected
    assert _series(panel, "apc", "AUS") == {**dict.fromkeys(range(1996, 2013), UNKNOWN), 2013: (1, "member")}


def test_the_panel_codes_the_almaty_process_expected_members_from_its_first_recorded_year(snapshot):
    """The Almaty Process has no founding date; its first dated record is the March 2011 Almaty conference.
    Its states are expected members (2) and expected observers (3)."""
    panel = _panel(snapshot)
    assert _series(panel, "almaty-process", "KAZ") == {2011: UNKNOWN, 2012: UNKNOWN, 2013: (2, "expected-member")}
    assert _series(panel, "almaty-process", "JPN") == {2011: UNKNOWN, 2012: UNKNOWN,
                                                       2013: (3, "expected-observer")}
    assert {state for (m, state, _y) in panel if m == "almaty-process"} == {
        "AFG", "AZE", "CHN", "IRN", "KAZ", "KGZ", "PAK", "RUS", "TJK", "TKM", "TUR", "UZB", "JPN", "USA"}


def _role(role, start="", end=""):
    return {"state": "XXX", "role": role, "start": start, "end": end}


def test_a_change_of_role_within_a_year_codes_the_role_held_at_its_end():
    mechanism = {"slug": "m", "founded": "2005", "ended": "", "meetings": [], "documents": [], "participations": [
        _role("observer", "2005-03", "2007-05"), _role("member", "2007-09"),
    ]}
    rows = research.panel_rows({"mechanisms": [mechanism]}, 2009)
    assert [(r["year"], r["code"]) for r in rows] == [(2005, 3), (2006, 3), (2007, 1), (2008, 1), (2009, 1)]


def test_a_mechanism_that_ended_stops_its_panel_in_the_year_it_ended():
    mechanism = {"slug": "m", "founded": "2001", "ended": "2003-06", "meetings": [], "documents": [],
                 "participations": [_role("member", "2002")]}
    rows = research.panel_rows({"mechanisms": [mechanism]}, 2013)
    assert [(r["year"], r["code"]) for r in rows] == [(2001, 0), (2002, 1), (2003, 1)]


def test_the_data_package_holds_the_panel_its_codebook_and_popolo_and_still_validates(snapshot, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(exports.as_datapackage(snapshot).data))
    for name in archive.namelist():
        (tmp_path / name.split("/", 1)[1]).write_bytes(archive.read(name))
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert {"panel", "panel_codes", "panel_codebook", "popolo"} <= set(resources)
    assert resources["panel"]["schema"]["primaryKey"] == ["mechanism", "state", "year"]
    assert (tmp_path / "panel.csv").read_bytes() == exports.as_panel(snapshot).data
    assert "-9" in (tmp_path / "panel-codebook.md").read_text()
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # A code outside the codebook breaks the package, whatever its hash says.
    panel = tmp_path / "panel.csv"
    header, first, rest = panel.read_text().split("\n", 2)
    panel.write_text("\n".join([header, ",".join(first.split(",")[:3] + ["7", ""]), rest]))
    del resources["panel"]["hash"], resources["panel"]["bytes"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    errors = validate(str(tmp_path / "datapackage.json")).flatten(["type"])
    assert ["constraint-error"] in errors and ["foreign-key"] in errors


# The Popolo specification (popoloproject.com): no registry package ships its JSON schemas, so these are
# the properties it requires, checked one by one.
POPOLO_DATE = re.compile(r"^[0-9]{4}((-[0-9]{2}){0,2}|(-[0-9]{2}){2}(T[0-9]{2}(:[0-9]{2}(:[0-9]{2})?)?Z)?)$")


def _check_link(link):
    assert set(link) <= {"url", "note"} and re.match(r"^[a-z][a-z0-9+.-]*:\S+$", link["url"])


def test_popolo_holds_organizations_and_memberships_as_the_specification_requires(snapshot):
    data = json.loads(exports.as_popolo(snapshot).data)
    assert set(data) == {"organizations", "memberships"}
    organizations = {o["id"]: o for o in data["organizations"]}
    assert len(organizations) == len(data["organizations"])  # ids are unique
    for organization in data["organizations"]:
        assert isinstance(organization["name"], str) and organization["name"]
        for key in ("founding_date", "dissolution_date"):
            assert key not in organization or POPOLO_DATE.match(organization[key])
        for name in organization["other_names"]:
            assert name["name"] and all(POPOLO_DATE.match(name[k]) for k in ("start_date", "end_date") if k in name)
        for identifier in organization.get("identifiers", []):
            assert identifier["identifier"]
        assert "parent_id" not in organization or organization["parent_id"] in organizations
        for link in organization["sources"]:
            _check_link(link)
    for membership in data["memberships"]:
        assert membership["organization_id"] in organizations
        assert membership["member"]["@type"] in ("Person", "Organization")
        assert membership["member"]["id"] in organizations
        for key in ("start_date", "end_date"):
            assert key not in membership or POPOLO_DATE.match(membership[key])
        for link in membership["sources"]:
            _check_link(link)
    nzl = next(m for m in data["memberships"]
               if m["organization_id"] == "mechanism/apc" and m["member"]["id"] == "state/NZL")
    assert nzl["role"] == "member" and nzl["end_date"] == "2003" and "start_date" not in nzl
    assert nzl["sources"][0]["url"] == "urn:isbn:978-92-9068-675-0" and "Annex B" in nzl["sources"][0]["note"]
    assert organizations["mechanism/igad-rcp"]["founding_date"] == "2008"
    assert organizations["mechanism/igad-rcp"]["parent_id"] == "organization/igad"


@pytest.mark.parametrize(("name", "content_type"), [
    ("panel", "text/csv; charset=utf-8"), ("panel-codebook", "text/markdown; charset=utf-8"),
    ("popolo", "application/json"),
])
def test_the_api_serves_the_research_exports_and_the_schema_documents_them(snapshot, api, name, content_type):
    response = api.get(reverse("api:snapshot-download", kwargs={"slug": snapshot.slug, "format_name": name}))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content == exports.export(snapshot, name).data
    assert response["X-Snapshot-SHA256"] == snapshot.checksum
    listed = api.get(reverse("api:snapshot-detail", kwargs={"slug": snapshot.slug})).json()
    assert listed["downloads"][name].endswith(f"/download/{name}/")
    schema = api.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    operation = next(item["get"] for path, item in schema["paths"].items() if "download" in path)
    parameter = next(p for p in operation["parameters"] if p["name"] == "format_name")
    assert name in parameter["schema"]["enum"] and name in operation["description"]
