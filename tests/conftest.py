"""Test set-up: a real database (SQLite by default, PostgreSQL when DATABASE_URL is set), holding the
curated dataset of fixtures/ loaded once per session through the real importer."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connections
from django.test import Client
from django.utils import translation
from rest_framework.throttling import AnonRateThrottle

from apps.dataset.importer import import_dataset, read_folder
from apps.reviews.models import ReviewEdition
from tests import factories

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
    """What a new site starts with: the dataset of fixtures/, its 2013 edition published by the import
    through the editorial workflow, which freezes its snapshot."""
    import_dataset(read_folder(FIXTURES), user=site_editor(), reason="Test session set-up")


def site_editor():
    """The editor a new site's first import acts as (like `make run`'s local account)."""
    user, _created = User.objects.get_or_create(username="site-editor", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="editor"))
    return User.objects.get(pk=user.pk)  # fresh, without a stale permission cache


@pytest.fixture(autouse=True)
def protected_rows_removed_after_transactional_tests(request):
    """A transactional test's database is emptied when it ends; snapshots and their register refuse
    that, so they are removed by force first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = ({"transactional_db", "live_server"} & set(request.fixturenames)
                     or (marker is not None and marker.kwargs.get("transaction")))
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    ReviewEdition.objects.update(published_snapshot=None)
    factories.remove_by_force("reviews_snapshot", "reviews_issuedsnapshot")


@pytest.fixture(autouse=True)
def default_language():
    """A request to /fr/ or /es/ leaves its language active in the thread (the test client answers in it), and
    the next test's validation messages would come out in French or Spanish."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    """Tests make many requests from one address; the throttling tests set their own rates."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None, "pages": None})


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
