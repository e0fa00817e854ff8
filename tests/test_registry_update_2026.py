"""The 2026 update of the registry (fixtures/updates/2026), held against the pages it cites.

The update is a dataset folder: a draft edition, the web pages it cites (sources.yaml) and a file per mechanism
updated or added. Every new fact carries a citation of a page with a short quotation of the passage that states
it; these tests hold each quotation against the fact it supports, then load the update over the 2013 dataset.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from apps.curation.models import ChangeSet
from apps.dataset import yaml_format as fmt
from apps.dataset.exporter import export_files
from apps.dataset.importer import import_dataset, read_folder
from apps.dataset.snapshots import verify_snapshots
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Meeting
from apps.reviews.models import ReviewEdition, ReviewEntry
from tests.conftest import FIXTURES, site_editor

UPDATE = FIXTURES / "updates" / "2026"
EDITIONS = {"harns-2013", "hansen-2010", "review-2026"}
QUOTE_LIMIT = 200
CHAIR_WORDS = re.compile(r"chair|presid|présid|pro tempore|\bPPT\b", re.IGNORECASE)
YEAR = re.compile(r"^(\d{4})")


def _load(path):
    return fmt.load(Path(path).read_text(encoding="utf-8"))


def _mechanism_files():
    return sorted((UPDATE / fmt.MECHANISMS_DIR).glob("*.yaml"))


def _state_names():
    """Every name a state is recorded under, by alpha-3 code."""
    names = {}
    update_states = UPDATE / fmt.STATES_FILE  # names the update records, as its pages write them
    for state in [*_load(FIXTURES / fmt.STATES_FILE), *(_load(update_states) if update_states.exists() else [])]:
        known = {state["name"], state["official_name"], *(other["name"] for other in state["names"])}
        names.setdefault(state["alpha3"], set()).update(name for name in known if name)
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


def test_the_update_files_are_written_as_the_export_writes_them(updated):
    """Import then export gives back the update's files byte for byte: they are in the canonical form."""
    exported = export_files()
    for path in [UPDATE / "sources.yaml", *_mechanism_files()]:
        name = str(path.relative_to(UPDATE))
        assert exported[name] == path.read_text(encoding="utf-8"), name
    editions = {edition["slug"]: edition for edition in fmt.load(exported[fmt.EDITIONS_FILE])}
    assert [editions["review-2026"]] == _load(UPDATE / fmt.EDITIONS_FILE)


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
    assert "lankamission" in sources


def test_members_that_left_keep_their_row_with_an_end(updated):
    rabat = Participation.objects.filter(mechanism__slug="rabat-process")
    left = rabat.filter(role="member", state__alpha3__in=["EGY", "LBY"])
    assert sorted((p.state.alpha3, p.end) for p in left) == [("EGY", "2014-11"), ("LBY", "2014-11")]
    assert rabat.get(role="observer", state__alpha3="LBY").start == "2019-02"


# --- what the update adds to each mechanism, as the pages state it ----------------------------------------

