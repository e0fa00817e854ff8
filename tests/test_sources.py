"""The source register: sources of every kind, citations that say what they support and follow their values."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from apps.curation.models import Citation, Source
from apps.curation.sources import save_source
from apps.dataset import publishing, quality, snapshots
from apps.dataset.importer import DatasetError, import_dataset
from apps.mechanisms.models import Mechanism, Participation
from apps.reviews.models import ReviewEdition, ReviewEntry

from . import factories
from .html_forms import form_data, saved_and_approved
from .test_dataset_import import mechanism_file
from .test_editorial_workflow import approve_all, editor  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

ALMATY_PAGE = "https://www.iom.int/almaty-process"


def web_page(**fields):
    values = {"slug": "iom-almaty-process-page", "kind": Source.Kind.WEB_PAGE, "title": "The Almaty Process",
              "url": ALMATY_PAGE, "publisher": "IOM", "date": "2026-03", "language": "en"}
    return save_source(Source(**{**values, **fields}))


def errors_of(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def citation_of(record, **fields):
    return Citation(content_type=ContentType.objects.get_for_model(record), object_id=record.pk, **fields)


# ----- bad input: a clear message, and nothing saved ----------------------------------------------

def test_a_source_address_must_be_http_or_https():
    assert "url" in errors_of(Source(slug="ftp-copy", kind="web-page", title="A copy", url="ftp://example.org/a"))
    assert "archive_url" in errors_of(Source(slug="a-page", kind="web-page", title="A page",
                                             url="https://example.org/", archive_url="javascript:alert(1)"))


def test_an_address_longer_than_100_characters_is_kept_whole():
    long_url = "https://www.example.org/" + "a" * 300 + "?page=members"
    source = web_page(url=long_url)
    source.full_clean()
    source.refresh_from_db()
    assert source.url == long_url


def test_an_archived_copy_needs_the_address_it_is_a_copy_of():
    source = Source(slug="a-document", kind="document", title="A document",
                    archive_url="https://web.archive.org/web/2026/https://example.org/")
    messages = errors_of(source)
    assert "archive_url" in messages
    source.kind = "web-page"
    assert "give the source's address too" in " ".join(errors_of(source)["archive_url"])


def test_a_kind_of_source_has_its_own_fields_only():
    messages = errors_of(Source(slug="a-report", kind="document", title="A report", publisher="IOM"))
    assert "Only a web page has" in messages["publisher"][0]


def test_correspondence_says_from_whom_and_when_and_is_public_only_by_its_label():
    letter = Source(slug="bp-letter", kind="correspondence", title="Membership of the Bali Process")
    assert {"correspondent", "date"} <= set(errors_of(letter))
    letter.correspondent, letter.date = "the Bali Process secretariat", "2026-03"
    letter.full_clean()
    assert letter.label == "Communication from the Bali Process secretariat, March 2026"
    assert str(letter) == letter.public_title == letter.label


def test_authors_are_a_plain_list_of_names():
    assert "authors" in errors_of(Source(slug="x-report", kind="document", title="A report", authors="Harns"))


def test_a_locator_or_a_quotation_too_long_is_refused():
    mechanism = Mechanism.objects.get(slug="almaty-process")
    source = web_page()
    assert "locator" in errors_of(citation_of(mechanism, source=source, locator="x" * 501))
    assert "quotation" in errors_of(citation_of(mechanism, source=source, locator="#members", quotation="x" * 501))
    citation_of(mechanism, source=source, locator="#" + "x" * 400, quotation="x" * 500).full_clean()


def test_a_citation_covers_only_fields_the_record_has():
    mechanism = Mechanism.objects.get(slug="almaty-process")
    messages = errors_of(citation_of(mechanism, source=web_page(), locator="#about",
                                     covers="Founded date, Status note"))
    assert "has no field 'Founded date', 'Status note'" in messages["covers"][0]
    citation_of(mechanism, source=Source.objects.get(slug="iom-almaty-process-page"), locator="#about",
                covers="founded,status_note").full_clean()


def test_a_citation_of_a_source_that_does_not_exist_is_refused():
    mechanism = Mechanism.objects.get(slug="almaty-process")
    assert "source" in errors_of(citation_of(mechanism, source_id=987654, locator="#about"))


def test_the_same_place_in_a_source_cited_twice_for_a_field_is_refused():
    mechanism = Mechanism.objects.get(slug="almaty-process")
    source = web_page()
    citation_of(mechanism, source=source, locator="#status", covers="status").save()
    messages = errors_of(citation_of(mechanism, source=source, locator="#status", covers="status,founded"))
    assert "'iom-almaty-process-page #status' is cited twice for 'status'" in messages["source"][0]
    citation_of(mechanism, source=source, locator="#history", covers="status").full_clean()  # another place


# ----- citations follow their values ------------------------------------------------------------

def save_mechanism_form(client, mechanism, **changes):
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    data = form_data(client.get(url).content, "mechanism_form")
    data.update(changes)
    return client.post(url, saved_and_approved(data))


def add_citation_row(client, mechanism, **row):
    """Add one citation through the mechanism's page, as a curator does: a new row of its sources."""
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    data = form_data(client.get(url).content, "mechanism_form")
    prefix = "curation-citation-content_type-object_id"
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return client.post(url, saved_and_approved(data))


