"""A document source linked to the outcome document already recorded for a mechanism: set on the document's
page, shown on the source's page, beside its citations on the public pages and in /api/v1/sources/, and
written in the dataset files, so that an export read back keeps it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from apps.curation.models import Citation, Source
from apps.curation.sources import save_source
from apps.dataset.exporter import export_files
from apps.dataset.importer import DatasetError, import_dataset
from apps.mechanisms.models import Mechanism
from apps.meetings.models import Document

from . import factories
from .conftest import site_editor
from .html_forms import form_data, saved_and_approved
from .test_dataset_import import mechanism_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration():
    mechanism = factories.mechanism(slug="test-process", name="Test Process")
    return Document.objects.create(mechanism=mechanism, slug="test-declaration-2015", title="Test Declaration",
                                   kind="declaration", date="2015-06")


def document_source(**fields):
    values = {"slug": "test-declaration-text", "kind": "document", "title": "Test Declaration (text)",
              "document_type": "declaration", "date": "2015-06", "url": "https://example.org/declaration.pdf"}
    return save_source(Source(**{**values, **fields}))


def link_on_the_documents_page(client, document, source):
    url = f"/admin/meetings/document/{document.pk}/change/"
    form = form_data(client.get(url).content, "document_form")
    form["source_entry"] = str(source.pk)
    return client.post(url, saved_and_approved(form))


def test_a_curator_links_a_document_source_to_the_recorded_document_and_sees_it_on_the_sources_page(
        curator_client, declaration):
    source = document_source()
    response = link_on_the_documents_page(curator_client, declaration, source)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Source.objects.get(pk=source.pk).outcome_document == declaration

    page = curator_client.get(f"/admin/curation/source/{source.pk}/change/").content.decode()
    assert "Recorded outcome document" in page and "Test Declaration" in page
    assert f"/admin/meetings/document/{declaration.pk}/change/" in page
    # The document's autocomplete offers documents only.
    found = curator_client.get("/admin/autocomplete/", {"app_label": "meetings", "model_name": "document",
                                                         "field_name": "source_entry", "term": "test"}).json()
    assert [r["text"] for r in found["results"]] == ["Test Declaration (text)"]


def test_only_a_source_of_the_kind_document_can_be_an_outcome_document(curator_client, declaration):
    web_page = save_source(Source(slug="test-page", kind="web-page", title="Test page", url="https://example.org/"))
    declaration.source_entry = web_page
    with pytest.raises(Exception, match="only a source of the kind 'document' can be an outcome document"):
        declaration.full_clean()
    response = link_on_the_documents_page(curator_client, Document.objects.get(pk=declaration.pk), web_page)
    assert response.status_code == 200
    assert Document.objects.get(pk=declaration.pk).source_entry is None


def test_the_public_citation_and_the_api_lead_to_the_recorded_document(curator_client, declaration):
    source = document_source()
    declaration.source_entry = source
    declaration.save()
    mechanism = Mechanism.objects.get(slug="test-process")
    Citation.objects.create(source=source, locator="para. 3", covers="founded",
                            content_type=ContentType.objects.get_for_model(mechanism), object_id=mechanism.pk)
    page = Client().get("/mechanisms/test-process/").content.decode()
    assert 'id="document-test-declaration-2015"' in page
    assert 'href="/mechanisms/test-process/#document-test-declaration-2015" class="outcome-document"' in page

    detail = Client().get(f"/api/v1/sources/{source.slug}/").json()
    assert detail["outcome_document"] == {
        "slug": "test-declaration-2015", "title": "Test Declaration", "kind": "declaration", "date": "2015-06",
        "mechanism": "test-process", "page": "http://testserver/mechanisms/test-process/#document-test-declaration-2015",
    }
    assert Client().get("/api/v1/sources/harns-2013/").json()["outcome_document"] is None
    listed = Client().get("/api/v1/sources/", {"kind": "document"}).json()["results"]
    assert next(s for s in listed if s["slug"] == source.slug)["outcome_document"]["slug"] == "test-declaration-2015"


DECLARATION_TEXT = """\
- slug: test-declaration-text
  kind: document
  title: Test Declaration (text)
  authors: []
  date: 2015-06
  language: en
  url: https://example.org/declaration.pdf
  document_type: declaration
  publisher: ''
  accessed: ''
  archive_url: ''
  correspondent: ''
  content: ''
"""

LINKED_DOCUMENT = """documents:
  - slug: test-declaration-2015
    title: Test Declaration
    kind: declaration
    date: 2015-06
    meeting: ''
    url: ''
    note: ''
    source_entry: test-declaration-text
    sources: [harns-2013 Annex B]
"""


def files_with_a_linked_document(source_text=DECLARATION_TEXT, link="test-declaration-text"):
    files = mechanism_file(**{"documents: []\n": LINKED_DOCUMENT.replace("test-declaration-text\n", f"{link}\n")})
    files["sources.yaml"] = source_text
    return files


def test_the_link_is_part_of_the_dataset_files_and_survives_export_and_import():
    import_dataset(files_with_a_linked_document(), user=site_editor(), reason="test")
    document = Document.objects.get(slug="test-declaration-2015")
    assert document.source_entry.slug == "test-declaration-text"

    exported = export_files()
    assert "    source_entry: test-declaration-text\n" in exported["mechanisms/test-process.yaml"]
    assert "- slug: test-declaration-text\n" in exported["sources.yaml"]
    assert not import_dataset(exported).changed  # read back as written

    Document.objects.filter(pk=document.pk).update(source_entry=None)
    import_dataset(exported, user=site_editor(), reason="restore the link")
    assert Document.objects.get(pk=document.pk).source_entry.slug == "test-declaration-text"


def test_a_document_without_a_link_is_written_without_the_key():
    import_dataset(mechanism_file(**{"documents: []\n": LINKED_DOCUMENT.replace(
        "    source_entry: test-declaration-text\n", "")}), user=site_editor(), reason="test")
    assert "source_entry" not in export_files()["mechanisms/test-process.yaml"]


@pytest.mark.parametrize(("link", "source_text", "message"), [
    ("no-such-source", DECLARATION_TEXT, "unknown source entry 'no-such-source'"),
    ("test-declaration-text", DECLARATION_TEXT.replace("kind: document", "kind: web-page").replace(
        "document_type: declaration", "document_type: ''"),
     "only a source of the kind 'document' can be an outcome document"),
])
def test_the_import_refuses_a_link_to_anything_but_a_registered_document(link, source_text, message):
    with pytest.raises(DatasetError) as refused:
        import_dataset(files_with_a_linked_document(source_text, link), user=site_editor(), reason="test")
    assert "mechanisms/test-process.yaml" in str(refused.value) and message in str(refused.value)
    assert not Document.objects.filter(slug="test-declaration-2015").exists()
    assert not Source.objects.filter(slug="test-declaration-text").exists()
