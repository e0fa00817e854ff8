"""Import and export of the dataset format: atomic, idempotent, clear errors, byte-exact round trip."""

import pytest
from django.core.management import CommandError, call_command

from apps.curation.models import ChangeSet, Citation
from apps.dataset.exporter import export_files
from apps.dataset.importer import DatasetError, import_dataset
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Meeting

from . import factories
from .conftest import FIXTURES, site_editor

pytestmark = pytest.mark.django_db

MINIMAL = """\
slug: test-process
acronym: TP
name: Test Process
other_names: []
region: africa
kind: rcp
governance: stand-alone
status: active
status_note: ''
founded: '2001'
ended: ''
parent_framework: ''
predecessor: ''
website: ''
objectives: ''
secretariat_note: ''
themes: [labour-migration]
sources: [harns-2013 Annex B]
participations:
  - state: IDN
    role: member
    as_written: Indonesia
    start: ''
    end: ''
    note: ''
    sources: [harns-2013 Annex B]
meetings:
  - slug: test-process-2012-06-bangkok
    title: Workshop
    kind: workshop
    status: held
    start: '2012-06-11'
    end: ''
    date_as_written: 11 June 2012
    city: Bangkok
    host: THA
    venue_as_written: Bangkok, Thailand
    theme: ''
    note: ''
    sources: [harns-2013 Annex C]
documents: []
review_entries: []
discrepancies: []
"""


def mechanism_file(**replacements):
    text = MINIMAL
    for old, new in replacements.items():
        text = text.replace(old, new)
    return {"mechanisms/test-process.yaml": text}


def database_state():
    return (
        Mechanism.objects.count(), Participation.objects.count(), Meeting.objects.count(),
        Citation.objects.count(), sorted(Mechanism.objects.values_list("slug", "version")),
    )


def test_a_file_is_imported_with_its_participations_meetings_and_citations():
    report = import_dataset(mechanism_file(), reason="test")
    mechanism = Mechanism.objects.get(slug="test-process")
    assert mechanism.participations.get().state.alpha3 == "IDN"
    assert mechanism.meetings.get().host.alpha3 == "THA"
    assert [str(c) for c in mechanism.sources.all()] == ["harns-2013 Annex B"]
    assert ("mechanism", "create") in report.counts()


def test_a_second_import_changes_nothing_and_says_so():
    import_dataset(mechanism_file())
    before = database_state()
    report = import_dataset(mechanism_file())
    assert not report.changed and report.summary().startswith("No changes")
    assert database_state() == before


def test_the_import_is_recorded_in_the_history_as_one_import_with_its_reason(curator):
    import_dataset(mechanism_file(), user=curator, reason="Load the test process")
    mechanism = Mechanism.objects.get(slug="test-process")
    record = mechanism.history.first()
    assert (record.history_change_reason, record.history_user) == ("Load the test process", curator)
    change_set = record.change_set
    assert (change_set.kind, change_set.user) == (ChangeSet.Kind.IMPORT, curator)
    participation = mechanism.participations.get()
    assert participation.history.first().change_set == change_set


def test_an_edit_in_a_file_updates_only_what_changed():
    import_dataset(mechanism_file())
    report = import_dataset(mechanism_file(**{"founded: '2001'": "founded: '2002'"}))
    assert [str(c) for c in report.changes] == ["update mechanism test-process: founded '2001' -> '2002'"]


def test_a_row_removed_from_a_file_is_deleted():
    import_dataset(mechanism_file())
    head = MINIMAL[: MINIMAL.index("meetings:")]
    without_meeting = head + "meetings: []\ndocuments: []\nreview_entries: []\ndiscrepancies: []\n"
    report = import_dataset({"mechanisms/test-process.yaml": without_meeting})
    assert [c.action for c in report.changes] == ["delete"]
    assert not Meeting.objects.filter(slug="test-process-2012-06-bangkok").exists()