def status_sources(page):
    """The status and its citations, without the status note and its own."""
    return page.split("Status, as of the review</dt>", 1)[1].split("</dd>", 1)[0].split('<p class="status-note"')[0]


def test_a_changed_value_no_longer_credits_the_source_of_the_old_one(curator_client, editor):  # noqa: F811
    almaty = Mechanism.objects.get(slug="almaty-process")
    assert almaty.status == "expected"
    assert "Harns 2013" in status_sources(curator_client.get("/mechanisms/almaty-process/").content.decode())

    response = save_mechanism_form(curator_client, almaty, status="active", change_reason="Launched in June 2013")
    assert response.status_code == 302, response.content

    # The page, the API and a new snapshot no longer credit the review with 'Active'.
    status = status_sources(curator_client.get("/mechanisms/almaty-process/").content.decode())
    assert "Active" in status and "Harns" not in status
    api = curator_client.get("/api/v1/mechanisms/almaty-process/").json()
    assert not [c for c in api["sources"] if "status" in c["covers"]]
    assert [c for c in api["sources"] if "status_note" in c["covers"]]  # the note did not change
    snapshot = snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="After")
    mechanism = next(m for m in json.loads(snapshots.content_bytes(snapshot))["mechanisms"]
                     if m["slug"] == "almaty-process")
    assert not [c for c in mechanism["sources"] if isinstance(c, dict) and "status" in c["for"]]
    whole = next(c for c in mechanism["sources"] if isinstance(c, dict) and "objectives" in c["for"]
                 and c["cite"] == "harns-2013 Annex B")  # once for the whole record, now for all but the status
    assert "status" not in whole["for"] and mechanism["status"] == "active"

    # The history keeps what the review said.
    superseded = Citation.objects.filter(object_id=almaty.pk, superseded_at__isnull=False,
                                         content_type=ContentType.objects.get_for_model(Mechanism))
    assert {c.locator for c in superseded} == {"Annex B", "Annex C", "section 3.4.1"}
    assert all(c.superseded_values == {"status": "expected"} for c in superseded)
    page = curator_client.get(f"/admin/mechanisms/mechanism/{almaty.pk}/change/").content.decode()
    assert "Superseded citations" in page and "expected" in page.split("Superseded citations", 1)[1]

    # check_data names the uncited value, and publishing refuses until a citation is added.
    problems = [p for p in quality.run_checks() if p.check == "uncited-change"]
    assert [(p.record, p.blocking) for p in problems] == [("mechanism: Almaty Process", True)]
    assert "'status' was changed from 'expected'" in problems[0].message
    edition = factories.edition(slug="annual-2026", year=2026, title="2026 annual review")
    ReviewEntry.objects.create(edition=edition, mechanism=almaty, kind=almaty.kind, governance=almaty.governance,
                               region=almaty.region)
    factories.leave_out_the_rest(edition)
    publishing.submit_for_review(edition=edition, user=editor)
    approve_all(edition)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert any("Almaty Process" in reason and "'status' was changed" in reason for reason in refusal.value.reasons)

    source = web_page()
    response = add_citation_row(curator_client, almaty, source=source.pk, locator="#launch",
                                quotation="The Almaty Process was launched in June 2013.", covers="status",
                                position=9)
    assert response.status_code == 302, response.content
    assert not [p for p in quality.run_checks() if p.check == "uncited-change"]
    status = status_sources(curator_client.get("/mechanisms/almaty-process/").content.decode())
    assert "The Almaty Process" in status and ALMATY_PAGE in status
    published = publishing.publish_edition(edition=edition, user=editor)
    # The new snapshot credits the web page, which it holds, with the new value.
    dataset = snapshots.content(published)
    mechanism = next(m for m in dataset["mechanisms"] if m["slug"] == "almaty-process")
    assert mechanism["status"] == "active"
    assert {"cite": "iom-almaty-process-page #launch", "for": ["status"],
            "quote": "The Almaty Process was launched in June 2013."} in mechanism["sources"]
    assert [s["slug"] for s in dataset["sources"]] == [source.slug]


