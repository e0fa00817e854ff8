"""Test set-up: a real database (SQLite by default, PostgreSQL when DATABASE_URL is set), holding the
curated dataset of fixtures/ loaded once per session through the real importer."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from apps.dataset.importer import import_dataset, read_folder
from apps.dataset.snapshots import create_snapshot
from apps.reviews.models import ReviewEdition

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """A second alias, ``replica``: a test mirror of ``default``, for the database router's tests."""
    if "replica" not in settings.DATABASES:
        default = connections["default"].settings_dict
        settings.DATABASES["replica"] = {**default, "TEST": {**default["TEST"], "MIRROR": "default"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_site_data()


def load_site_data():
    """What a new site starts with: the dataset of fixtures/ and the snapshot of the 2013 edition."""
    import_dataset(read_folder(FIXTURES), reason="Test session set-up")
    edition = ReviewEdition.objects.get(slug="harns-2013")
    create_snapshot(edition=edition, title="2013 review, as published")


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    """Tests make many requests from one address; the throttling tests set their own rate."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})


@pytest.fixture
def api(db):
    """An anonymous client of the public API."""
    return Client()


@pytest.fixture
def curator(db, django_user_model):
    return django_user_model.objects.create_user(
        username="test-curator", password="not-used", is_staff=True, is_superuser=True
    )


@pytest.fixture
def curator_client(curator):
    client = Client()
    client.force_login(curator)
    return client