# slug: (participations added by role, meetings added, documents added, discrepancies added)
ADDED = {
    # dormant since 2020 (IOM); no meeting or document since 2013 found
    "acp-eu-dialogue": ({}, 0, 0, 1),
    # the 11th (Singapore 2018), 13th (Viet Nam 2020), 15th (Phnom Penh 2022) and 18th (Kuala Lumpur 2025) forums
    "afml": ({}, 4, 0, 0),
    # IOM's classification only
    "asem-cdgimm": ({}, 0, 0, 0),
    # SOM and ministerial 2016, Consultation Mechanism 2017, SOM and ministerial 2018, Paris 2022, Adelaide 2023,
    # Kuala Lumpur 2024; Bali Declaration and co-chairs' statement 2016, three documents of 2018, Adelaide Strategy
    "bali-process": ({}, 8, 6, 1),
    # Hungary 1993-2006, Türkiye since 2006, Hungary co-chair; India and Iran observers (IOM 2017); Sweden rapporteur
    "budapest-process": ({"chair": 3, "observer": 2, "steering-group": 1}, 3, 4, 4),
    # Sri Lanka 2013, Nepal 2017, India 2024; Cambodia admitted 2016
    "colombo-process": ({"chair": 3, "member": 1}, 2, 1, 2),
    # 37 signatories of the Rome Declaration and Libya, Norway, Switzerland, Uganda; 12 states of the Steering
    # Committee with Somalia in Sudan's seat and the EC, EEAS and AUC; ten chairmanships from Egypt (first) to France
    "khartoum-process": ({"chair": 10, "member": 41, "secretariat": 3, "steering-group": 16}, 9, 4, 5),
    # Cabo Verde, Ethiopia, Ghana, Kenya, Mali, Niger, Nigeria, Senegal among IOM's 19 non-EU participants
    "mtm": ({"member": 8}, 0, 0, 1),
    # Lithuania 2018-2020 and the Czech Republic from 2021; Lithuania and the EC in the Strategic Group since 2017
    "prague-process": ({"chair": 2, "steering-group": 2}, 6, 2, 2),
    # chairs Morocco 2015, Portugal 2016, Mali, Belgium 2017, Spain, Morocco 2022, Portugal 2024, Nigeria 2025; Gabon,
    # Equatorial Guinea, Morocco, Sao Tome and Principe, Senegal on the partner list; Libya an observer; ICMPD
    "rabat-process": ({"chair": 8, "member": 5, "observer": 1, "secretariat": 1, "steering-group": 2}, 7, 2, 3),
}


def _participation_key(participation):
    who = participation.get("state") or participation.get("organization")
    return who, participation["role"], participation["start"]


@pytest.mark.parametrize("slug", sorted(ADDED))
def test_what_the_update_adds_to_each_mechanism(slug):
    updated = _load(UPDATE / fmt.MECHANISMS_DIR / f"{slug}.yaml")
    original = FIXTURES / fmt.MECHANISMS_DIR / f"{slug}.yaml"
    before = _load(original) if original.exists() else {key: [] for key in
                                                        ("participations", "meetings", "documents", "discrepancies")}
    known = {_participation_key(p) for p in before["participations"]}
    roles = {}
    for participation in updated["participations"]:
        if _participation_key(participation) not in known:
            roles[participation["role"]] = roles.get(participation["role"], 0) + 1
    assert (roles, *(len(updated[name]) - len(before[name]) for name in ("meetings", "documents", "discrepancies"))) \
        == ADDED[slug]


# --- how the update lands: proposed by a curator, approved by an editor, once (the Makefile's setup) ------------


def test_the_update_is_proposed_reviewed_and_approved_once(django_user_model):
    for name in ("cora", "edna"):  # both may edit and approve, as `ensure_curator` makes them
        user = django_user_model.objects.create_user(username=name, password="x", is_staff=True)
        user.groups.set(Group.objects.filter(name__in=["curator", "editor"]))

    def run(*args):
        out = StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    def import_update():
        return run("import_dataset", str(UPDATE), "--if-new-edition", "--propose", "--user", "cora",
                   "--reason", "The 2026 update")

    said = import_update()
    proposal = ChangeSet.objects.get(state="pending")
    assert "Proposed 1001 changes from" in said and f"Proposed for review as change set {proposal.pk}:" in said
    assert not Mechanism.objects.filter(slug="khartoum-process").exists()
    assert Client().get("/mechanisms/khartoum-process/").status_code == 404
    # Run again before anyone reviewed it: the same proposal, not a second one.
    assert f"change set {proposal.pk} already" in import_update()
    assert ChangeSet.objects.filter(state="pending").count() == 1

    run("proposals", "approve", str(proposal.pk), "--user", "edna", "--comment", "Read against the pages")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.user.username, proposal.reviewer.username) == ("approved", "cora", "edna")
    assert Mechanism.objects.filter(slug="khartoum-process").exists()
    assert Client().get("/mechanisms/khartoum-process/").status_code == 200
    assert ReviewEdition.objects.get(slug="review-2026").status == "draft"

    # Once approved, later runs leave the data alone, even after a curator's later edits.
    assert "already holds review-2026" in import_update()
    assert not ChangeSet.objects.filter(state="pending").exists()
