"""Citing where the curator works: in the participants, meetings and documents tables of a mechanism's page,
one row at a time or for the ticked rows, with a web page registered from its address on the way."""

import pytest
from django.test import Client

from apps.curation.models import ChangeSet, Citation, Source
from apps.curation.sources import save_source
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Document, Meeting

from . import factories
from .html_forms import form_data, saved_and_approved
from .test_staged_changes import member_of

pytestmark = pytest.mark.django_db

MEMBERS_PAGE = "https://www.iom.int/almaty-process/members"


@pytest.fixture
def cora(django_user_model):
    return member_of(django_user_model, "cora", "curator")


@pytest.fixture
def edna(django_user_model):
    return member_of(django_user_model, "edna", "curator", "editor")


def page_url(mechanism):
    return f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"


def open_page(client, mechanism):
    response = client.get(page_url(mechanism))
    assert response.status_code == 200
    return response.content.decode(), form_data(response.content, "mechanism_form")


def row_index(form, prefix, pk):
    """The index of the row holding the record ``pk`` in the table ``prefix`` of a posted form."""
    return next(int(key.split("-")[1]) for key, value in form.items()
                if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(pk))


def cited(record):
    return list(Citation.objects.current().filter(content_type__model=record._meta.model_name, object_id=record.pk)
                .values_list("source__slug", "locator", "covers"))


def errors_on(page):
    return [part[:300] for part in page.split('class="errorlist')[1:]]


def test_a_curator_cites_a_web_page_for_nine_participants_from_the_mechanisms_page(cora, edna):
    (curator, curator_client), (_editor, editor_client) = cora, edna
    almaty = Mechanism.objects.get(slug="almaty-process")
    rows = list(almaty.participations.order_by("pk")[:9])
    assert len(rows) == 9
    versions = {row.pk: row.version for row in rows}
    page, form = open_page(curator_client, almaty)
    assert 'id="participations-cite-ticked"' in page and "Cite one source for the ticked participations" in page
    assert "harns-2013 Annex B" in page.split('id="participations-group"')[1]  # each row shows its citations

    form["participations-cite-rows"] = [str(row.pk) for row in rows]
    form.update({"participations-cite-new_web_page": MEMBERS_PAGE, "participations-cite-locator": "#members",
                 "participations-cite-covers": ["role", "start"], "change_reason": "Members as listed in 2026"})
    response = curator_client.post(page_url(almaty), form)
    assert response.status_code == 302, errors_on(response.content.decode())

    # A proposal: nothing of it is live, neither the web page nor its nine citations.
    proposal = ChangeSet.objects.get(state=ChangeSet.State.PENDING, user=curator)
    assert response["Location"] == f"/admin/curation/changeset/{proposal.pk}/change/"
    assert not Source.objects.filter(url=MEMBERS_PAGE).exists()
    assert all(("www-iom-int-almaty-process-members", "#members", "role,start") not in cited(row) for row in rows)
    models = sorted(item["model"] for item in proposal.changes)
    assert models == ["curation.Citation"] * 9 + ["curation.Source"]  # the rows themselves are untouched
    review = curator_client.get(response["Location"]).content.decode()
    assert "#members" in review and MEMBERS_PAGE in review
    assert MEMBERS_PAGE not in Client().get(f"/mechanisms/{almaty.slug}/").content.decode()

    response = editor_client.post(f"/admin/curation/changeset/{proposal.pk}/approve/", {"review_comment": "Checked"})
    assert response.status_code == 302
    source = Source.objects.get(url=MEMBERS_PAGE)
    assert (source.kind, source.publisher, source.is_public) == ("web-page", "www.iom.int", True)
    for row in rows:
        assert (source.slug, "#members", "role,start") in cited(row)
        assert Participation.objects.get(pk=row.pk).version == versions[row.pk]  # citing is not editing the row
    public = Client().get(f"/mechanisms/{almaty.slug}/").content.decode()
    assert public.count(f'href="{MEMBERS_PAGE}"') == 9


