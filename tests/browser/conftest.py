"""Browser tests: Playwright driving Debian's Chromium against the live server.

They need ``live_server``, hence ``transactional_db``, which empties every table when each test ends.
So they run after every other test (the hook below), and each loads the dataset itself when the
database is empty. Without a browser they are skipped, unless REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from apps.dataset.importer import import_dataset, read_folder
from apps.mechanisms.models import Mechanism
from tests.conftest import site_editor

BROWSER_TESTS = Path(__file__).resolve().parent
FIXTURES = BROWSER_TESTS.parent.parent / "fixtures"
ARTIFACTS = BROWSER_TESTS.parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a long staff pass phrase"  # every account the browser tests sign in with
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.hookimpl(trylast=True)  # after pytest-django's own reordering
def pytest_collection_modifyitems(config, items):
    """Move the browser tests to the very end: they empty the database when they finish."""
    items.sort(key=lambda item: Path(str(item.path)).is_relative_to(BROWSER_TESTS))


def _missing_browser():
    try:
        import playwright.sync_api  # noqa: F401, PLC0415  (optional: a missing Playwright skips or fails the browser tests)
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}", pytrace=False)
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (optional, see _missing_browser)

    # Playwright's synchronous API keeps an event loop in this thread; Django's database calls made here
    # (loading the dataset, emptying the tables after each test) must be allowed beside it.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            yield chromium
            chromium.close()


@pytest.fixture
def site(browser, live_server):
    """The live site's address, with the dataset loaded (again, after an earlier browser test emptied it)."""
    if not Mechanism.objects.exists():
        import_dataset(read_folder(FIXTURES), user=site_editor(), reason="Browser test set-up")
    return live_server.url


@pytest.fixture
def visit(browser, site):
    """Open a page of the live site; every request it makes is recorded, and must stay on the site."""
    contexts, requests = [], []

    def open_page(path="/", *, width=1280, height=900, javascript=True):
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site + path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    elsewhere = [url for url in requests if not url.startswith(site)]
    assert not elsewhere, f"pages loaded from outside the site: {elsewhere}"


@pytest.fixture
def sign_in(browser, site, django_user_model):
    """Sign a new staff member with ``roles`` in to the admin, each in a browser context of their own:
    ``sign_in("cora", "curator")``."""
    from playwright.sync_api import expect  # noqa: PLC0415  (optional, see _missing_browser)

    contexts = []

    def open_as(username, *roles):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, is_staff=True)
        user.groups.set(Group.objects.filter(name__in=roles))
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.goto(site + "/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
