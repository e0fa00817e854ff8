"""A researcher searches the review's text in a real browser: opens the search page from the navigation,
types a phrase of the Prague Process's objectives, sees the hits grouped by kind with the passage
highlighted, and follows the first one to the mechanism's page. A screenshot is saved in test-artifacts/."""

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under REQUIRE_BROWSER=1, saying why
    expect = None


def test_a_researcher_searches_the_text_and_opens_the_best_hit(visit, site, artifacts):
    page = visit("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    assert page.url == site + "/search/"
    page.get_by_label("Words to search for").fill('"closer cooperation on migration management"')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=3, name="Mechanisms")).to_be_visible()
    first = page.locator("#results-mechanism ~ ol.search-hits li").first
    expect(first.locator("mark").first).to_be_visible()
    page.screenshot(path=str(artifacts / "search.png"), full_page=True)
    first.get_by_role("link").click()
    assert page.url == site + "/mechanisms/prague-process/"

    page.goto(site + "/search/?q=" + "x" * 201)
    expect(page.get_by_role("alert")).to_contain_text("200")
