"""A lost database connection: a safe request is retried once on a new connection; a database that stays
unreachable gives 503 with Retry-After (JSON on the API), never a 500. Real PostgreSQL backends are
terminated with pg_terminate_backend, from a second connection."""

import contextlib

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="pg_terminate_backend: PostgreSQL only")


@pytest.fixture
def live_connections(django_db_setup, django_db_blocker):
    """The test database, used as a running site uses it: autocommit, no test transaction around requests
    (these tests only read, so there is nothing to roll back)."""
    with django_db_blocker.unblock():
        yield
        connection.close()


@contextlib.contextmanager
def control():
    """A second connection, to the 'postgres' database, that outlives what it does to the test database."""
    params = connection.settings_dict
    with psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
                         password=params["PASSWORD"] or None, dbname="postgres", autocommit=True) as other:
        yield other


def terminate_test_database_connections(other):
    name = connection.settings_dict["NAME"]
    terminated = other.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                               "AND pid <> pg_backend_pid()", [name]).fetchall()
    assert terminated, "the test's own connection was open"


def test_a_get_whose_connection_was_terminated_is_answered_on_a_new_connection(live_connections):
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/themes/").status_code == 200  # the connection is open and kept
    with control() as other:
        terminate_test_database_connections(other)
    response = client.get("/api/v1/regions/")
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)  # (the data may be gone: a transactional test ran)


def test_a_database_that_stays_unreachable_gives_503_with_retry_after(live_connections):
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/themes/").status_code == 200
    name = connection.settings_dict["NAME"]
    with control() as other:
        other.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            terminate_test_database_connections(other)
            api = client.get("/api/v1/mechanisms/?q=bali")
            page = client.get("/mechanisms/")
        finally:
            other.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert (api.status_code, api["Retry-After"], api["Content-Type"]) == (503, "30", "application/json")
    assert "briefly unavailable" in api.json()["detail"]
    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "briefly unavailable" in page.content.decode()
    assert client.get("/api/v1/themes/").status_code == 200  # and it recovers by itself


def test_connections_are_checked_before_they_are_reused(db):
    # (Asking for ``db`` also has pytest-django set up the test database when this module runs alone.)
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60


@pytest.fixture
def pings(monkeypatch):
    """Counts the pings of the kept connection (Django's health check), as a new request starts."""
    calls, wrapper = [], connections["default"]
    original = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda: calls.append(1) or original())
    return calls


def test_a_safe_request_does_not_ping_its_connection_first_others_do(db, pings):
    client = Client()
    connection.health_check_done = False  # as at the start of every request
    assert client.get("/api/v1/themes/").status_code == 200
    assert pings == []  # a lost connection is retried instead (above)
    connection.health_check_done = False
    client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert pings == [1]
