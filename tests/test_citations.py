"""Cite this: an edition, a snapshot (with its checksum) and a mechanism as of a snapshot, formatted in APA and
Chicago author-date by a CSL processor, and downloadable as CSL-JSON, BibTeX and RIS that real parsers read."""

import json
import re

import bibtexparser
import pytest
import rispy

from apps.dataset import snapshots
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEdition

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot():
    return snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="Cited snapshot")


def _citations(html, heading):
    section = html.split(f'id="{heading}"')[1].split("</section>")[0]
    return dict(re.findall(r'<dd class="citation" data-style="(\w+)">(.*?)</dd>', section, re.S)), section


def test_the_edition_page_cites_the_edition_in_apa_and_chicago(client, snapshot):
    html = client.get("/editions/2013/").content.decode().split("Cite its data")[0]
    citations, _section = _citations(html, "cite-heading")
    assert citations["apa"].startswith("Harns, C. (2013). <i>Regional Inter-State Consultation Mechanisms")
    assert "(IOM Migration Research Series 45). International Organization for Migration." in citations["apa"]
    assert citations["chicago"].startswith("Harns, C. 2013. <i>Regional Inter-State")


def test_a_snapshot_citation_names_its_checksum_and_links_to_its_json(client, snapshot):
    html = client.get("/editions/2013/").content.decode()
    section = html.split("Cite its data")[1].split("</section>")[0]
    for style in ("apa", "chicago"):
        citation = re.search(rf'data-style="{style}">(.*?)</dd>', section, re.S)[1]
        assert snapshot.checksum in citation and snapshot.slug in citation
        assert f"http://testserver/api/v1/snapshots/{snapshot.slug}/download/json/" in citation


def test_a_mechanism_is_cited_as_of_the_latest_snapshot_that_holds_it(client, snapshot):
    html = client.get("/mechanisms/apc/").content.decode()
    citations, section = _citations(html, "cite-heading")
    assert f'href="/api/v1/snapshots/{snapshot.slug}/download/json/">{snapshot.slug}</a>' in section
    assert "Inter-governmental Asia-Pacific Consultations" in citations["apa"]
    assert snapshot.checksum in citations["apa"] and snapshot.checksum in citations["chicago"]
    # A mechanism recorded after every snapshot has none to be cited as of.
    newer = Mechanism.objects.get(slug="apc")
    newer.pk, newer.slug, newer.name = None, "apc-new", "A newer mechanism"
    newer.save()
    assert "No snapshot holds this mechanism yet" in client.get("/mechanisms/apc-new/").content.decode()
    assert client.get("/mechanisms/apc-new/cite/bibtex/").status_code == 404


def _downloads(client, snapshot):
    return {
        "edition": "/editions/2013/cite/{}/",
        "snapshot": f"/editions/2013/snapshots/{snapshot.slug}/cite/{{}}/",
        "mechanism": "/mechanisms/igad-rcp/cite/{}/",
    }


def test_bibtex_downloads_reparse_with_a_bibtex_parser(client, snapshot):
    entries = {}
    for name, url in _downloads(client, snapshot).items():
        response = client.get(url.format("bibtex"))
        assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
        library = bibtexparser.parse_string(response.content.decode("utf-8"))
        assert not library.failed_blocks and len(library.entries) == 1
        entries[name] = {field.key: field.value for field in library.entries[0].fields} | {
            "ENTRYTYPE": library.entries[0].entry_type, "ID": library.entries[0].key}
    edition = entries["edition"]
    assert (edition["ENTRYTYPE"], edition["ID"], edition["author"], edition["year"]) == (
        "techreport", "harns-2013", "Harns, Charles", "2013")
    assert edition["number"] == "45" and edition["isbn"] == "978-92-9068-675-0"
    assert snapshot.checksum in entries["snapshot"]["note"]
    assert entries["snapshot"]["url"] == f"http://testserver/api/v1/snapshots/{snapshot.slug}/download/json/"
    mechanism = entries["mechanism"]
    assert "Intergovernmental Authority on Development" in mechanism["title"]
    assert snapshot.checksum in mechanism["note"] and mechanism["url"] == entries["snapshot"]["url"]


def test_ris_downloads_reparse_with_a_ris_parser(client, snapshot):
    records = {}
    for name, url in _downloads(client, snapshot).items():
        response = client.get(url.format("ris"))
        assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
        parsed = rispy.loads(response.content.decode("utf-8"))
        assert len(parsed) == 1
        records[name] = parsed[0]
    edition = records["edition"]
    assert edition["type_of_reference"] == "RPRT" and edition["authors"] == ["Harns, Charles"]
    assert edition["year"] == "2013" and edition["publisher"] == "International Organization for Migration"
    assert records["snapshot"]["type_of_reference"] == "DATA"
    assert snapshot.checksum in records["snapshot"]["notes"][0]
    assert records["mechanism"]["urls"] == [f"http://testserver/api/v1/snapshots/{snapshot.slug}/download/json/"]


def test_csl_json_downloads_are_the_items_the_styles_format(client, snapshot):
    response = client.get(f"/editions/2013/snapshots/{snapshot.slug}/cite/csl-json/")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    [item] = json.loads(response.content)
    assert item["type"] == "dataset" and item["id"] == snapshot.slug
    assert item["issued"]["date-parts"][0][0] == snapshot.created_at.year
    assert snapshot.checksum in item["genre"]


def test_a_snapshot_of_another_year_or_an_unknown_format_is_not_found(client, snapshot):
    assert client.get(f"/editions/2010/snapshots/{snapshot.slug}/cite/ris/").status_code == 404
    assert client.get("/editions/2013/cite/endnote/").status_code == 404


def test_markup_in_a_cited_title_is_escaped(client, snapshot):
    Mechanism.objects.filter(slug="apc").update(name="APC <script>alert(1)</script> & Co")
    citations, _section = _citations(client.get("/mechanisms/apc/").content.decode(), "cite-heading")
    for citation in citations.values():
        assert "<script>" not in citation and "APC &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in citation


def test_bibtex_special_characters_are_escaped():
    from apps.dataset.citing import bibtex  # noqa: PLC0415 a unit under test, beside the page tests
    entry = bibtex({"id": "x", "type": "dataset", "title": "50% of {A} & B_c", "author": [{"literal": "R&D"}],
                    "issued": {"date-parts": [[2020]]}}).decode()
    library = bibtexparser.parse_string(entry)
    assert not library.failed_blocks
    fields = {field.key: field.value for field in library.entries[0].fields}
    assert fields["title"] == r"{50\% of \{A\} \& B\_c}"
