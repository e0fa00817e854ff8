"""Throttling that holds across processes, for the API and the pages, and the directory pages kept built."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**rates):
        monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None, "pages": None, **rates})
        cache.clear()

    return set_rates


CLIENT_PROCESS = textwrap.dedent("""
    import django, sys
    django.setup()
    from django.test import Client
    client = Client(REMOTE_ADDR="192.0.2.77")
    print(" ".join(str(client.get(sys.argv[1]).status_code) for _ in range(int(sys.argv[2]))))
""")


def run_process(url, count):
    """A separate Python process serving ``count`` requests, as a second worker would."""
    settings = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SECURE_SSL_REDIRECT": "0",
           "ALLOWED_HOSTS": "testserver", "API_THROTTLE_RATE": "4/minute", "PAGE_THROTTLE_RATE": "4/minute",
           "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/"
                           f"{settings['NAME']}"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", CLIENT_PROCESS, url, str(count)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return [int(status) for status in done.stdout.split()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite test database lives in one process")
@pytest.mark.parametrize("url", ["/api/v1/themes/", "/mechanisms/"])
def test_two_processes_share_one_throttle(url, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        caches["throttle"].clear()
        try:
            first = run_process(url, 3)
            second = run_process(url, 3)
        finally:
            caches["throttle"].clear()
            connection.close()
    assert first == [200, 200, 200]
    assert second == [200, 429, 429]  # 4 a minute in all, not 4 per process


@pytest.mark.django_db
def test_without_redis_the_counters_are_kept_in_the_database(api, rates):
    rates(anon="5/minute")
    api.get("/api/v1/themes/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM curation_shared_cache")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_anonymous_page_views_are_throttled_cache_hits_and_304s_included(api, rates):
    rates(pages="3/minute")
    first = api.get("/mechanisms/")
    second = api.get("/mechanisms/")  # from the server-side cache
    third = api.get("/mechanisms/", HTTP_IF_NONE_MATCH=first["ETag"])
    refused = api.get("/states/FRA/")
    assert [first.status_code, second.status_code, third.status_code, refused.status_code] == [200, 200, 304, 429]
    assert int(refused["Retry-After"]) > 0 and "Too many requests" in refused.content.decode()


@pytest.mark.django_db
def test_the_directory_pages_are_kept_built_under_the_data_version(api, rates):
    rates()
    for url in ("/mechanisms/", "/meetings/"):
        assert api.get(url)["X-Cache"] == "miss"
        with CaptureQueriesContext(connection) as captured:
            again = api.get(url)
        assert again["X-Cache"] == "hit" and len(captured) == 1  # the data version, nothing else
    factories.mechanism(name="Brand New Process")  # a write moves the version on: built afresh
    fresh = api.get("/mechanisms/")
    assert fresh["X-Cache"] == "miss" and "Brand New Process" in fresh.content.decode()


@pytest.mark.django_db
def test_a_counted_request_reads_its_counter_once_and_writes_it_in_one_statement(api, rates):
    rates(anon="100/minute")
    api.get("/api/v1/themes/")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/themes/").status_code == 200
    counter_statements = [query["sql"] for query in captured if "curation_shared_cache" in query["sql"]]
    assert len(counter_statements) == 2, counter_statements  # its read, its write


@pytest.mark.django_db
def test_many_clients_at_once_each_keep_their_count(rates):
    rates(anon="1/minute")
    clients = [Client(REMOTE_ADDR=f"198.51.{n // 256}.{n % 256}") for n in range(400)]
    assert {client.get("/api/v1/regions/").status_code for client in clients} == {200}
    # More counters than Django's database cache keeps live (300): none was dropped to make room.
    assert [client.get("/api/v1/regions/").status_code for client in clients[:50]] == [429] * 50


@pytest.mark.django_db
def test_counters_past_their_time_are_deleted_now_and_then_live_ones_kept(api, rates, monkeypatch):
    rates(anon="5/minute")
    throttle_cache = caches["throttle"]
    monkeypatch.setattr(type(throttle_cache), "CLEAN_EVERY", 3)
    throttle_cache.set("long-gone-client", [1.0], timeout=-10)  # expired as it is written
    for _ in range(4):
        api.get("/api/v1/themes/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM curation_shared_cache")
        keys = [key for key, in cursor.fetchall()]
    assert not any("long-gone-client" in key for key in keys) and len(keys) == 1
    assert [api.get("/api/v1/themes/").status_code for _ in range(2)] == [200, 429]  # the live count held


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="UNLOGGED is PostgreSQL's")
def test_on_postgresql_a_counter_write_waits_for_no_disk():
    # Written on every counted request; worth nothing after a crash: not in the write-ahead log.
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'curation_shared_cache'")
        assert cursor.fetchone() == ("u",)
