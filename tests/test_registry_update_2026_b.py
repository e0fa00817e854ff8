"""The 2026 update of the register (fixtures/updates/2026/), second half: the mechanisms founded since
2013 that the evidence lists (ARCP, the Caribbean Migration Consultations, MIDCAS, the Quito Process,
PAFOM) and the RCPs and IRFs of Africa, the Americas, the Gulf, Central Asia, Europe and the
Mediterranean.

The expectations are read from the evidence (docs/research/registry-update-2026/<slug>.yaml), the pages
it quotes, not from the update's files. The update is imported once for this module, on top of the
session's 2013 dataset, inside a transaction rolled back at the end, so no other test sees it.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from apps.curation.models import Citation, Source
from apps.dataset import exporter, snapshots
from apps.dataset import yaml_format as fmt
from apps.dataset.importer import import_dataset, read_folder
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Discrepancy, ReviewEdition
from apps.states.models import State
from tests.conftest import site_editor

pytestmark = pytest.mark.django_db

UPDATE = Path(__file__).resolve().parent.parent / "fixtures" / "updates" / "2026"
EDITION = "review-2026"

# The mechanisms of this half of the update: those the evidence lists as founded since 2013, then the
# ones of 2013 it brings up to date.
NEW = ["arcp", "caribbean-migration-consultations", "midcas", "quito-process", "pafom"]
UPDATED = ["rcm", "midsa", "abu-dhabi-dialogue", "sacm", "almaty-process", "igc", "igad-rcp", "five-plus-five",
           "midwa", "comesa-rcp", "fibemyd", "cbcp", "emp-md", "eppma", "eu-lac-scdm"]
MECHANISMS = NEW + UPDATED


def _files():
    return {path.stem: fmt.load(path.read_text(encoding="utf-8")) for path in (UPDATE / "mechanisms").glob("*.yaml")
            if path.stem in MECHANISMS}


def _citations(node):
    """Every citation written anywhere in ``node`` (a record's sources, its children's), as mappings."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                for item in value:
                    yield item if isinstance(item, dict) else {"cite": item}
            else:
                yield from _citations(value)
    elif isinstance(node, list):
        for item in node:
            yield from _citations(item)


