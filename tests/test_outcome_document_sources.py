"""A document source linked to the outcome document already recorded for a mechanism: set on the document's
page, shown on the source's page, beside its citations on the public pages and in /api/v1/sources/."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from apps.curation.models import Citation, Source
from apps.curation.sources import save_source
from apps.mechanisms.models import Mechanism
from apps.meetings.models import Document

from . import factories
from .html_forms import form_data, saved_and_approved

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
