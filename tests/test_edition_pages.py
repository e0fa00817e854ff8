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


def test_a_later_edition_shows_the_changes_since_the_previous_review(client):
    apc = Mechanism.objects.get(slug="apc")
    apc.status = "dissolved"
    apc.save()
    edition = factories.edition(slug="annual-2026", year=2026, title="2026 annual review",
                                           authors=["The editors"])
    ReviewEntry.objects.create(edition=edition, mechanism=apc, kind="rcp", governance="stand-alone",
                               region=apc.region, status="approved", reviewer_comment="PRIVATE-COMMENT")
    ReviewEdition.objects.filter(pk=edition.pk).update(status="published")
    create_snapshot(edition=ReviewEdition.objects.get(pk=edition.pk), title="2026 review, as published")
    html = page(client, "/editions/2026/")
    assert "apc: status changed from &#x27;inactive&#x27; to &#x27;dissolved&#x27;" in html
    assert 'href="/editions/2013/"' in html and "PRIVATE-COMMENT" not in html
    assert 'href="/editions/2026/"' in page(client, "/editions/")


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
