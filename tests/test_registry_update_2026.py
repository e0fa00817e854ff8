"""The 2026 update of the registry (fixtures/updates/2026), held against the pages it cites.

The update is a dataset folder: a draft edition, the web pages it cites (sources.yaml) and a file per mechanism
updated or added. Every new fact carries a citation of a page with a short quotation of the passage that states
it; these tests hold each quotation against the fact it supports, then load the update over the 2013 dataset.
"""

import re
from pathlib import Path

import pytest

from apps.dataset import yaml_format as fmt
from apps.dataset.importer import import_dataset, read_folder
from apps.dataset.snapshots import verify_snapshots
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Meeting
from apps.reviews.models import ReviewEdition, ReviewEntry
from tests.conftest import FIXTURES, site_editor

UPDATE = FIXTURES / "updates" / "2026"
EDITIONS = {"harns-2013", "hansen-2010", "review-2026"}
QUOTE_LIMIT = 200
CHAIR_WORDS = re.compile(r"chair|presid|présid", re.IGNORECASE)
YEAR = re.compile(r"^(\d{4})")


def _load(path):
    return fmt.load(Path(path).read_text(encoding="utf-8"))


def _mechanism_files():
    return sorted((UPDATE / fmt.MECHANISMS_DIR).glob("*.yaml"))


def _state_names():
    """Every name a state is recorded under, by alpha-3 code."""
    names = {}
    for state in _load(FIXTURES / fmt.STATES_FILE):
        known = {state["name"], state["official_name"], *(other["name"] for other in state["names"])}
        names[state["alpha3"]] = {name for name in known if name}
    return names


def _citations(record):
    """The record's citations as (source slug, fields covered or None for the whole record, quote)."""
    for citation in record.get("sources", []):
        if isinstance(citation, str):
            yield citation.split(" ", 1)[0], None, ""
        else:
            yield citation["cite"].split(" ", 1)[0], citation.get("for"), citation.get("quote", "")


def _records(mechanism):
    """Every cited record of a mechanism file, with a label naming it."""
    yield f"mechanism {mechanism['slug']}", "mechanism", mechanism
    for name in mechanism["other_names"]:
        yield f"name {name['name']}", "name", name
    for index, participation in enumerate(mechanism["participations"]):
        who = participation.get("state") or participation.get("organization")
        yield f"participations[{index}] {who} {participation['role']}", "participation", participation
    for meeting in mechanism["meetings"]:
        yield f"meeting {meeting['slug']}", "meeting", meeting
    for document in mechanism["documents"]:
        yield f"document {document['slug']}", "document", document


def _covers(fields, name):
    return fields is None or name in fields


@pytest.fixture(scope="module")
def register():
    return {source["slug"] for source in _load(UPDATE / "sources.yaml")}


@pytest.fixture(scope="module")
def state_names():
    return _state_names()


def test_the_update_brings_one_draft_edition_of_2026():
    editions = _load(UPDATE / fmt.EDITIONS_FILE)
    assert [(e["slug"], e["year"], e["status"]) for e in editions] == [("review-2026", 2026, "draft")]
    assert editions[0]["title"] == "Inter-State Consultation Mechanisms on Migration: 2026 Review"


def test_sources_are_web_pages_read_on_the_day_sorted_by_slug():
    sources = _load(UPDATE / "sources.yaml")
    slugs = [source["slug"] for source in sources]
    assert slugs == sorted(slugs) and len(slugs) == len(set(slugs))
    for source in sources:
        assert source["kind"] == "web-page", source["slug"]
        assert source["url"].startswith(("http://", "https://")), source["slug"]
        assert source["accessed"] == "2026-11-28", source["slug"]
        assert not set(source["slug"]) - set("abcdefghijklmnopqrstuvwxyz0123456789-"), source["slug"]


@pytest.mark.parametrize("path", _mechanism_files(), ids=lambda path: path.stem)
def test_every_citation_names_a_registered_source_and_quotes_briefly(path, register):
    problems = []
    mechanism = _load(path)
    for label, _kind, record in _records(mechanism):
        for slug, _fields, quote in _citations(record):
            if slug not in register | EDITIONS:
                problems.append(f"{label}: cites '{slug}', which sources.yaml does not hold")
            if len(quote) > QUOTE_LIMIT:
                problems.append(f"{label}: a quotation of {len(quote)} characters")
            if slug not in EDITIONS and not quote:
                problems.append(f"{label}: cites the page '{slug}' without quoting it")
    for discrepancy in mechanism["discrepancies"]:
        for key in ("recorded_source", "conflicting_source"):
            if discrepancy[key].split(" ", 1)[0] not in register | EDITIONS:
                problems.append(f"discrepancy {discrepancy['subject']}: {key} names no registered source")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _mechanism_files(), ids=lambda path: path.stem)
