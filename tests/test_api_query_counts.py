"""Each public API response costs a fixed number of queries, however many rows there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEdition
from apps.states.models import Organization

from . import factories

pytestmark = pytest.mark.django_db

# Exact query counts per endpoint; each is explained where it is not obvious. The first query of every
# public request reads the data version (ETag, Last-Modified and the server-side cache key). A list's page
# carries the count of all its records (a window function): no query of its own.
ENDPOINTS = {
    # the page, each mechanism with its themes, successors and participations (one JSON column each)
    "/api/v1/mechanisms/?page_size=500": 2,
    # the mechanism with every list it shows (one JSON column each: themes, successors, participations,
    # other names, meetings, documents, review entries, discrepancies) and the citations of it and of its
    # participations
    "/api/v1/mechanisms/grow-0/": 2,
    # the page, each meeting with its citations
    "/api/v1/meetings/?page_size=500": 2,
    "/api/v1/meetings/?year=2012&page_size=500": 2,
    # the page, the documents' citations
    "/api/v1/documents/?page_size=500": 3,
    "/api/v1/states/?page_size=500": 2,
    # the state with its names, participations and the citations of both (JSON columns)
    "/api/v1/states/FRA/": 2,
    "/api/v1/organizations/?page_size=500": 2,
    "/api/v1/organizations/iom/": 2,
    "/api/v1/themes/": 2,
    "/api/v1/regions/": 2,
    "/api/v1/editions/": 2,
    # the edition, its entries, its snapshots
    "/api/v1/editions/harns-2013/": 4,
    "/api/v1/snapshots/": 2,
}


def grow(count):
    """Add ``count`` mechanisms, each with participants, meetings and documents."""
    iom = Organization.objects.get(slug="iom")
    for _ in range(count):
        first = not Mechanism.objects.filter(slug="grow-0").exists()
        mechanism = factories.mechanism(**({"slug": "grow-0"} if first else {}))
        for alpha3 in ("FRA", "DEU", "ITA"):
            factories.participation(mechanism, alpha3, "member")
        mechanism.participations.create(organization=iom, role="secretariat", as_written="IOM")
        for _ in range(2):
            meeting = factories.meeting(mechanism, start="2012-06")
            mechanism.documents.create(slug=f"doc-{meeting.slug}", title="Declaration", kind="declaration",
                                       meeting=meeting)
        mechanism.other_names.create(name=f"Alias {mechanism.pk}", kind="alias")
        edition = ReviewEdition.objects.get(slug="harns-2013")
        mechanism.discrepancies.create(subject="founded", recorded="2001", recorded_source=edition.source,
                                       recorded_locator="Annex B", conflicting="2000",
                                       conflicting_source=edition.source, conflicting_locator="section 3.1.2")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


@pytest.mark.parametrize("url, expected", ENDPOINTS.items())
def test_query_count_is_exact_and_does_not_grow_with_the_data(api, url, expected):
    grow(2)
    small = queries_for(api, url)
    grow(10)
    large = queries_for(api, url)
    assert (small, large) == (expected, expected)
