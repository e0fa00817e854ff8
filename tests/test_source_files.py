"""The source register in the dataset format: sources.yaml, citations with quotations or of a whole page,
and a folder of some files as an update."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from apps.curation.models import Citation, Source
from apps.dataset import yaml_format as fmt
from apps.dataset.exporter import export_files, write_folder
from apps.dataset.importer import DatasetError, import_dataset, read_folder
from apps.mechanisms.models import Mechanism

from . import factories
from .conftest import site_editor
from .test_dataset_import import mechanism_file

pytestmark = pytest.mark.django_db

PAGE = """\
- slug: iom-khartoum-process
  kind: web-page
  title: The Khartoum Process
  authors: []
  date: '2026'
  language: en
  url: https://www.iom.int/khartoum-process
  document_type: ''
  publisher: IOM
  accessed: '2026-03-12'
  archive_url: https://web.archive.org/web/2026/https://www.iom.int/khartoum-process
  correspondent: ''
  content: ''
"""


def sources_file(text=PAGE, **replacements):
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return {"sources.yaml": "# Sources other than review editions: documents, web pages, correspondence, datasets.\n"
                            + text}


def citation_of(record, **fields):
    return Citation(content_type=ContentType.objects.get_for_model(record), object_id=record.pk, **fields)


def test_a_web_page_in_sources_yaml_is_registered_public_and_exported_as_written():
    import_dataset(sources_file(), user=site_editor(), reason="test")
    page = Source.objects.get(slug="iom-khartoum-process")
    assert (page.kind, page.publisher, str(page.accessed), page.is_public) == ("web-page", "IOM", "2026-03-12", True)
    assert export_files()["sources.yaml"] == sources_file()["sources.yaml"]
    assert not import_dataset(sources_file()).changed  # a second import changes nothing


def test_sources_yaml_holds_every_source_but_the_review_editions_and_no_curator_note():
    factories.other_sources()
    text = export_files()["sources.yaml"]
    slugs = [item["slug"] for item in fmt.load(text)]
    assert slugs == ["almaty-declaration-2011", "iom-almaty-process-page", "letter-almaty-secretariat-2026",
                     "undesa-migrant-stock-2024"]
    assert list(fmt.load(text)[0]) == ["slug", "kind", "title", "authors", "date", "language", "url", "document_type",
                                       "publisher", "accessed", "archive_url", "correspondent", "content"]
    assert factories.SOURCE_NOTE not in text and "curator_note" not in text
    assert "harns-2013" not in text


def test_citations_of_a_whole_page_and_with_a_quotation_are_written_in_their_canonical_form():
    factories.other_sources()
    text = export_files()["mechanisms/almaty-process.yaml"]
    assert "\n  - iom-almaty-process-page\n" in text
    assert ("  - {cite: 'iom-almaty-process-page #status', for: [status], quote: 'The process remains active.'}\n"
            in text)
    assert "  - {cite: undesa-migrant-stock-2024, quote: 'It''s the table of 2024.'}\n" in text
    assert fmt.parse_citation({"cite": "undesa-migrant-stock-2024", "quote": "It's the table of 2024."}) == (
        "undesa-migrant-stock-2024", "", [], "It's the table of 2024.")


@pytest.mark.parametrize("replacements, message", [
    ({"url: https://www.iom.int/khartoum-process": "url: ftp://www.iom.int/khartoum-process"},
     "url: Enter a web address that starts with http:// or https://."),
    ({"url: https://www.iom.int/khartoum-process": "url: ''"}, "archive_url: An archived copy is of a web address"),
    ({"kind: web-page": "kind: blog"}, "unknown kind 'blog'; use one of document, web-page, correspondence, dataset"),
    ({"kind: web-page": "kind: review-edition"}, "(review editions are written in editions.yaml)"),
    ({"slug: iom-khartoum-process": "slug: harns-2013"}, "the slug 'harns-2013' is a review edition's"),
    ({"  publisher: IOM\n": "  publisher: IOM\n  publisher: UNHCR\n"}, "the key 'publisher' is written twice"),
    ({"  content: ''\n": "  content: ''\n  curator_note: ''\n"}, "unknown key 'curator_note'"),
    ({"accessed: '2026-03-12'": "accessed: '2026-03'"}, "accessed must be a date written 'YYYY-MM-DD'"),
    ({"correspondent: ''": "correspondent: someone"}, "Only a correspondence has 'from'"),
])
def test_a_bad_source_is_refused_naming_the_file_and_the_source_and_nothing_is_written(replacements, message):
    before = (Source.objects.count(), Citation.objects.count())
    with pytest.raises(DatasetError) as error:
        import_dataset(sources_file(**replacements), user=site_editor())
    assert any(message in line for line in error.value.errors), error.value.errors
    assert all(line.startswith("sources.yaml") for line in error.value.errors), error.value.errors
    assert (Source.objects.count(), Citation.objects.count()) == before


def test_a_source_written_twice_is_refused():
    with pytest.raises(DatasetError) as error:
        import_dataset(sources_file(PAGE + PAGE), user=site_editor())
    assert "sources.yaml: slug 'iom-khartoum-process': duplicate slug" in error.value.errors[0]


@pytest.mark.parametrize("citation, message", [
    ("{cite: iom-khartoum-process p. 4, for: [founded], quote: '" + "x" * 501 + "'}",
     "quotation: Ensure this value has at most 500 characters"),
    ("iom-khartoum-process p" + "x" * 500, "locator: Ensure this value has at most 500 characters"),
    ("{cite: iom-khartoum-process, for: [Founded date]}", "has no field 'Founded date'"),
    ("no-such-page", "citation of unknown source 'no-such-page'"),
    ("{cite: iom-khartoum-process, for: [founded]}, {cite: iom-khartoum-process, for: [founded, status]}",
     "'iom-khartoum-process' is cited twice for 'founded'"),
    ("harns-2013", "only a web page or a dataset may be cited whole"),
    ("{cite: iom-khartoum-process, page: 4}", "a citation mapping has the keys 'cite', 'for' and 'quote'"),
    ("{cite: iom-khartoum-process, quote: [a, b]}", "'quote' must be text"),
])
def test_a_bad_citation_is_refused_naming_the_file_and_the_record(citation, message):
    files = {**sources_file(), **mechanism_file(**{
        "sources: [harns-2013 Annex B]\nparticipations": f"sources: [{citation}]\nparticipations"})}
    with pytest.raises(DatasetError) as error:
        import_dataset(files, user=site_editor())
    assert any(line.startswith("mechanisms/test-process.yaml: mechanism 'test-process': ") and message in line
               for line in error.value.errors), error.value.errors
    assert not Source.objects.filter(slug="iom-khartoum-process").exists()
    assert not Mechanism.objects.filter(slug="test-process").exists()


def test_a_document_cited_without_a_locator_is_refused_by_the_model_for_every_entry_point():
    mechanism = Mechanism.objects.get(slug="almaty-process")
    sources = factories.other_sources()
    for kind in ("document", "correspondence"):
        with pytest.raises(ValidationError) as error:
            citation_of(mechanism, source=sources[kind], locator="").full_clean()
        assert "only a web page or a dataset may be cited whole" in error.value.message_dict["locator"][0]
    with pytest.raises(ValidationError) as error:
        citation_of(mechanism, source=Source.objects.get(slug="harns-2013"), locator=" ").full_clean()
    assert "Say where in review edition 'harns-2013'" in error.value.message_dict["locator"][0]
    for kind in ("web-page", "dataset"):
        citation_of(mechanism, source=sources[kind], locator="", covers="founded").full_clean()


def test_a_correspondence_cannot_be_quoted_in_a_file_either():
    factories.other_sources()
    quoted = "{cite: letter-almaty-secretariat-2026 p. 1, quote: 'secret'}"
    files = mechanism_file(**{"sources: [harns-2013 Annex B]\nparticipations": f"sources: [{quoted}]\nparticipations"})
    with pytest.raises(DatasetError) as error:
        import_dataset(files, user=site_editor())
    assert "quotation: A correspondence's content is private: it cannot be quoted." in error.value.errors[0]


def test_a_folder_of_some_files_updates_those_records_and_leaves_every_other_one_alone(tmp_path):
    other = {m.slug: m.version for m in Mechanism.objects.exclude(slug="almaty-process")}
    sources_before = set(Source.objects.values_list("slug", flat=True))
    exported = export_files()
    almaty = exported["mechanisms/almaty-process.yaml"].replace(
        "- {cite: harns-2013 Annex C, for: [status]}\n",
        "- {cite: harns-2013 Annex C, for: [status]}\n  - {cite: iom-khartoum-process, for: [website]}\n")
    write_folder(tmp_path, {**sources_file(), "mechanisms/almaty-process.yaml": almaty})
    files = read_folder(tmp_path)
    assert sorted(files) == ["mechanisms/almaty-process.yaml", "sources.yaml"]

    report = import_dataset(files, user=site_editor(), reason="Cite the Khartoum Process page")

    assert sorted(str(change) for change in report.changes)[0] == "create source iom-khartoum-process"
    assert "iom-khartoum-process (for website)" in [str(c) for c in Mechanism.objects.get(
        slug="almaty-process").sources.current()]
    assert {m.slug: m.version for m in Mechanism.objects.exclude(slug="almaty-process")} == other
    assert set(Source.objects.values_list("slug", flat=True)) == sources_before | {"iom-khartoum-process"}
    assert export_files() == {**exported, **sources_file(), "mechanisms/almaty-process.yaml": almaty}