def test_a_citation_that_covered_the_whole_record_keeps_covering_what_did_not_change(curator_client):
    mechanism = factories.mechanism(name="Old name", status="active")
    source = web_page()
    citation_of(mechanism, source=source, locator="#about").save()
    assert save_mechanism_form(curator_client, mechanism, name="New name").status_code == 302
    current = Citation.objects.current().get(object_id=mechanism.pk, content_type__model="mechanism")
    assert "name" not in current.covered_fields and {"status", "founded", "slug"} <= set(current.covered_fields)
    old = Citation.objects.get(object_id=mechanism.pk, content_type__model="mechanism", superseded_at__isnull=False)
    assert (old.covers, old.superseded_values) == ("name", {"name": "Old name"})


def test_an_unchanged_save_keeps_every_citation(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    before = list(Citation.objects.current().filter(object_id=almaty.pk).values_list("pk", "covers"))
    assert save_mechanism_form(curator_client, almaty, change_reason="Checked").status_code == 302
    assert list(Citation.objects.current().filter(object_id=almaty.pk).values_list("pk", "covers")) == before
    assert not Citation.objects.filter(superseded_at__isnull=False).exists()


def test_participation_rows_follow_their_values_too(curator_client):
    participation = Participation.objects.filter(mechanism__slug="almaty-process").first()
    url = f"/admin/mechanisms/participation/{participation.pk}/change/"
    data = form_data(curator_client.get(url).content, "participation_form")
    data.update(role="member")
    assert curator_client.post(url, saved_and_approved(data)).status_code == 302
    assert Citation.objects.filter(object_id=participation.pk, content_type__model="participation",
                                   superseded_at__isnull=False).exists()


# ----- sources in public --------------------------------------------------------------------------

def letter():
    return save_source(Source(slug="bp-letter", kind="correspondence", title="Membership of Fiji",
                              date="2026-03", correspondent="the Bali Process secretariat",
                              url="https://mail.example.org/private", content="Fiji joined in February."))


def test_a_correspondence_cannot_be_quoted():
    mechanism = Mechanism.objects.get(slug="bali-process")
    assert "quotation" in errors_of(citation_of(mechanism, source=letter(), locator="paragraph 2",
                                                quotation="Fiji joined in February."))


def test_the_api_lists_public_sources_by_kind_mechanism_and_text(api):
    page, mail = web_page(), letter()
    almaty, bali = Mechanism.objects.get(slug="almaty-process"), Mechanism.objects.get(slug="bali-process")
    citation_of(almaty, source=page, locator="#launch", covers="status").save()
    participation = bali.participations.first()
    citation_of(participation, source=mail, locator="paragraph 2").save()
    draft = factories.edition(slug="annual-2026", year=2026, title="2026 review")

    slugs = [s["slug"] for s in api.get("/api/v1/sources/").json()["results"]]
    assert {"harns-2013", page.slug, mail.slug} <= set(slugs) and draft.slug not in slugs
    assert [s["slug"] for s in api.get("/api/v1/sources/?kind=web-page").json()["results"]] == [page.slug]
    assert [s["slug"] for s in api.get("/api/v1/sources/?mechanism=almaty-process&kind=web-page")
            .json()["results"]] == [page.slug]
    by_bali = [s["slug"] for s in api.get("/api/v1/sources/?mechanism=bali-process").json()["results"]]
    assert mail.slug in by_bali and page.slug not in by_bali
    assert [s["slug"] for s in api.get("/api/v1/sources/?q=secretariat").json()["results"]] == [mail.slug]
    assert not api.get("/api/v1/sources/?q=Fiji").json()["results"]  # a letter's title is private

    detail = api.get(f"/api/v1/sources/{mail.slug}/").json()
    assert detail["title"] == "Communication from the Bali Process secretariat, March 2026"
    assert detail["address"] == "" and "Fiji" not in json.dumps(detail) and "mail.example" not in json.dumps(detail)
    assert api.get(f"/api/v1/sources/{draft.slug}/").status_code == 404
    web = api.get(f"/api/v1/sources/{page.slug}/").json()
    assert (web["address"], web["publisher"], web["kind"]) == (ALMATY_PAGE, "IOM", "web-page")
    assert "/api/v1/sources/" in api.get("/api/v1/schema/").content.decode()


# ----- citing where the curator works -------------------------------------------------------------

def test_a_curator_cites_a_new_web_page_for_nine_participations_in_one_action(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    page = curator_client.get(f"/admin/mechanisms/mechanism/{almaty.pk}/change/").content.decode()
    link = f"/admin/mechanisms/participation/?mechanism__id__exact={almaty.pk}"
    assert link in page.replace("&amp;", "&")
    listing = curator_client.get(link)
    assert "Cite one source and locator for the selected rows" in listing.content.decode()
    rows = list(almaty.participations.order_by("pk")[:9])
    assert len(rows) == 9
    selected = {"action": "cite_selected", "_selected_action": [row.pk for row in rows]}
    form = curator_client.post(link, selected)
    assert form.status_code == 200 and "Cite a source for the selected rows" in form.content.decode()

    url = "https://www.iom.int/almaty-process/members"
    response = curator_client.post(link, {**selected, "apply": "1", "new_web_page": url, "locator": "#members",
                                          "covers": "role"})
    assert response.status_code == 302, response.content
    source = Source.objects.get(url=url)
    assert (source.kind, source.publisher, source.is_public, source.accessed is not None) == (
        "web-page", "www.iom.int", True, True)
    cited = Citation.objects.current().filter(source=source, content_type__model="participation")
    assert sorted(cited.values_list("object_id", flat=True)) == [row.pk for row in rows]
    assert set(cited.values_list("locator", "covers")) == {("#members", "role")}


def test_citing_many_rows_refuses_them_all_when_one_is_wrong(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    link = f"/admin/mechanisms/participation/?mechanism__id__exact={almaty.pk}"
    rows = list(almaty.participations.order_by("pk")[:3])
    before = Citation.objects.count(), Source.objects.count()
    response = curator_client.post(link, {"action": "cite_selected", "_selected_action": [r.pk for r in rows],
                                          "apply": "1", "new_web_page": "https://example.org/a", "locator": "#m",
                                          "covers": "Member since"})
    assert response.status_code == 200
    assert "has no field &#x27;Member since&#x27;" in response.content.decode()
    assert (Citation.objects.count(), Source.objects.count()) == before


def test_a_new_web_page_is_registered_from_its_address_in_the_citation_row(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    url = "https://www.unhcr.org/almaty-process-" + "x" * 150
    response = add_citation_row(curator_client, almaty, new_web_page=url, locator="#launch", covers="founded",
                                position=9)
    assert response.status_code == 302, response.content
    source = Source.objects.get(url=url)
    assert source.kind == "web-page" and source.citations.get().covers == "founded"
    bad = add_citation_row(curator_client, almaty, new_web_page="ftp://example.org/x", locator="#a", position=9)
    assert bad.status_code == 200 and not Source.objects.filter(url="ftp://example.org/x").exists()


def test_the_source_register_has_autocomplete_and_authors_one_per_line(curator_client):
    web_page(title="Almaty Process home page")
    found = curator_client.get("/admin/autocomplete/", {"app_label": "curation", "model_name": "citation",
                                                         "field_name": "source", "term": "almaty"}).json()
    assert [r["text"] for r in found["results"]] == ["Almaty Process home page"]
    form = form_data(curator_client.get("/admin/curation/source/add/").content, "source_form")
    form.update(slug="iom-report-2026", kind="document", title="Report", document_type="report",
                authors="Jane Doe\nJohn Roe\n", date="2026")
    response = curator_client.post("/admin/curation/source/add/", saved_and_approved(form))
    assert response.status_code == 302, response.content
    assert Source.objects.get(slug="iom-report-2026").authors == ["Jane Doe", "John Roe"]


def test_the_import_refuses_bad_citations_naming_the_file_and_the_record():
    long_locator = "x" * 501
    files = mechanism_file(**{
        "sources: [harns-2013 Annex B]\nparticipations:": "sources: [harns-2013 Annex B, harns-2013 Annex B]\n"
                                                          "participations:",
        "    sources: [harns-2013 Annex B]": f"    sources: [harns-2013 {long_locator}]",
        "    sources: [harns-2013 Annex C]": "    sources: [{cite: no-such-source p. 4}, "
                                             "{cite: harns-2013 Annex C, for: [Founded date]}]",
    })
    with pytest.raises(DatasetError) as error:
        import_dataset(files, reason="test")
    text = "\n".join(error.value.errors)
    assert "mechanisms/test-process.yaml: mechanism 'test-process': 'harns-2013 Annex B' is cited twice" in text
    assert "participations[0]" in text and "at most 500 characters" in text
    assert "citation of unknown source 'no-such-source'" in text
    assert "has no field 'Founded date'" in text
    assert not Mechanism.objects.filter(slug="test-process").exists()
