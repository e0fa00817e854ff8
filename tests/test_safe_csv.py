"""The data package's CSV never carries a cell a spreadsheet would run as a formula."""

import csv
import io
import json
import zipfile

import pytest
from frictionless import validate

from apps.dataset import exports, snapshots
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEdition

from . import factories

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x.example","click")'


def package_of_a_snapshot_holding(**fields):
    factories.mechanism(slug="formula-process", **fields)
    snapshot = snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="Formulas")
    with zipfile.ZipFile(io.BytesIO(exports.as_datapackage(snapshot).data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_a_hyperlink_formula_in_mechanisms_csv_is_written_as_text(tmp_path):
    files = package_of_a_snapshot_holding(name=HYPERLINK, acronym="+SUM(1,2)", objectives="@cmd",
                                          status_note="-2+3", secretariat_note="\tTAB")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(files["mechanisms.csv"].decode()))}
    row = rows["formula-process"]
    assert (row["name"], row["acronym"], row["objectives"], row["status_note"], row["secretariat_note"]) == (
        "'" + HYPERLINK, "'+SUM(1,2)", "'@cmd", "'-2+3", "'\tTAB")
    assert rows["bali-process"]["name"] == Mechanism.objects.get(slug="bali-process").name  # others untouched
    descriptor = json.loads(files["datapackage.json"])
    assert "leading apostrophe" in descriptor["description"]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
