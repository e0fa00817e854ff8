"""A visitor in a real browser: filters the directory, opens the Bali Process, follows a member state to
its page and sees the charts drawn; the pages work on a phone, with the keyboard and without JavaScript.
Screenshots of the main pages are saved in test-artifacts/."""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under REQUIRE_BROWSER=1, saying why
    expect = None

AFRICAN_RCPS = {"midsa", "midwa", "comesa-rcp", "igad-rcp"}
MAIN_PAGES = {
    "home": "/",
    "directory": "/mechanisms/",
    "bali-process": "/mechanisms/bali-process/",
    "indonesia": "/states/IDN/",
    "meetings": "/meetings/",
}


def slugs_listed(page):
    return set(page.locator("ol.cards > li").evaluate_all("items => items.map(item => item.dataset.slug)"))


def drawn(shapes):
    """The boxes of the shapes the browser laid out with a visible size."""
    boxes = [shapes.nth(index).bounding_box() for index in range(shapes.count())]
    return [box for box in boxes if box and box["width"] > 0 and box["height"] > 0]


def test_a_visitor_filters_the_african_rcps_opens_the_bali_process_and_follows_a_member_state(visit, artifacts):
    page = visit("/mechanisms/")
    page.get_by_label("Kind", exact=True).select_option(label="RCP")
    page.get_by_label("Region", exact=True).select_option(label="Africa (intra-African)")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("heading", level=2, name="4 mechanisms match these filters")).to_be_visible()
    assert slugs_listed(page) == AFRICAN_RCPS
    assert "kind=rcp" in page.url and "region=africa" in page.url  # a shareable address
    # the timeline draws the three that have a founding date (COMESA's RCP was not yet launched)
    assert len(drawn(page.locator("svg.timeline g.bar rect"))) == 3
    expect(page.locator("svg.timeline")).to_have_attribute("role", "img")
    assert page.locator("table.matrix tbody tr").count() > 10
    page.screenshot(path=artifacts / "directory-african-rcps.png", full_page=True)

    page.get_by_role("link", name="Clear all filters").click()
    page.get_by_label("Search", exact=True).fill("Bali")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=2, name="1 mechanism matches these filters")).to_be_visible()
    page.locator("ol.cards").get_by_role("link", name=re.compile(r"^Bali Process")).click()

    expect(page).to_have_url(re.compile(r"/mechanisms/bali-process/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bali Process")
    expect(page.get_by_role("heading", level=3, name=re.compile(r"^Member \(\d+\)$"))).to_be_visible()
    meetings_drawn = drawn(page.locator("svg.per-year g.bar rect"))
    assert meetings_drawn and all(box["height"] > 1 for box in meetings_drawn)
    page.screenshot(path=artifacts / "bali-process.png", full_page=True)

    members = page.locator("section", has=page.get_by_role("heading", name="Participants", exact=True))
    members.locator("table.participants").first.get_by_role("link", name="Indonesia", exact=True).click()

    expect(page).to_have_url(re.compile(r"/states/IDN/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Indonesia")
    expect(page.get_by_role("link", name=re.compile(r"^Bali Process on People Smuggling")).first).to_be_visible()
    expect(page.locator("table.neighbours tbody tr").first).to_be_visible()
    page.screenshot(path=artifacts / "indonesia.png", full_page=True)


def test_the_main_pages_fit_a_phone_work_by_keyboard_and_read_without_javascript(visit, artifacts):
    for name, path in MAIN_PAGES.items():
        page = visit(path)
        page.screenshot(path=artifacts / f"{name}-desktop.png", full_page=True)
        page = visit(path, width=390, height=844)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
        page.screenshot(path=artifacts / f"{name}-phone.png")

    page = visit("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to the content")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    charts = drawn(page.locator("svg.timeline g.bar rect"))
    assert len(charts) >= 20  # the mechanisms of the 2013 review with a founding date

    page = visit("/mechanisms/", javascript=False)
    page.get_by_label("Kind", exact=True).select_option("rcp")
    page.get_by_label("Region", exact=True).select_option("africa")
    page.get_by_role("button", name="Apply filters").click()
    assert slugs_listed(page) == AFRICAN_RCPS
