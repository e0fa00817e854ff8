"""Follow changes: Atom feeds of published editions and snapshots, of the public changes between snapshots,
and of one mechanism's changes; never who changed what, why, or a private note."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curation.history import recording
from apps.curation.models import ChangeSet
from apps.dataset.snapshots import create_snapshot
from apps.mechanisms.models import Mechanism, Participation
from apps.reviews.models import ReviewEdition
from apps.states.models import State

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "zqfeedsecret"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert SECRET not in response.content.decode().lower()
    feed = ET.fromstring(response.content)
    found = [{"title": e.find(f"{ATOM}title").text, "id": e.find(f"{ATOM}id").text,
              "link": e.find(f"{ATOM}link").get("href"), "summary": (e.find(f"{ATOM}summary").text or "")}
             for e in feed.findall(f"{ATOM}entry")]
    assert len({entry["id"] for entry in found}) == len(found)  # every entry has its own id
    return found


@pytest.fixture
def change(django_user_model):
    """Cambodia joins the Colombo Process between two snapshots, by a named curator with a private reason."""
    harns = ReviewEdition.objects.get(slug="harns-2013")
    before = create_snapshot(edition=harns, title="Before")
    curator = django_user_model.objects.create_user(username=f"{SECRET}-curator", password="x", is_staff=True)
    curator.groups.set(Group.objects.all())  # curator and editor: the snapshot names them too
    with recording(kind=ChangeSet.Kind.EDIT, user=curator, reason=f"{SECRET} reason"):
        Participation.objects.create(
            mechanism=Mechanism.objects.get(slug="colombo-process"), state=State.objects.get(alpha3="KHM"),
            role="member", as_written="Cambodia", start="2014", curator_note=f"{SECRET} private note")
    after = create_snapshot(edition=harns, title="After", user=curator)
    return before, after


def test_the_changes_feed_says_who_joined_which_mechanism_in_public_words_only(client, change):
    before, after = change
    found = entries(client, "/feeds/changes/")
    colombo = Mechanism.objects.get(slug="colombo-process").name
    joined = next(e for e in found if "Cambodia" in e["title"])
    assert joined["title"] == f"Cambodia joined the {colombo} as member (2014–…)."
    assert joined["link"] == "http://testserver/mechanisms/colombo-process/"
    assert before.slug in joined["summary"] and after.slug in joined["summary"]


def test_a_mechanism_feed_holds_only_that_mechanisms_changes(client, change):
    colombo = entries(client, "/mechanisms/colombo-process/feed/")
    assert [e["title"] for e in colombo if "Cambodia" in e["title"]]
    assert all(e["link"].endswith("/mechanisms/colombo-process/") for e in colombo)
    assert entries(client, "/mechanisms/bali-process/feed/") == []
    assert client.get("/mechanisms/no-such-mechanism/feed/").status_code == 404


def test_the_editions_feed_lists_published_editions_and_snapshots_with_their_checksums(client, change):
    _before, after = change
    found = entries(client, "/feeds/editions/")
    assert any(e["title"].startswith("Edition 2013 published") for e in found)
    snapshot = next(e for e in found if after.slug in e["title"])
    assert after.checksum in snapshot["summary"]
    assert snapshot["link"] == f"http://testserver/api/v1/snapshots/{after.slug}/download/json/"
    assert found[0]["title"].startswith(f"Snapshot {after.slug}")  # newest first


def test_the_pages_link_to_their_feeds(client):
    assert 'href="/feeds/editions/"' in client.get("/editions/").content.decode()
    assert 'href="/feeds/changes/"' in client.get("/").content.decode()
    assert 'href="/mechanisms/apc/feed/"' in client.get("/mechanisms/apc/").content.decode()


@pytest.mark.parametrize("url", ["/feeds/editions/", "/feeds/changes/", "/mechanisms/colombo-process/feed/"])
def test_a_feed_costs_a_fixed_number_of_queries(client, change, url):
    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    before = queries()
    create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="One more")
    assert queries() == before


def test_the_french_changes_feed_tells_the_change_in_french_with_the_french_state_name(client, change):
    colombo = Mechanism.objects.get(slug="colombo-process").name  # no French name recorded: the English one
    found = entries(client, "/fr/feeds/changes/")
    joined = next(e for e in found if "Cambodge" in e["title"])
    assert joined["title"] == f"{colombo} : Cambodge y participe désormais comme membre (2014–…)."
    assert joined["link"] == "http://testserver/fr/mechanisms/colombo-process/"
    assert joined["summary"].startswith("Entre l’instantané")
    assert not any("Cambodia" in e["title"] for e in found)


def test_the_spanish_feed_names_a_mechanism_by_its_recorded_spanish_name(client, django_user_model):
    harns = ReviewEdition.objects.get(slug="harns-2013")
    create_snapshot(edition=harns, title="Before")
    with recording(kind=ChangeSet.Kind.EDIT, user=None, reason="test"):
        Participation.objects.create(mechanism=Mechanism.objects.get(slug="fibemyd"),
                                     state=State.objects.get(alpha3="CIV"), role="observer", start="2015")
    create_snapshot(edition=harns, title="After")
    titles = [e["title"] for e in entries(client, "/es/mechanisms/fibemyd/feed/")]
    assert "Foro Iberoamericano, Migración y Desarrollo: Côte d’Ivoire se incorporó como observador (2015–…)." in titles
    assert "Côte d'Ivoire joined the Ibero-American Forum on Migration and Development as observer (2015–…)." in [
        e["title"] for e in entries(client, "/mechanisms/fibemyd/feed/")]


def test_a_changed_fact_is_told_by_its_label_in_the_feeds_language(client):
    harns = ReviewEdition.objects.get(slug="harns-2013")
    create_snapshot(edition=harns, title="Before")
    colombo = Mechanism.objects.get(slug="colombo-process")
    with recording(kind=ChangeSet.Kind.EDIT, user=None, reason="test"):
        colombo.status = Mechanism.Status.INACTIVE
        colombo.save()
    create_snapshot(edition=harns, title="After")
    assert f"{colombo.name}: status changed from 'Active' to 'Inactive'." in [
        e["title"] for e in entries(client, "/mechanisms/colombo-process/feed/")]
    assert f"{colombo.name} : statut, « Actif » devient « Inactif »." in [
        e["title"] for e in entries(client, "/fr/mechanisms/colombo-process/feed/")]
    assert f"{colombo.name}: cambio de situación, de «Activo» a «Inactivo»." in [
        e["title"] for e in entries(client, "/es/mechanisms/colombo-process/feed/")]


def new_forum_between_snapshots(kind, founded, also=None):
    """A mechanism 'New Forum on Migration' of ``kind``, founded ``founded``, added (with whatever ``also``
    changes) between two snapshots of the 2013 edition; returns the second snapshot."""
    harns = ReviewEdition.objects.get(slug="harns-2013")
    create_snapshot(edition=harns, title="Before")
    with recording(kind=ChangeSet.Kind.EDIT, user=None, reason="test"):
        Mechanism.objects.create(slug="new-forum", name="New Forum on Migration", region=Mechanism.objects.get(
            slug="apc").region, kind=kind, governance="stand-alone", founded=founded)
        if also is not None:
            also()
    return create_snapshot(edition=harns, title="After")


def test_the_feeds_write_dates_in_words_and_a_kind_in_lower_case_within_a_sentence(client):
    """They wrote 'fondé en 2015-10', '(Autre, …', '(2015-03–…)' and the snapshots' days as ISO dates."""
    def cambodia_observes_colombo():
        Participation.objects.create(mechanism=Mechanism.objects.get(slug="colombo-process"),
                                     state=State.objects.get(alpha3="KHM"), role="observer", start="2015-03")

    after = new_forum_between_snapshots("other", "2015-10", also=cambodia_observes_colombo)
    french = entries(client, "/fr/feeds/changes/")
    titles = [e["title"] for e in french]
    assert "Mécanisme ajouté au registre : New Forum on Migration (autre, fondé en octobre 2015)." in titles
    assert any(title.endswith("Cambodge y participe désormais comme observateur (mars 2015–…).") for title in titles)
    day = after.as_of
    months = {"fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                     "octobre", "novembre", "décembre"]}
    assert f"({day.day if day.day > 1 else '1er'} {months['fr'][day.month - 1]} {day.year})" in french[0]["summary"]
    spanish = [e["title"] for e in entries(client, "/es/feeds/changes/")]
    assert "Mecanismo añadido al registro: New Forum on Migration (otro, creado en octubre de 2015)." in spanish
    assert "New Forum on Migration was added to the record (other, founded October 2015)." in [
        e["title"] for e in entries(client, "/feeds/changes/")]


def test_a_mechanism_founded_on_a_known_day_is_said_founded_on_that_day(client):
    new_forum_between_snapshots("rcp", "2015-10-11")
    assert "Mécanisme ajouté au registre : New Forum on Migration (PCR, fondé le 11 octobre 2015)." in [
        e["title"] for e in entries(client, "/fr/feeds/changes/")]
    assert "Mecanismo añadido al registro: New Forum on Migration (PCR, creado el 11 de octubre de 2015)." in [
        e["title"] for e in entries(client, "/es/feeds/changes/")]


def test_a_mechanism_feed_is_titled_with_the_mechanisms_name_in_the_feeds_language(client):
    """It was titled with the recorded English name in every language."""
    feed = ET.fromstring(client.get("/es/mechanisms/fibemyd/feed/").content)
    assert feed.find(f"{ATOM}title").text == "Foro Iberoamericano, Migración y Desarrollo: cambios"
    feed = ET.fromstring(client.get("/fr/mechanisms/fibemyd/feed/").content)
    assert feed.find(f"{ATOM}title").text == "Ibero-American Forum on Migration and Development : modifications"
