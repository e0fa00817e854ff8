"""The import writes in bulk: about one SQL statement per record at most, the same or fewer per record as the
files grow, and still one change set for the import with one history row per record it writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curation.models import ChangeSet, Citation
from apps.curation.records import all_records
from apps.dataset import synthetic
from apps.dataset.exporter import export_files
from apps.dataset.importer import import_dataset
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEntry

from .conftest import site_editor

pytestmark = pytest.mark.django_db


def synthetic_files(count, seed):
    """The files of ``count`` synthetic mechanisms (apps/dataset/synthetic.py) as the export writes them; the
    mechanisms are then removed, so that importing the files creates them again (their organisations stay)."""
    synthetic.generate(scale=count / synthetic.MECHANISMS_PER_SCALE, seed=seed)
    prefix = f"mechanisms/syn{seed}-"
    files = {name: text for name, text in export_files().items() if name.startswith(prefix)}
    Mechanism.objects.filter(slug__startswith=f"syn{seed}-").delete()
    assert len(files) == count
    return files


def imported(files):
    """(report, SQL statements run, records written: the changes reported and the citations created)."""
    citations = Citation.objects.count()
    with CaptureQueriesContext(connection) as queries:
        report = import_dataset(files, user=site_editor(), reason="Bulk test")
    return report, len(queries), len(report.changes) + Citation.objects.count() - citations


def test_an_import_runs_at_most_about_one_statement_per_record_and_no_more_per_record_as_it_grows():
    small, large = synthetic_files(4, seed=7), synthetic_files(12, seed=8)
    small_report, small_statements, small_records = imported(small)
    large_report, large_statements, large_records = imported(large)
    assert small_records > 100 and large_records > 2.5 * small_records  # participations, meetings, citations...
    assert small_statements <= small_records, (small_statements, small_records)
    assert large_statements / large_records <= small_statements / small_records, (
        small_statements, small_records, large_statements, large_records)
    assert small_report.summary().startswith("Applied") and large_report.summary().startswith("Applied")
    # Read back as written: a second import of the same files finds nothing to do.
    assert import_dataset(large, user=site_editor()).summary().startswith("No changes")


def test_an_import_is_one_change_set_with_one_history_row_per_record_written():
    files = synthetic_files(3, seed=9)
    sets_before = set(ChangeSet.objects.values_list("pk", flat=True))
    report, _statements, _records = imported(files)
    change_set = ChangeSet.objects.exclude(pk__in=sets_before).get()
    assert (change_set.kind, change_set.reason, change_set.user) == ("import", "Bulk test", site_editor())
    created = {}
    for change in report.changes:
        assert change.action == "create"
        created[change.model] = created.get(change.model, 0) + 1
    for spec in all_records():
        history = spec.model.history.filter(change_set=change_set)
        rows = history.count()
        expected = created.get(spec.label, 0)
        if spec.model is ReviewEntry:  # its creation, then its approval by the workflow (a published edition)
            expected *= 2
        assert rows == expected, spec.label
        assert set(history.values_list("history_user__username", "history_change_reason").distinct()) <= {
            ("site-editor", "Bulk test")}
    citations = Citation.history.filter(change_set=change_set)
    assert citations.count() == Citation.objects.filter(pk__in=citations.values("id")).count() > 0
    # A mechanism's history row holds its themes, as a save's would.
    for mechanism in Mechanism.objects.filter(slug__startswith="syn9-"):
        row = mechanism.history.get(change_set=change_set)
        assert row.history_type == "+"
        assert sorted(row.themes.values_list("theme_id", flat=True)) == sorted(
            mechanism.themes.values_list("pk", flat=True))
