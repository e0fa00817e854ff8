"""The public pages of review editions: the report, the snapshots with their checksums, the changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.dataset.snapshots import create_snapshot
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEdition, ReviewEntry

from . import factories

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_2013_edition_page_offers_the_report_and_the_snapshot_with_its_checksum(client):
    snapshot = ReviewEdition.objects.get(slug="harns-2013").snapshots.get()
    html = page(client, "/editions/2013/")
    assert "Regional Inter-State Consultation Mechanisms on Migration" in html
    assert snapshot.checksum in html
    for name in ("json", "yaml", "datapackage", "report"):
        assert f"/api/v1/snapshots/{snapshot.slug}/download/{name}/" in html
    assert 'href="/mechanisms/bali-process/"' in html and "The mechanisms this edition reviews (25)" in html
    assert "There is no snapshot of an earlier published edition to compare with" in html


def _later_edition():
    """A 2026 edition whose snapshot differs from the 2013 one: the APC dissolved, a mechanism founded in
    October 2015 added, Côte d'Ivoire an observer of the FIBEMYD (which has a recorded Spanish name)."""
    apc = Mechanism.objects.get(slug="apc")
    apc.status = "dissolved"
    apc.save()
    factories.mechanism(slug="new-forum", name="New Forum on Migration", kind="other", founded="2015-10")
    factories.participation(Mechanism.objects.get(slug="fibemyd"), alpha3="CIV", role="observer", start="2015-03")
    edition = factories.edition(slug="annual-2026", year=2026, title="2026 annual review",
                                           authors=["The editors"])
    ReviewEntry.objects.create(edition=edition, mechanism=apc, kind="rcp", governance="stand-alone",
                               region=apc.region, status="approved", reviewer_comment="PRIVATE-COMMENT")
    ReviewEdition.objects.filter(pk=edition.pk).update(status="published")
    return create_snapshot(edition=ReviewEdition.objects.get(pk=edition.pk), title="2026 review, as published")


def _changes(html):
    return html[html.index('id="changes-heading"'):html.index('id="entries-heading"')]


def test_a_later_edition_shows_the_changes_since_the_previous_review(client):
    _later_edition()
    html = page(client, "/editions/2026/")
    apc = Mechanism.objects.get(slug="apc").name
    assert f"{apc}: status changed from 'Inactive' to 'Dissolved'." in html
    assert "New Forum on Migration was added to the record (other, founded October 2015)." in html
    assert 'href="/editions/2013/"' in html and "PRIVATE-COMMENT" not in html
    assert 'href="/editions/2026/"' in page(client, "/editions/")


def test_the_french_and_spanish_edition_pages_tell_the_changes_in_their_language_and_name_the_mechanisms(client):
    """They were told in English, the mechanisms by their slugs ('apc: status changed from…'), on every page."""
    _later_edition()
    apc = Mechanism.objects.get(slug="apc").name
    french = _changes(page(client, "/fr/editions/2026/"))
    assert "<h3>Classification, statut et autres données</h3>" in french
    assert f'<span lang="en">{apc}</span> : statut, « Inactif » devient « Dissous ».' in french
    assert ('Mécanisme ajouté au registre : <span lang="en">New Forum on Migration</span> '
            "(autre, fondé en octobre 2015).") in french
    assert "Côte d’Ivoire y participe désormais comme observateur (mars 2015–…)." in french
    assert "apc:" not in french and "changed" not in french
    spanish = _changes(page(client, "/es/editions/2026/"))
    assert ("Foro Iberoamericano, Migración y Desarrollo: Côte d’Ivoire se incorporó como observador "
            "(marzo de 2015–…).") in spanish  # its recorded Spanish name, not marked: it is the page's language
    assert "(otro, creado en octubre de 2015)" in spanish


def test_the_api_tells_the_same_changes_in_its_own_language_neutral_terms(client):
    later = _later_edition()
    earlier = ReviewEdition.objects.get(slug="harns-2013").snapshots.get()
    url = f"/api/v1/snapshots/{earlier.slug}/diff/{later.slug}/"
    english, asked_in_french = client.get(url).json(), client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert english == asked_in_french
    facts = next(section for section in english["summary"] if section["heading"].startswith("Classification"))
    assert "apc: status changed from 'inactive' to 'dissolved'" in facts["changes"]


def test_unpublished_and_unknown_editions_have_no_page(client):
    factories.edition(slug="draft-2027", year=2027, title="DRAFT-TITLE")
    assert client.get("/editions/2027/").status_code == 404
    assert client.get("/editions/1999/").status_code == 404
    assert "DRAFT-TITLE" not in page(client, "/editions/")


# The data version (for the HTTP validators), the edition, its snapshots, the previous edition and its
# snapshot, the entries, the other editions.
QUERIES = 7


def test_the_edition_page_costs_a_fixed_number_of_queries(client, settings):
    settings.SERVER_CACHE_TIMEOUT = 0  # the page built each time, not read back from the server-side cache
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get("/editions/2013/")
        return len(captured)

    before = queries()
    harns = ReviewEdition.objects.get(slug="harns-2013")
    for number in range(3):
        create_snapshot(edition=harns, title=f"Another snapshot {number}")
    assert (before, queries()) == (QUERIES, QUERIES)