@pytest.fixture(scope="module")
def update(django_db_setup, django_db_blocker):
    """The update imported by the site's editor over the 2013 dataset, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        harns = ReviewEdition.objects.select_related("published_snapshot").get(slug="harns-2013")
        checksum = harns.published_snapshot.checksum
        report = import_dataset(read_folder(UPDATE), user=site_editor(), reason="2026 update (test)")
        yield SimpleNamespace(report=report, checksum_2013=checksum)
        transaction.set_rollback(True)


def mechanism(slug):
    return Mechanism.objects.get(slug=slug)


def rows(slug, role, **filters):
    return Participation.objects.filter(mechanism__slug=slug, role=role, **filters)


def quotes_of(instance, source=None):
    """The quotations of the current citations of ``instance`` (of one source, if given)."""
    citations = Citation.objects.current().filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk).select_related("source")
    return [c.quotation for c in citations if source is None or c.source.slug == source]


# --- the files, as written ------------------------------------------------------------------------------

def test_every_citation_of_the_update_names_a_source_the_update_or_the_2013_dataset_registers():
    registered = {entry["slug"] for entry in fmt.load((UPDATE / "sources.yaml").read_text(encoding="utf-8"))}
    editions = {"harns-2013", "hansen-2010", EDITION}
    unknown = []
    for slug, data in _files().items():
        for citation in _citations(data):
            source = citation["cite"].split(" ", 1)[0]
            if source not in registered | editions:
                unknown.append(f"{slug}: {citation['cite']}")
        for discrepancy in data["discrepancies"]:
            for key in ("recorded_source", "conflicting_source"):
                if discrepancy[key].split(" ", 1)[0] not in registered | editions:
                    unknown.append(f"{slug}: discrepancy {discrepancy['subject']}: {discrepancy[key]}")
    assert unknown == []


def test_every_quotation_is_short_and_every_new_web_source_was_read_on_the_day_of_the_review():
    too_long = [(slug, c["cite"], len(c["quote"])) for slug, data in _files().items()
                for c in _citations(data) if len(c.get("quote", "")) > 200]
    assert too_long == []
    sources = fmt.load((UPDATE / "sources.yaml").read_text(encoding="utf-8"))
    assert {(s["kind"], s["accessed"]) for s in sources} == {("web-page", "2026-11-28")}
    assert all(s["url"].startswith(("http://", "https://")) for s in sources)


def test_every_mechanism_of_this_half_has_a_2026_entry_and_keeps_its_2013_entry_as_the_2013_data_wrote_it():
    files = _files()
    assert sorted(files) == sorted(MECHANISMS)
    for slug, data in files.items():
        editions = [entry["edition"] for entry in data["review_entries"]]
        assert EDITION in editions, slug
        if slug in UPDATED:
            original = fmt.load((UPDATE.parent.parent / "mechanisms" / f"{slug}.yaml").read_text(encoding="utf-8"))
            before = [e for e in original["review_entries"] if e["edition"] == "harns-2013"]
            after = [e for e in data["review_entries"] if e["edition"] == "harns-2013"]
            assert fmt.dump(after) == fmt.dump(before), slug


# --- the import ---------------------------------------------------------------------------------------

def test_the_update_imports_and_a_second_import_changes_nothing(update):
    assert update.report.changed
    again = import_dataset(read_folder(UPDATE), user=site_editor(), reason="2026 update, again (test)")
    assert not again.changed, again.summary()


def test_the_2013_edition_keeps_its_snapshot_and_its_checksum(update):
    harns = ReviewEdition.objects.select_related("published_snapshot").get(slug="harns-2013")
    assert harns.is_published
    assert harns.published_snapshot.checksum == update.checksum_2013
    assert all(check.ok for check in snapshots.verify_snapshots())
    assert ReviewEdition.objects.get(slug=EDITION).status == ReviewEdition.Status.DRAFT


def test_the_export_writes_this_half_of_the_update_back_byte_for_byte(update):
    files = exporter.export_files()
    for slug in MECHANISMS:
        written = (UPDATE / "mechanisms" / f"{slug}.yaml").read_text(encoding="utf-8")
        assert files[f"mechanisms/{slug}.yaml"] == written, slug


# --- the mechanisms founded since 2013 ------------------------------------------------------------------

def test_the_arab_regional_consultative_process_launched_in_cairo_in_2015_with_its_22_members(update):
    arcp = mechanism("arcp")
    assert (arcp.kind, arcp.status, arcp.founded, arcp.parent_framework.slug) == ("rcp", "active", "2015-10", "las")
    assert rows("arcp", "member").count() == 22
    assert rows("arcp", "member", state__alpha3="PSE").get().as_written == "Palestinian Territories"
    chair = rows("arcp", "chair").get()
    assert chair.organization.slug == "las"
    assert "permanent Chair" in quotes_of(chair, "iom-arcp")[0]
    launch = Meeting.objects.get(slug="arcp-2015-10-cairo-launch")
    assert (launch.start, launch.end, launch.host.alpha3) == ("2015-10-21", "2015-10-22", "EGY")
    assert any("October 2015" in q for q in quotes_of(launch, "iom-arcp-launch"))
    # IOM's earlier page counted 21 members and one suspended: recorded, not silently dropped
    assert Discrepancy.objects.filter(mechanism=arcp, conflicting_source__slug="iom-arcp-old").exists()


def test_the_caribbean_migration_consultations_founded_in_belize_in_january_2016(update):
    cmc = mechanism("caribbean-migration-consultations")
    assert (cmc.founded, cmc.region.slug) == ("2016-01", "americas-caribbean")
    founding = Meeting.objects.get(slug="cmc-2016-01-belize-preparatory")
    assert (founding.start, founding.host.alpha3, founding.kind) == ("2016-01", "BLZ", "preparatory")
    assert rows(cmc.slug, "chair", state__alpha3="JAM").exists()
    assert set(rows(cmc.slug, "observer").values_list("state__alpha3", flat=True)) == {"NLD", "USA"}
    # IOM dates the launch to 2019: kept beside the founding date
    assert Discrepancy.objects.get(mechanism=cmc, subject="founded").conflicting == "2019"


def test_midcas_founded_in_2012_is_dormant_since_2016_with_eccas_as_secretariat_ad_interim(update):
    midcas = mechanism("midcas")
    assert (midcas.founded, midcas.status) == ("2012", "inactive")
    assert any("dormant and inactive since 2016" in q for q in quotes_of(midcas, "iom-midcas"))
    assert rows("midcas", "member").count() == 10
    assert rows("midcas", "secretariat", organization__slug="eccas").exists()
    # IOM's current page: no formal chair (its draft's presidency of the Congo is a discrepancy)
    assert not rows("midcas", "chair").exists()
    assert Document.objects.get(slug="midcas-agreement").meeting.slug == "midcas-2012-brazzaville-first-meeting"


def test_the_quito_process_and_its_declaration_of_4_september_2018(update):
    quito = mechanism("quito-process")
    assert quito.founded == "2018-09-04"
    assert rows("quito-process", "member").count() == 11
    assert not rows("quito-process", "member", state__alpha3__in=["BOL", "DOM"]).exists()  # attended, did not sign
    declaration = Document.objects.get(slug="quito-declaration-2018")
    assert (declaration.kind, declaration.date) == ("declaration", "2018-09-04")
    assert Document.objects.get(slug="quito-plan-2018").date == "2018-11-23"


def test_pafom_established_in_2015_under_the_african_union_formerly_the_intra_regional_forum(update):
    pafom = mechanism("pafom")
    assert (pafom.kind, pafom.founded, pafom.parent_framework.slug) == ("irf", "2015", "au")
    assert pafom.other_names.get().name == "Intra-Regional Forum on Migration in Africa"
    hosts = list(Meeting.objects.filter(mechanism=pafom, kind="other").order_by("start")
                 .values_list("host__alpha3", flat=True))
    assert hosts == ["GHA", "ZMB", "UGA", "DJI", "EGY"]
    assert Meeting.objects.get(slug="pafom-2019-09-cairo-ministerial").kind == "ministerial"


# --- the mechanisms of 2013 brought up to date ----------------------------------------------------------

def test_the_almaty_process_launched_on_5_june_2013_its_expected_members_became_members_that_day(update):
    almaty = mechanism("almaty-process")
    assert (almaty.status, almaty.founded) == ("active", "2013-06-05")
    expected = rows("almaty-process", "expected-member", state__alpha3="KAZ").get()
    member = rows("almaty-process", "member", state__alpha3="KAZ").get()
    assert (expected.end, member.start) == ("2013-06-05", "2013-06-05")
    assert set(rows("almaty-process", "observer").values_list("state__alpha3", flat=True)) == {"IRN", "PAK"}
    azerbaijan = rows("almaty-process", "chair", state__alpha3="AZE").get()
    assert (azerbaijan.start, azerbaijan.end) == ("2023", "2024")
    assert "2023-2024" in quotes_of(azerbaijan, "ots-2023")[0]
    launch = Meeting.objects.get(slug="almaty-process-2013-06-almaty-ministerial")
    assert (launch.status, launch.start) == ("held", "2013-06-05")  # the review had it forthcoming on 6-7 June


def test_the_comesa_rcp_launched_in_lusaka_in_september_2013(update):
    comesa = mechanism("comesa-rcp")
    assert (comesa.status, comesa.founded) == ("active", "2013-09-26")
    assert rows("comesa-rcp", "member", start="2013-09-26").count() == 17  # the states the launch report lists
    assert rows("comesa-rcp", "expected-member", state__alpha3="UGA").get().end == "2013-09-26"
    assert "Migration Dialogue for COMESA Member States" in comesa.other_names.values_list("name", flat=True)


def test_midsa_chairs_rotate_yearly_from_zimbabwe_in_2014_to_madagascar_in_2025(update):
    chairs = dict(rows("midsa", "chair", start__gte="2014").values_list("start", "state__alpha3"))
    assert chairs == {"2014": "ZWE", "2015": "BWA", "2016": "SWZ", "2017": "ZAF", "2019": "NAM", "2020": "TZA",
                      "2021": "MOZ", "2022": "MWI", "2023": "COD", "2024": "AGO", "2025": "MDG"}


def test_the_igc_is_now_an_interregional_forum_while_the_2013_review_keeps_it_an_rcp(update):
    igc = mechanism("igc")
    assert igc.kind == "irf"
    kinds = dict(igc.review_entries.values_list("edition__slug", "kind"))
    assert kinds == {"harns-2013": "rcp", EDITION: "irf"}
    denmark = rows("igc", "chair", state__alpha3="DNK", start="2013").get()
    assert denmark.end == "2014"


def test_the_rcm_presidencies_and_the_abu_dhabi_dialogue_secretariat_since_2013(update):
    assert rows("rcm", "chair", state__alpha3="GTM", start="2019").exists()
    panama = rows("rcm", "chair", state__alpha3="PAN", start="2023").get()
    assert panama.as_written == "Panamá"
    iom = rows("abu-dhabi-dialogue", "secretariat", organization__slug="iom").get()
    assert (iom.start, iom.end) == ("2008-01", "2012-04")
    assert rows("abu-dhabi-dialogue", "secretariat", state__alpha3="ARE").exists()


def test_the_eastern_partnership_panel_renamed_in_2017_and_the_cbcp_ended_on_8_december_2011(update):
    panel = mechanism("eppma")
    assert panel.name == "Eastern Partnership Panel on Migration, Mobility and Integrated Border Management"
    former = panel.other_names.get(kind="former")
    assert (former.name, former.valid_until) == ("Eastern Partnership Panel on Migration and Asylum", "2017")
    assert mechanism("cbcp").ended == "2011-12-08"


def test_a_changed_value_is_no_longer_covered_by_its_2013_citation(update):
    """Status, founding date and name changed since 2013 are cited to the new page, not to the review."""
    for slug, field in [("almaty-process", "status"), ("comesa-rcp", "founded"), ("eppma", "name"),
                        ("igc", "kind"), ("cbcp", "ended")]:
        instance = mechanism(slug)
        citations = Citation.objects.current().filter(
            content_type=ContentType.objects.get_for_model(Mechanism), object_id=instance.pk).select_related("source")
        covering = {c.source.slug for c in citations if not c.covered_fields or field in c.covered_fields}
        assert covering, (slug, field)
        assert "harns-2013" not in covering, (slug, field)


# --- honesty: each quotation against the fact it supports ----------------------------------------------

def _recorded_names():
    names = {}
    for state in State.objects.prefetch_related("names"):
        names[state.alpha3] = [n for n in [state.name, state.official_name, *(x.name for x in state.names.all())] if n]
    return names


def test_each_new_participation_quotes_the_state_it_names_and_each_new_chair_its_role(update):
    names = _recorded_names()
    problems = []
    participations = Participation.objects.filter(mechanism__slug__in=MECHANISMS).select_related("mechanism", "state")
    citations = {}
    for c in Citation.objects.current().filter(
            content_type=ContentType.objects.get_for_model(Participation),
            object_id__in=participations.values("pk")).select_related("source"):
        citations.setdefault(c.object_id, []).append(c)
    for row in participations:
        new = [c for c in citations.get(row.pk, []) if c.source.slug != "harns-2013"]
        if not new:
            continue
        label = f"{row.mechanism.slug} / {row.state_id and row.state.alpha3 or row.organization_id} / {row.role}"
        whole = [c.quotation.casefold() for c in new if not c.covered_fields]
        if row.state_id and whole and not any(n.casefold() in q for q in whole for n in names[row.state.alpha3]):
            problems.append(f"{label}: no quotation names the state")
        if row.role == "chair" and not any(re.search(r"chair|presiden|pro tempore", c.quotation, re.I) for c in new):
            problems.append(f"{label}: no quotation names the chair")
        if all(c.source.slug != "harns-2013" for c in citations[row.pk]):  # a row of 2026 alone: its dates too
            for value in (row.start, row.end):
                if value and not any(value[:4] in c.quotation for c in new):
                    problems.append(f"{label}: no quotation gives the year {value[:4]}")
    assert problems == []


def test_each_new_meeting_and_document_date_is_in_a_quotation_that_supports_it(update):
    problems = []
    for model, fields in ((Meeting, ("start", "end")), (Document, ("date",))):
        for item in model.objects.filter(mechanism__slug__in=MECHANISMS):
            new = [c for c in Citation.objects.current().filter(
                content_type=ContentType.objects.get_for_model(model), object_id=item.pk).select_related("source")
                if c.source.slug != "harns-2013"]
            if not new or any(c.source.slug == "harns-2013" for c in Citation.objects.current().filter(
                    content_type=ContentType.objects.get_for_model(model), object_id=item.pk).select_related("source")):
                continue
            for field in fields:
                value = getattr(item, field)
                if value and not any(value[:4] in c.quotation for c in new):
                    problems.append(f"{item.slug}: {field} {value}")
    assert problems == []


def test_every_page_cited_by_this_half_is_in_the_register_with_its_address(update):
    cited = {c["cite"].split(" ", 1)[0] for data in _files().values() for c in _citations(data)} - {"harns-2013"}
    found = dict(Source.objects.filter(slug__in=cited).values_list("slug", "url"))
    assert set(found) == cited
    assert all(url.startswith("http") for url in found.values())


def test_brazil_suspended_in_the_eu_celac_dialogue_since_january_2020_and_the_united_kingdom_left_with_the_eu(update):
    brazil = rows("eu-lac-scdm", "suspended-member", state__alpha3="BRA").get()
    assert brazil.start == "2020-01"
    assert rows("eu-lac-scdm", "member", state__alpha3="GBR").get().end == "2020-02-01"
    assert not rows("eu-lac-scdm", "member", state__alpha3="BRA").exists()
