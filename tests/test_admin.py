"""The curator admin: pages load and save, the history shows field-level differences, revert works."""

import pytest

from apps.curation.models import ChangeSet
from apps.mechanisms.models import Mechanism, Participation

from . import factories
from .html_forms import form_data, saved_and_approved

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/mechanisms/mechanism/", "/admin/mechanisms/participation/", "/admin/mechanisms/region/",
    "/admin/mechanisms/theme/", "/admin/meetings/meeting/", "/admin/meetings/document/",
    "/admin/states/state/", "/admin/states/organization/", "/admin/states/statename/",
    "/admin/reviews/reviewedition/", "/admin/reviews/reviewentry/", "/admin/reviews/discrepancy/",
    "/admin/curation/changeset/",
]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_every_list_page_loads_for_a_curator(curator_client, url):
    assert curator_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/mechanisms/mechanism/?kind__exact=rcp&region__id__exact=1&status__exact=active",
        "/admin/mechanisms/participation/?role__exact=observer&year=2012",
        "/admin/meetings/meeting/?year=2012&status__exact=forthcoming",
        "/admin/mechanisms/mechanism/?q=migration",
    ],
)
def test_filters_and_search_work(curator_client, url):
    assert curator_client.get(url).status_code == 200


def test_the_mechanism_page_shows_participations_and_meetings_inline(curator_client):
    mechanism = Mechanism.objects.get(slug="midwa")
    page = curator_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/").content.decode()
    assert "Participations" in page and "Meetings" in page and "Benin" in page
    assert 'name="participations-0-state"' in page


def test_autocomplete_finds_states_by_a_former_name(curator_client):
    response = curator_client.get(
        "/admin/autocomplete/?app_label=mechanisms&model_name=participation&field_name=state&term=Swaziland"
    )
    assert [r["text"] for r in response.json()["results"]] == ["Eswatini"]


def save_change_form(client, url, **changes):
    data = form_data(client.get(url).content, "mechanism_form")
    data.update(changes)
    return client.post(url, saved_and_approved(data))


def test_a_curator_edit_lands_in_the_history_with_who_and_why(curator_client, curator):
    mechanism = factories.mechanism(name="Original name")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    response = save_change_form(curator_client, url, name="Corrected name", founded="June 2002",
                                change_reason="Corrected per Annex B")
    assert response.status_code == 302, response.content
    mechanism.refresh_from_db()
    assert (mechanism.name, mechanism.founded) == ("Corrected name", "2002-06")
    latest = mechanism.history.first()
    assert (latest.history_user, latest.history_change_reason) == (curator, "Corrected per Annex B")
    assert latest.change_set.kind == ChangeSet.Kind.EDIT and latest.change_set.user == curator


def test_a_bad_date_in_the_admin_gets_a_clear_message_and_saves_nothing(curator_client):
    mechanism = factories.mechanism(founded="2001")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    response = save_change_form(curator_client, url, founded="2012-13")
    assert response.status_code == 200
    assert "no month 13" in response.content.decode()
    mechanism.refresh_from_db()
    assert mechanism.founded == "2001"


def test_the_history_page_shows_what_changed_field_by_field(curator_client):
    mechanism = factories.mechanism(name="Before", status="active")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    save_change_form(curator_client, url, name="After", status="inactive")
    page = curator_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/").content.decode()
    assert "<strong>Name</strong>: Before → After" in page
    assert "<strong>Status</strong>: Active → Inactive" in page  # choices by their labels


def test_reverting_restores_an_earlier_version_and_is_itself_recorded(curator_client):
    mechanism = factories.mechanism(name="First version")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    save_change_form(curator_client, url, name="Second version")
    first = mechanism.history.earliest("history_date")
    revert_url = f"/admin/mechanisms/mechanism/{mechanism.pk}/history/{first.history_id}/"
    data = form_data(curator_client.get(revert_url).content, "historicalmechanism_form")
    assert data["name"] == "First version"
    response = curator_client.post(revert_url, data)
    assert response.status_code == 302, response.content
    mechanism.refresh_from_db()
    assert mechanism.name == "First version"
    latest = mechanism.history.first()
    assert latest.change_set.kind == ChangeSet.Kind.REVERT
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert mechanism.history.count() == 3


def test_participation_rows_keep_their_own_history(curator_client):
    mechanism = factories.mechanism()
    participation = factories.participation(mechanism, "FRA", "member")
    url = f"/admin/mechanisms/participation/{participation.pk}/change/"
    data = form_data(curator_client.get(url).content, "participation_form")
    data.update(role="observer", change_reason="Observer per Annex B")
    assert curator_client.post(url, saved_and_approved(data)).status_code == 302
    participation = Participation.objects.get(pk=participation.pk)
    diff = participation.history.first().diff_against(participation.history.last())
    assert [(c.field, c.old, c.new) for c in diff.changes] == [("role", "member", "observer")]


def test_the_admin_is_closed_to_anonymous_visitors(client):
    response = client.get("/admin/mechanisms/mechanism/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_mechanism_autocomplete_lists_every_mechanism_once_by_name_across_its_pages(curator_client):
    names = []
    for page in (1, 2):
        found = curator_client.get("/admin/autocomplete/", {"app_label": "reviews", "model_name": "leftout",
                                                             "field_name": "mechanism", "term": "", "page": page})
        names += [result["text"] for result in found.json()["results"]]
    assert Mechanism.objects.count() > 20  # more than one page of results
    assert names == [str(m) for m in Mechanism.objects.order_by("name", "pk")]
