"""Every public endpoint makes the same number of queries at x1 and at x10 the 2013 dataset (synthetic data)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.dataset.synthetic import generate
from apps.mechanisms.models import Mechanism, MechanismName, Participation
from apps.meetings.models import Meeting

pytestmark = pytest.mark.django_db

PUBLIC_ENDPOINTS = [
    "/api/v1/mechanisms/?page_size=100",
    "/api/v1/mechanisms/?participant=FRA&active_in=2010&page_size=100",
    "/api/v1/mechanisms/syn1-000003/",
    "/api/v1/meetings/?year=2012&page_size=100",
    "/api/v1/documents/?page_size=100",
    "/api/v1/states/?page_size=100",
    "/api/v1/states/FRA/",
    "/api/v1/organizations/?page_size=100",
    "/api/v1/organizations/syn1-org-1/",
    "/api/v1/themes/",
    "/api/v1/regions/",
    "/api/v1/editions/",
    "/api/v1/editions/harns-2013/",
    "/api/v1/snapshots/",
    "/",
    "/mechanisms/",
    "/mechanisms/syn1-000003/",
    "/states/FRA/",
    "/meetings/?year=2012",
    # Downloads of what the pages show, on the pages and in the API.
    "/mechanisms/?participant=FRA&format=csv",
    "/meetings/?year=2012&format=json",
    "/states/FRA/?format=csv",
    "/mechanisms/syn1-000003/?format=csv",
    "/api/v1/mechanisms/?participant=FRA&format=csv",
    "/api/v1/meetings/?year=2012&format=csv",
    "/api/v1/mechanisms/syn1-000003/participants/?format=csv",
    "/api/v1/states/FRA/participations/?format=csv",
    # The full-text search, on its page, in the directory and in the API.
    "/search/?q=migration",
    "/mechanisms/?q=migration",
    "/api/v1/mechanisms/?q=migration&page_size=100",
    # The feeds.
    "/feeds/editions/",
    "/feeds/changes/",
    "/mechanisms/syn1-000003/feed/",
]


def query_counts(client):
    counts = {}
    for url in PUBLIC_ENDPOINTS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        counts[url] = len(captured)
    return counts


def test_query_counts_are_the_same_at_x1_and_x10(client, settings):
    settings.SERVER_CACHE_TIMEOUT = 0  # each answer built, not read back from the server-side cache
    generate(scale=1, seed=1)
    client.get("/")  # the first request of a process fills caches (content types)
    at_x1 = query_counts(client)
    generate(scale=9, seed=2)
    assert Mechanism.objects.filter(slug__startswith="syn").count() == 260
    at_x10 = query_counts(client)
    assert at_x10 == at_x1


def test_synthetic_data_is_deterministic_realistic_and_valid():
    first = generate(scale=0.5, seed=7)
    rows = list(Participation.objects.filter(mechanism__slug__startswith="syn7-")
                .order_by("mechanism__slug", "pk").values_list("mechanism__slug", "state_id", "role", "start"))
    assert first.mechanisms == 13 and first.participations == len(rows) > 200
    assert set(Participation.Role.values) <= {role for _, _, role, _ in rows}
    assert {len(start) for *_, start in rows} == {0, 4, 7, 10}  # unknown, year, month, day
    # Bounds are filled as save() fills them, and every record passes the models' own validation.
    for model in (Mechanism, Participation, Meeting, MechanismName):
        for record in model.objects.filter(**{"slug__startswith" if model is Mechanism else
                                              "mechanism__slug__startswith": "syn7-"})[:150]:
            record.full_clean()
    assert not Meeting.objects.filter(mechanism__slug__startswith="syn7-").exclude(start="").filter(
        start_earliest__isnull=True).exists()
    names = "".join(Mechanism.objects.filter(slug__startswith="syn7-").values_list("name", flat=True))
    assert any(ord(char) > 0x3000 for char in names) or any("\u0600" <= char <= "\u06ff" for char in names)


def test_the_same_seed_gives_the_same_records():
    def records():
        with transaction.atomic():
            generate(scale=0.2, seed=5)
            found = list(Participation.objects.filter(mechanism__slug__startswith="syn5-").order_by(
                "mechanism__slug", "role", "state_id", "organization__slug", "start").values_list(
                "mechanism__slug", "mechanism__name", "state_id", "organization__slug", "role", "start", "end"))
            transaction.set_rollback(True)
        return found

    assert records() == records() != []