def test_a_meeting_and_a_document_are_cited_in_their_rows_with_the_fields_they_support(curator_client):
    mechanism = factories.mechanism()
    meeting = factories.meeting(mechanism)
    document = Document.objects.create(mechanism=mechanism, meeting=meeting, slug="test-declaration",
                                       title="Test Declaration", kind="declaration", date="2014")
    report = save_source(Source(slug="test-report-2014", kind="document", title="Meeting report", date="2014",
                                document_type="report"))
    _page, form = open_page(curator_client, mechanism)
    m, d = row_index(form, "meetings", meeting.pk), row_index(form, "documents", document.pk)
    form.update({f"meetings-{m}-cite-source": str(report.pk), f"meetings-{m}-cite-locator": "p. 2",
                 f"meetings-{m}-cite-covers": ["start", "city"], f"meetings-{m}-cite-quotation": "met in Almaty",
                 f"documents-{d}-cite-source": str(report.pk), f"documents-{d}-cite-locator": "annex 1"})
    response = curator_client.post(page_url(mechanism), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    assert cited(meeting) == [("test-report-2014", "p. 2", "start,city")]
    assert Citation.objects.get(object_id=meeting.pk, source=report).quotation == "met in Almaty"
    assert cited(document) == [("test-report-2014", "annex 1", "")]  # no field ticked: the whole row
    page, _form = open_page(curator_client, mechanism)
    assert "test-report-2014 p. 2" in page.split('id="meetings-group"')[1].split('id="documents-group"')[0]


def test_a_web_page_is_cited_whole_in_a_row_and_for_ticked_rows_with_no_locator(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    first, second, third = almaty.participations.order_by("pk")[:3]
    _page, form = open_page(curator_client, almaty)
    i = row_index(form, "participations", first.pk)
    form.update({f"participations-{i}-cite-new_web_page": MEMBERS_PAGE})
    form["participations-cite-rows"] = [str(second.pk), str(third.pk)]
    form.update({"participations-cite-new_web_page": MEMBERS_PAGE})
    response = curator_client.post(page_url(almaty), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    slug = Source.objects.get(url=MEMBERS_PAGE).slug
    assert [cited(row)[-1] for row in (first, second, third)] == [(slug, "", "")] * 3


@pytest.mark.parametrize("fields, message", [
    ({"cite-new_web_page": "ftp://example.org/members", "cite-locator": "#m"}, "starts with http"),
    ({"cite-source": "harns-2013"}, "only a web page or a dataset may be cited whole"),
    ({"cite-locator": "#m"}, "Choose the source, or paste a web page"),
    ({"cite-source": "harns-2013", "cite-locator": "x" * 501}, "at most 500 characters"),
    ({"cite-source": "harns-2013", "cite-locator": "p. 1", "cite-covers": ["Member since"]},
     "Select a valid choice"),
    ({"cite-source": "harns-2013", "cite-locator": "Annex B"}, "is cited twice for the whole record"),
])
def test_a_wrong_citation_in_a_row_is_named_and_nothing_is_saved(cora, fields, message):
    _curator, client = cora
    almaty = Mechanism.objects.get(slug="almaty-process")
    row = almaty.participations.order_by("pk").first()
    harns = Source.objects.get(slug="harns-2013")
    _page, form = open_page(client, almaty)
    i = row_index(form, "participations", row.pk)
    form.update({f"participations-{i}-{name}": str(harns.pk) if value == "harns-2013" else value
                 for name, value in fields.items()})
    form["name"] = "A renamed process"  # the rest of the save waits for the citation too
    before = Citation.objects.count(), Source.objects.count(), ChangeSet.objects.count()
    response = client.post(page_url(almaty), form)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert message in page and "A citation in this table is not right" in page
    assert "<details class=\"cite-row\" open>" in page  # the row's citation is shown open, with its error
    assert (Citation.objects.count(), Source.objects.count(), ChangeSet.objects.count()) == before


def test_the_same_place_is_not_cited_twice_for_a_ticked_row(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    rows = list(almaty.participations.order_by("pk")[:2])
    harns = Source.objects.get(slug="harns-2013")
    _page, form = open_page(curator_client, almaty)
    form["participations-cite-rows"] = [str(row.pk) for row in rows]
    form.update({"participations-cite-source": str(harns.pk), "participations-cite-locator": "Annex B"})
    before = Citation.objects.count()
    response = curator_client.post(page_url(almaty), form)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert f"{rows[0]}: 'harns-2013 Annex B' is cited twice for the whole record" in page
    assert Citation.objects.count() == before


def test_ticking_rows_without_a_source_or_a_source_without_rows_is_refused(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    _page, form = open_page(curator_client, almaty)
    form.update({"participations-cite-new_web_page": MEMBERS_PAGE, "participations-cite-locator": "#members"})
    response = curator_client.post(page_url(almaty), form)
    assert response.status_code == 200 and "Tick the rows to cite it for" in response.content.decode()
    assert not Source.objects.filter(url=MEMBERS_PAGE).exists()


def test_an_address_already_registered_is_cited_not_registered_again(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    page = save_source(Source(slug="almaty-members", kind="web-page", title="Members", url=MEMBERS_PAGE))
    rows = list(almaty.participations.order_by("pk")[:3])
    _html, form = open_page(curator_client, almaty)
    form["participations-cite-rows"] = [str(rows[0].pk), str(rows[1].pk)]
    form.update({"participations-cite-new_web_page": MEMBERS_PAGE, "participations-cite-locator": "#members"})
    i = row_index(form, "participations", rows[2].pk)
    form.update({f"participations-{i}-cite-new_web_page": MEMBERS_PAGE, f"participations-{i}-cite-locator": "#list"})
    response = curator_client.post(page_url(almaty), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    assert Source.objects.filter(url=MEMBERS_PAGE).count() == 1
    assert [("almaty-members", "#members", "")] == [c for c in cited(rows[0]) if c[0] == "almaty-members"]
    assert ("almaty-members", "#list", "") in cited(rows[2])
    assert page.version == Source.objects.get(pk=page.pk).version  # cited, not saved again


def test_one_new_web_page_pasted_in_two_rows_is_registered_once(curator_client):
    mechanism = factories.mechanism()
    first, second = factories.participation(mechanism, "AFG", "member"), factories.participation(mechanism, "IRN",
                                                                                                 "member")
    _html, form = open_page(curator_client, mechanism)
    for row in (first, second):
        i = row_index(form, "participations", row.pk)
        form.update({f"participations-{i}-cite-new_web_page": MEMBERS_PAGE, f"participations-{i}-cite-locator": "#m"})
    response = curator_client.post(page_url(mechanism), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    source = Source.objects.get(url=MEMBERS_PAGE)
    assert cited(first) == cited(second) == [(source.slug, "#m", "")]


def test_a_new_row_is_cited_once_it_is_saved_and_a_deleted_one_cannot_be(curator_client):
    mechanism = factories.mechanism()
    gone = factories.meeting(mechanism)
    harns = Source.objects.get(slug="harns-2013")
    _html, form = open_page(curator_client, mechanism)
    g = row_index(form, "meetings", gone.pk)
    form.update({f"meetings-{g}-DELETE": "on", f"meetings-{g}-cite-source": str(harns.pk),
                 f"meetings-{g}-cite-locator": "p. 1"})
    response = curator_client.post(page_url(mechanism), form)
    assert response.status_code == 200 and "This row is to be deleted: it cannot be cited." in \
        response.content.decode()

    form.pop(f"meetings-{g}-cite-source"), form.pop(f"meetings-{g}-cite-locator"), form.pop(f"meetings-{g}-DELETE")
    n = int(form["meetings-TOTAL_FORMS"])
    form["meetings-TOTAL_FORMS"] = str(n + 1)
    form.update({f"meetings-{n}-title": "Second ministerial conference", f"meetings-{n}-slug": "test-second-conf",
                 f"meetings-{n}-kind": "ministerial", f"meetings-{n}-status": "held", f"meetings-{n}-start": "2015",
                 f"meetings-{n}-cite-source": str(harns.pk), f"meetings-{n}-cite-locator": "p. 7",
                 f"meetings-{n}-cite-covers": ["start"]})
    response = curator_client.post(page_url(mechanism), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    assert cited(Meeting.objects.get(slug="test-second-conf")) == [("harns-2013", "p. 7", "start")]


def test_a_row_edited_by_someone_else_meanwhile_is_still_guarded(curator_client):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "AFG", "member", note="Founding member")
    harns = Source.objects.get(slug="harns-2013")
    _html, form = open_page(curator_client, mechanism)
    elsewhere = Participation.objects.get(pk=row.pk)
    elsewhere.note = "Changed elsewhere"
    elsewhere.save()  # someone else's save, after the page was opened
    i = row_index(form, "participations", row.pk)
    form.update({f"participations-{i}-note": "Mine", f"participations-{i}-cite-source": str(harns.pk),
                 f"participations-{i}-cite-locator": "p. 3"})
    response = curator_client.post(page_url(mechanism), form)
    assert response.status_code == 200
    assert "changed the same fields as you" in response.content.decode()
    assert cited(row) == [] and Participation.objects.get(pk=row.pk).note == "Changed elsewhere"


def test_a_curator_without_the_right_to_cite_sees_no_citing_control(django_user_model):
    from django.contrib.auth.models import Permission  # noqa: PLC0415

    user = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_mechanism", "change_mechanism",
                                                                      "view_participation", "change_participation"]))
    client = Client()
    client.force_login(user)
    page, _form = open_page(client, factories.mechanism())
    assert "Cite this row" not in page and 'name="participations-cite-rows"' not in page


def test_a_new_web_page_takes_the_title_the_curator_gives_and_the_public_reads_it(curator_client):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "AFG", "member")
    _html, form = open_page(curator_client, mechanism)
    i = row_index(form, "participations", row.pk)
    form.update({f"participations-{i}-cite-new_web_page_title": "Members of the process",
                 f"participations-{i}-cite-locator": "#m"})
    response = curator_client.post(page_url(mechanism), form)
    assert "A title is for a new web page: paste its address too." in response.content.decode()

    form[f"participations-{i}-cite-new_web_page"] = MEMBERS_PAGE
    response = curator_client.post(page_url(mechanism), saved_and_approved(form))
    assert response.status_code == 302, errors_on(response.content.decode())
    assert Source.objects.get(url=MEMBERS_PAGE).title == "Members of the process"
    public = Client().get(f"/mechanisms/{mechanism.slug}/").content.decode()
    assert f'<a href="{MEMBERS_PAGE}" rel="nofollow noopener">Members of the process</a>' in public


def test_pasting_a_registered_address_in_a_records_own_citation_row_cites_that_source(curator_client):
    from .test_sources import add_citation_row  # noqa: PLC0415

    almaty = Mechanism.objects.get(slug="almaty-process")
    page = save_source(Source(slug="almaty-members", kind="web-page", title="Members", url=MEMBERS_PAGE))
    response = add_citation_row(curator_client, almaty, new_web_page=MEMBERS_PAGE, locator="#launch",
                                covers="founded", position=9)
    assert response.status_code == 302, errors_on(response.content.decode())
    assert Source.objects.filter(url=MEMBERS_PAGE).count() == 1
    assert ("almaty-members", "#launch", "founded") in cited(almaty)
    assert Source.objects.get(pk=page.pk).version == page.version


def test_rows_ticked_without_a_source_are_not_silently_left_uncited(curator_client):
    almaty = Mechanism.objects.get(slug="almaty-process")
    row = almaty.participations.order_by("pk").first()
    _page, form = open_page(curator_client, almaty)
    form["participations-cite-rows"] = [str(row.pk)]
    form["status_note"] = "Checked."
    response = curator_client.post(page_url(almaty), form)
    assert response.status_code == 200
    assert "Choose the source, or paste a web page" in response.content.decode()
    assert Mechanism.objects.get(pk=almaty.pk).status_note != "Checked."


def test_citing_fields_posted_by_someone_who_may_not_cite_are_refused(django_user_model):
    from django.contrib.auth.models import Permission  # noqa: PLC0415

    user = django_user_model.objects.create_user(username="no-citing", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_mechanism", "change_mechanism",
                                                                      "view_participation", "change_participation"]))
    client = Client()
    client.force_login(user)
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "AFG", "member")
    _page, form = open_page(client, mechanism)
    form.update({"participations-cite-rows": [str(row.pk)], "participations-cite-new_web_page": MEMBERS_PAGE,
                 "participations-cite-locator": "#m"})
    response = client.post(page_url(mechanism), form)
    assert response.status_code == 200 and "You may not cite sources" in response.content.decode()
    assert cited(row) == [] and not Source.objects.filter(url=MEMBERS_PAGE).exists()
