"""Sources in what the public downloads: a snapshot holds the public sources its citations name, its data
package has a sources table, its report lists them as references; a correspondence's private words and a
curator's note never go along. A snapshot made before sources were part of it still verifies and downloads."""

import csv
import gzip
import hashlib
import io
import json
import zipfile

import pytest
from django.utils import timezone
from frictionless import validate

from apps.curation.models import Source
from apps.curation.sources import save_source
from apps.dataset import exports, snapshots
from apps.dataset.snapshots import canonical
from apps.reviews.models import IssuedSnapshot, ReviewEdition, Snapshot

from . import factories

pytestmark = pytest.mark.django_db

PRIVATE = (factories.LETTER_CONTENT, factories.LETTER_TITLE, factories.LETTER_URL, factories.SOURCE_NOTE)
LETTER_LABEL = "Communication from the Almaty Process secretariat, March 2026"


@pytest.fixture
def harns():
    return ReviewEdition.objects.get(slug="harns-2013")


@pytest.fixture
def cited(harns):
    """The 2013 dataset with a source of each other kind cited, one more registered but cited nowhere, and a
    snapshot of it."""
    factories.other_sources()
    save_source(Source(slug="uncited-page", kind="web-page", title="Cited nowhere", url="https://example.org/x"))
    return snapshots.create_snapshot(edition=harns, title="With sources")


def unzip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}  # under the snapshot's slug


def assert_private_words_absent(texts):
    for name, text in texts.items():
        for private in PRIVATE:
            assert private.split()[0] not in text, (name, private)


def test_a_snapshot_holds_the_public_sources_its_citations_name_and_their_citations(cited):
    dataset = snapshots.content(cited)
    assert dataset["format"] == "rcp-dataset/2"
    assert [s["slug"] for s in dataset["sources"]] == [
        "almaty-declaration-2011", "iom-almaty-process-page", "letter-almaty-secretariat-2026",
        "undesa-migrant-stock-2024"]
    assert cited.counts["sources"] == 4
    almaty = next(m for m in dataset["mechanisms"] if m["slug"] == "almaty-process")
    assert "iom-almaty-process-page" in almaty["sources"]
    assert {"cite": "iom-almaty-process-page #status", "for": ["status"], "quote": "The process remains active."} \
        in almaty["sources"]
    assert {"cite": "letter-almaty-secretariat-2026 second paragraph", "for": ["status_note"]} in almaty["sources"]
    assert any(p["sources"] == [*p["sources"][:-1], {"cite": "undesa-migrant-stock-2024",
                                                      "quote": "It's the table of 2024."}]
               for p in almaty["participations"])


def test_a_correspondence_is_in_a_snapshot_by_its_label_only(cited):
    dataset = snapshots.content(cited)
    letter = next(s for s in dataset["sources"] if s["kind"] == "correspondence")
    assert letter == {"slug": "letter-almaty-secretariat-2026", "kind": "correspondence", "title": LETTER_LABEL,
                      "authors": [], "date": "2026-03", "language": "", "url": "", "document_type": "",
                      "publisher": "", "accessed": "", "archive_url": "",
                      "correspondent": "the Almaty Process secretariat"}
    page = next(s for s in dataset["sources"] if s["kind"] == "web-page")
    assert (page["accessed"], page["archive_url"]) == (
        "2026-03-12", "https://web.archive.org/web/2026/https://www.iom.int/almaty-process")
    assert_private_words_absent({"snapshot": snapshots.content_bytes(cited).decode()})


def test_a_source_not_yet_public_is_neither_listed_nor_cited():
    factories.other_sources()
    Source.objects.filter(slug="almaty-declaration-2011").update(is_public=False)
    dataset = snapshots.current_dataset()
    assert "almaty-declaration-2011" not in {s["slug"] for s in dataset["sources"]}
    assert "almaty-declaration-2011" not in json.dumps(dataset)


def test_every_public_download_of_the_snapshot_keeps_the_private_words_out(cited):
    texts = {"json": exports.as_json(cited).data.decode()}
    texts |= {f"yaml/{n}": d.decode() for n, d in unzip(exports.as_yaml(cited).data).items()}
    texts |= {f"datapackage/{n}": d.decode() for n, d in unzip(exports.as_datapackage(cited).data).items()}
    texts["report"] = exports.as_report(cited).data.decode()
    assert_private_words_absent(texts)
    assert LETTER_LABEL in texts["yaml/sources.yaml"] and "content:" not in texts["yaml/sources.yaml"]


