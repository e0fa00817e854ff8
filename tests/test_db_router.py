"""The database router: public reads go to the replica, curator reads and every write to the primary.

The ``replica`` alias here is a test mirror of ``default`` (tests/conftest.py): the same database through
a second connection, which sees what is committed, such as the dataset loaded for the session.
"""

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from apps.curation.db_router import PrimaryReplicaRouter, public_reads
from apps.mechanisms.models import Mechanism

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture
def with_replica(settings):
    settings.PUBLIC_READ_DATABASE = "replica"


def queries_on_each(action):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        result = action()
    return result, len(primary), len(replica)


def test_the_router_sends_public_reads_to_the_replica_and_everything_else_to_the_primary(with_replica):
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Mechanism) == "default"
    with public_reads():
        assert router.db_for_read(Mechanism) == "replica"
        assert router.db_for_write(Mechanism) == "default"
    assert router.allow_migrate("default", "mechanisms") and not router.allow_migrate("replica", "mechanisms")


def test_without_a_replica_public_reads_stay_on_the_primary():
    with public_reads():
        assert PrimaryReplicaRouter().db_for_read(Mechanism) == "default"


def test_an_anonymous_api_request_reads_only_the_replica(with_replica, client):
    cache.clear()  # answers kept built by earlier tests would read nothing but the data version
    for url in ("/api/v1/mechanisms/bali-process/", "/api/v1/states/FRA/", "/mechanisms/"):
        response, on_primary, on_replica = queries_on_each(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert (on_primary, on_replica > 1) == (0, True), url


@pytest.mark.django_db(databases=["default"])  # any query on the replica would fail the test
def test_curators_read_and_write_the_primary(with_replica, curator_client):
    mechanism = Mechanism.objects.get(slug="bali-process")
    for url in (f"/admin/mechanisms/mechanism/{mechanism.pk}/change/", "/api/v1/mechanisms/bali-process/"):
        with CaptureQueriesContext(connections["default"]) as primary:
            response = curator_client.get(url)
        assert response.status_code == 200 and len(primary) > 0, url
    mechanism.website = "https://example.org/"
    mechanism.save()