def test_each_quotation_states_the_fact_it_supports(path, state_names):
    """A participation's quotation names the state; a date's quotation holds its year; a chair's quotation
    names the state and the role. Only the citations of the update's pages (those with a quotation) are held."""
    problems = []
    for label, kind, record in _records(_load(path)):
        quoted = [(fields, quote) for _slug, fields, quote in _citations(record) if quote]
        if not quoted:
            continue
        if kind == "participation" and record.get("state"):
            names = state_names[record["state"]] | {record["as_written"]} - {""}
            for fields, quote in quoted:
                if _covers(fields, "state") and not any(name.casefold() in quote.casefold() for name in names):
                    problems.append(f"{label}: the quotation does not name the state: {quote!r}")
                if (record["role"] == "chair" and _covers(fields, "role")
                        and not CHAIR_WORDS.search(quote)):
                    problems.append(f"{label}: the quotation does not speak of the chair: {quote!r}")
        for name in ("start", "end", "date", "founded"):
            year = YEAR.match(record.get(name) or "")
            covering = [quote for fields, quote in quoted if _covers(fields, name)]
            if year and covering and not any(year.group(1) in quote for quote in covering):
                problems.append(f"{label}: no quotation covering its {name} holds the year {year.group(1)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _mechanism_files(), ids=lambda path: path.stem)
def test_the_2013_review_entry_is_kept_as_it_was(path):
    """The update adds the 2026 review entry beside the 2013 one, which stays exactly as the 2013 file has it."""
    mechanism = _load(path)
    entries = {entry["edition"]: entry for entry in mechanism["review_entries"]}
    assert set(entries) - {"harns-2013"} == {"review-2026"}, path.stem
    # The three tiers; a mechanism that no source places in one keeps 'other', as its background says.
    assert entries["review-2026"]["kind"] in {"rcp", "irf", "global", "other"}
    original = FIXTURES / fmt.MECHANISMS_DIR / path.name
    if original.exists():
        before = {entry["edition"]: entry for entry in _load(original)["review_entries"]}
        assert entries.get("harns-2013") == before.get("harns-2013")


# --- the update loaded over the 2013 dataset ------------------------------------------------------------


@pytest.fixture
def updated(db):
    snapshot = ReviewEdition.objects.get(slug="harns-2013").published_snapshot
    before = snapshot.checksum
    report = import_dataset(read_folder(UPDATE), user=site_editor(), reason="The 2026 update")
    return report, snapshot, before


def test_the_update_leaves_the_2013_snapshot_as_published(updated):
    _report, snapshot, before = updated
    snapshot.refresh_from_db()
    assert snapshot.checksum == before
    assert all(check.ok for check in verify_snapshots())
    assert ReviewEdition.objects.get(slug="harns-2013").status == "published"
    assert ReviewEdition.objects.get(slug="review-2026").status == "draft"


def test_a_second_import_of_the_update_changes_nothing(updated):
    again = import_dataset(read_folder(UPDATE), user=site_editor(), reason="The 2026 update, again")
    assert not again.changed, again.summary()


def test_the_khartoum_process_founded_in_rome_in_2014(updated):
    khartoum = Mechanism.objects.get(slug="khartoum-process")
    assert (khartoum.kind, khartoum.founded, khartoum.status) == ("irf", "2014-11-28", "active")
    founded = [c for c in khartoum.sources.filter(superseded_at__isnull=True) if "founded" in c.covered_fields]
    assert [c.source.slug for c in founded] == ["esteri-khartoum-process-launch-2014"]
    assert "28 November 2014" in founded[0].quotation
    rome = Meeting.objects.get(slug="khartoum-process-2014-11-rome-ministerial")
    assert (rome.kind, rome.city, rome.host.alpha3) == ("ministerial", "Rome", "ITA")
    assert khartoum.documents.get(slug="khartoum-process-rome-declaration").meeting == rome
    entry = ReviewEntry.objects.get(mechanism=khartoum, edition__slug="review-2026")
    assert (entry.kind, entry.region.slug) == ("irf", "africa-europe")


def test_chairs_carry_their_terms(updated):
    chairs = Participation.objects.filter(mechanism__slug="rabat-process", role="chair", state__alpha3="PRT")
    assert sorted((p.start, p.end) for p in chairs) == [("2016", "2016"), ("2024-02-01", "2025-01")]
    khartoum = Participation.objects.filter(mechanism__slug="khartoum-process", role="chair")
    assert ("FRA", "2025-04-09", "") in {(p.state.alpha3, p.start, p.end) for p in khartoum}


def test_a_member_that_joined_since_2013_with_its_date_and_page(updated):
    cambodia = Participation.objects.get(mechanism__slug="colombo-process", state__alpha3="KHM", role="member")
    assert cambodia.start == "2016-08"
    sources = {c.source.slug for c in cambodia.sources.filter(superseded_at__isnull=True)}
    assert "lankamission-colombo-process-2016" in sources


def test_members_that_left_keep_their_row_with_an_end(updated):
    rabat = Participation.objects.filter(mechanism__slug="rabat-process")
    left = rabat.filter(role="member", state__alpha3__in=["EGY", "LBY"])
    assert sorted((p.state.alpha3, p.end) for p in left) == [("EGY", "2014-11"), ("LBY", "2014-11")]
    assert rabat.get(role="observer", state__alpha3="LBY").start == "2019-02"