@pytest.mark.parametrize(
    "replacements, message",
    [
        ({"state: IDN": "state: ATL"}, "participations[0] (Indonesia): unknown state 'ATL'"),
        ({"founded: '2001'": "founded: '2012-13'"}, "'2012-13' has no month 13"),
        ({"role: member": "role: king"}, "unknown role 'king'"),
        ({"region: africa": "region: atlantis"}, "unknown region 'atlantis'"),
        ({"themes: [labour-migration]": "themes: [astrology]"}, "unknown theme 'astrology'"),
        ({"sources: [harns-2013 Annex B]\nparticipations": "sources: [harns-2099 Annex B]\nparticipations"},
         "citation of unknown source 'harns-2099'"),
        ({"host: THA": "host: XXX"}, "unknown host state 'XXX'"),
        ({"kind: workshop": "kind: party"}, "unknown kind 'party'"),
        ({"status_note: ''": "status_nite: ''"}, "unknown key 'status_nite'"),
        ({"start: '2012-06-11'": "start: '2012-06-11'\n    end: '2011'"}, "the key 'end' is written twice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_is_written(replacements, message):
    before = database_state()
    with pytest.raises(DatasetError) as error:
        import_dataset(mechanism_file(**replacements))
    assert any(message in line for line in error.value.errors), error.value.errors
    assert all(line.startswith("mechanisms/test-process.yaml") for line in error.value.errors)
    assert database_state() == before


def test_an_end_before_its_start_is_refused_by_the_same_rule_as_the_admin():
    with pytest.raises(DatasetError) as error:
        import_dataset(mechanism_file(**{"ended: ''": "ended: '1999'"}))
    assert "ended: The end (1999) is before the start (2001)" in error.value.errors[0]


def test_broken_yaml_names_the_file():
    with pytest.raises(DatasetError) as error:
        import_dataset({"mechanisms/test-process.yaml": "slug: [unclosed"})
    assert error.value.errors[0].startswith("mechanisms/test-process.yaml: broken YAML")


def test_duplicate_slugs_are_refused():
    files = {"mechanisms/test-process.yaml": MINIMAL,
             "mechanisms/copy.yaml": MINIMAL.replace("slug: test-process\n", "slug: copy\n")}
    with pytest.raises(DatasetError) as error:
        import_dataset(files)
    assert any("duplicate slug" in line and "test-process-2012-06-bangkok" in line for line in error.value.errors)
    assert not Mechanism.objects.filter(slug__in=["test-process", "copy"]).exists()


def test_one_bad_file_among_good_ones_writes_nothing():
    good = MINIMAL.replace("slug: test-process\n", "slug: good-one\n").replace(
        "test-process-2012-06-bangkok", "good-one-2012-06-bangkok")
    files = {"mechanisms/good-one.yaml": good, **mechanism_file(**{"state: IDN": "state: ATL"})}
    with pytest.raises(DatasetError):
        import_dataset(files)
    assert not Mechanism.objects.filter(slug="good-one").exists()


def test_a_dry_run_reports_the_changes_and_writes_nothing():
    before = database_state()
    report = import_dataset(mechanism_file(), dry_run=True)
    assert report.dry_run and report.changed and report.summary().startswith("Would apply")
    assert database_state() == before


def test_the_command_reports_errors_and_exits_non_zero(tmp_path, curator):
    (tmp_path / "mechanisms").mkdir()
    (tmp_path / "mechanisms" / "test-process.yaml").write_text(MINIMAL.replace("state: IDN", "state: ATL"))
    with pytest.raises(CommandError, match=r"(?s)nothing was written.*unknown state 'ATL'"):
        call_command("import_dataset", str(tmp_path), "--user", curator.username)


def test_export_then_import_into_an_empty_database_then_export_again_is_byte_identical():
    factories.other_sources()  # a web page, a declaration, a letter and a dataset, cited with and without places
    first = export_files()
    assert "slug: letter-almaty-secretariat-2026" in first["sources.yaml"]
    assert "quote: 'It''s the table of 2024.'" in first["mechanisms/almaty-process.yaml"]
    factories.empty_dataset()
    import_dataset(first, user=site_editor())
    assert export_files() == first


def test_the_fixtures_folder_is_already_in_canonical_export_form():
    # fixtures/updates/ holds update folders, each a dataset folder of its own (tested with its update)
    on_disk = {
        path.relative_to(FIXTURES).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted([*FIXTURES.glob("*.yaml"), *(FIXTURES / "mechanisms").glob("*.yaml")])
    }
    assert export_files() == on_disk