def test_the_data_package_has_a_sources_table_that_citations_refer_to_and_it_validates(cited, tmp_path):
    files = unzip(exports.as_datapackage(cited).data)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    descriptor = json.loads(files["datapackage.json"])
    citations = next(r for r in descriptor["resources"] if r["name"] == "citations")
    assert {"fields": ["source"], "reference": {"resource": "sources", "fields": ["slug"]}} in \
        citations["schema"]["foreignKeys"]
    sources = list(csv.DictReader(io.StringIO(files["sources.csv"].decode())))
    assert [row["slug"] for row in sources][:2] == ["almaty-declaration-2011", "iom-almaty-process-page"]
    assert "content" not in sources[0]
    rows = list(csv.DictReader(io.StringIO(files["citations.csv"].decode())))
    whole = [row for row in rows if row["source"] == "undesa-migrant-stock-2024"]
    assert [(row["edition"], row["locator"], row["quotation"]) for row in whole] == [
        ("", "", "It's the table of 2024.")]
    assert any(row["edition"] == "harns-2013" and row["source"] == "" for row in rows)
    documents = next(r for r in descriptor["resources"] if r["name"] == "documents")
    assert {"fields": ["source_entry"], "reference": {"resource": "sources", "fields": ["slug"]}} in \
        documents["schema"]["foreignKeys"]
    linked = [row for row in csv.DictReader(io.StringIO(files["documents.csv"].decode())) if row["source_entry"]]
    assert [(row["slug"], row["source_entry"]) for row in linked] == [("almaty-declaration", "almaty-declaration-2011")]
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    # A citation of a source the table does not hold breaks the foreign key.
    (tmp_path / "sources.csv").write_text(files["sources.csv"].decode().replace("undesa-migrant-stock-2024",
                                                                                 "somewhere-else"))
    changed = next(r for r in descriptor["resources"] if r["name"] == "sources")
    del changed["hash"], changed["bytes"]  # so that only the foreign key can fail
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_the_report_lists_the_sources_its_citations_use_as_references(cited):
    html = exports.as_report(cited).data.decode()
    references = html.split('id="references"')[1].split("</section>")[0]
    assert references.count("<li ") == 5  # the 2013 review and the four sources cited; not the uncited page
    assert "Harns" in references and "uncited-page" not in references
    assert "<cite>The Almaty Process</cite>" in references and "read 2026-03-12" in references
    assert f"<cite>{LETTER_LABEL}</cite>" in references
    assert "UN DESA Population Division (2024). <cite>International Migrant Stock 2024</cite>" in references


def old_format_snapshot(edition):
    """A snapshot as one made before sources were part of snapshots: format 1, no sources, its own checksum."""
    dataset = snapshots.current_dataset()
    del dataset["sources"]
    dataset["format"] = "rcp-dataset/1"
    data = canonical(dataset).encode()
    snapshot = Snapshot.objects.create(
        slug="harns-2013-format-1", edition=edition, title="Made in format 1",
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data), counts={"mechanisms": len(dataset["mechanisms"])},
        content=gzip.compress(data, mtime=0), created_at=timezone.now(), as_of=timezone.now())
    IssuedSnapshot.objects.create(slug=snapshot.slug, checksum=snapshot.checksum, edition_slug=edition.slug,
                                  issued_at=snapshot.created_at)
    return snapshot


def test_a_snapshot_made_in_the_previous_format_still_verifies_and_downloads(harns, tmp_path):
    old = old_format_snapshot(harns)
    assert [v.ok for v in snapshots.verify_snapshots(Snapshot.objects.filter(pk=old.pk))] == [True]
    assert "sources.yaml" not in unzip(exports.as_yaml(old).data)
    files = unzip(exports.as_datapackage(old).data)
    assert files["sources.csv"].decode().count("\n") == 1  # the header only
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert validate(str(tmp_path / "datapackage.json")).valid
    assert "Harns" in exports.as_report(old).data.decode().split('id="references"')[1]
