"""A curator's day in a real browser, through the admin only: a new mechanism with its meeting and declaration,
a bulk add from pasted names, a role transition for several members, a rename that keeps the old name
findable, two people editing one mechanism (different fields, then the same field), a revert and the restore
of a deleted row. Then what the public and the history show. The two people are editors, who save and approve
their own changes with a reason; a plain save is a proposal (tests/browser/test_staged_changes.py)."""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under REQUIRE_BROWSER=1, saying why
    expect = None


def save_and_approve(page, reason="Checked against the 2013 report"):
    page.locator("#id_change_reason").fill(reason)
    page.locator("input[name=_saveandapprove]").first.click()


def saved(page):
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()


def test_a_curators_day_in_the_admin(sign_in, site, artifacts):
    ana = sign_in("ana", "curator", "editor")

    # A new mechanism: the slug fills itself in from the name.
    ana.goto(site + "/admin/mechanisms/mechanism/add/")
    ana.locator("#id_name").press_sequentially("Test Regional Process")  # typed, as a curator does
    expect(ana.locator("#id_slug")).to_have_value("test-regional-process")
    ana.locator("#id_acronym").fill("TRP")
    ana.locator("#id_region").select_option(index=1)
    ana.locator("#id_kind").select_option("rcp")
    ana.locator("#id_governance").select_option("stand-alone")
    ana.locator("#id_founded").fill("2010")
    # Its first meeting, on the same page.
    ana.locator("#meetings-group .add-row a").click()
    ana.locator("#id_meetings-0-title").fill("First ministerial conference")
    ana.locator("#id_meetings-0-slug").fill("trp-2011-first-ministerial")
    ana.locator("#id_meetings-0-start").fill("2011-05-10")
    save_and_approve(ana)
    saved(ana)
    mechanism_url = ana.url

    # Its declaration, added on the meeting's page (this used to fail with a 500).
    ana.locator("#meetings-group a.inlinechangelink").first.click()
    ana.locator("#documents-group .add-row a").click()
    ana.locator("#id_documents-0-title").fill("Declaration of the first conference")
    ana.locator("#id_documents-0-slug").fill("trp-2011-declaration")
    ana.locator("#id_documents-0-kind").select_option("declaration")
    save_and_approve(ana)
    saved(ana)

    # A bulk add from pasted names, in the review's spellings.
    ana.goto(mechanism_url)
    ana.get_by_role("link", name="Add participants in bulk").click()
    ana.locator("#id_names").fill("Afghanistan\nAzerbaijan\nSwaziland\nIran (Islamic Republic of)\nAtlantis")
    ana.locator("#id_role").select_option("expected-member")
    ana.locator("#id_start").fill("2011")
    ana.get_by_role("button", name="Preview").click()
    expect(ana.locator("table.bulk-preview")).to_contain_text("Eswatini")
    expect(ana.get_by_text("Not matched: Atlantis")).to_be_visible()
    ana.locator("#id_names").fill("Afghanistan\nAzerbaijan\nSwaziland\nIran (Islamic Republic of)")
    ana.get_by_role("button", name="Preview").click()
    ana.get_by_role("button", name="Add these 4 participants").click()
    saved(ana)
    expect(ana.locator("#participations-group tr.role-group")).to_have_text(["Expected member"])

    # A role transition for several members: expected member → member from 2013-06-05.
    ana.get_by_role("link", name="Change roles from a date").click()
    for name in ("Afghanistan", "Azerbaijan"):
        ana.locator("#result_list tr", has_text=name).locator("input.action-select").check()
    ana.locator("select[name=action]").select_option("turn_into_another_role")
    ana.locator("button[name=index]").click()
    ana.locator("#id_role").select_option("member")
    ana.locator("#id_on").fill("2013-06-05")
    ana.get_by_role("button", name="Change the roles").click()
    expect(ana.locator("ul.messagelist")).to_contain_text("2 participation(s) became member from 2013-06-05")

    # A rename that keeps the old name findable.
    ana.goto(mechanism_url)
    ana.locator("#id_name").fill("Renamed Regional Process")
    ana.locator("#other_names-group .add-row a").click()
    ana.locator("#id_other_names-0-name").fill("Test Regional Process")
    ana.locator("#id_other_names-0-kind").select_option("former")
    save_and_approve(ana)
    saved(ana)
    ana.locator("#find-anything").fill("test regional")
    ana.locator("#find-anything").press("Enter")
    expect(ana.locator("ul.found").get_by_role("link", name="Renamed Regional Process (TRP)")).to_be_visible()

    # Two people on one mechanism: different fields are both kept…
    ben = sign_in("ben", "curator", "editor")
    ana.goto(mechanism_url)
    ben.goto(mechanism_url)
    ben.locator("#id_status_note").fill("Meets yearly.")
    save_and_approve(ben)
    saved(ben)
    ana.locator("#id_acronym").fill("RRP")
    save_and_approve(ana)
    expect(ana.locator("ul.messagelist")).to_contain_text("Someone else changed status note")
    expect(ana.locator("#id_status_note")).to_have_value("Meets yearly.")
    expect(ana.locator("#id_acronym")).to_have_value("RRP")
    # …and the same field is named, with both values, in words.
    ana.goto(mechanism_url)
    ben.goto(mechanism_url)
    ben.locator("#id_status").select_option("inactive")
    save_and_approve(ben)
    saved(ben)
    ana.locator("#id_status").select_option("dissolved")
    save_and_approve(ana)
    expect(ana.locator(".errornote, ul.errorlist").first).to_be_visible()
    expect(ana.locator("ul.errorlist.nonfield")).to_contain_text("Status: yours is 'Dissolved', theirs is 'Inactive'.")
    assert "version" not in ana.locator("ul.errorlist.nonfield").inner_text().lower()
    save_and_approve(ana)  # saving again, knowingly
    saved(ana)
    expect(ana.locator("#id_status")).to_have_value("dissolved")
    ana.screenshot(path=artifacts / "admin-mechanism-page.png", full_page=True)

    # A deleted row, restored from the history; and a revert.
    ana.locator("#participations-group tr", has=ana.locator("option:checked", has_text="Eswatini")).locator(
        "td.delete input").check()
    save_and_approve(ana)
    saved(ana)
    ana.get_by_role("link", name="History").first.click()
    timeline = ana.locator("table.timeline")
    expect(timeline).to_contain_text("Eswatini — Expected member")
    expect(timeline).to_contain_text("Status: Inactive → Dissolved")
    ana.locator("table.timeline tr.deleted", has_text="Eswatini").get_by_role("button", name="Restore").click()
    expect(ana.locator("ul.messagelist")).to_contain_text("Restored the participation")
    revert = ana.locator("table.timeline tr", has_text="Status: Active → Inactive").get_by_role(
        "link", name="Revert to this version")
    revert.click()
    ana.locator("input[name=_save]").first.click()
    expect(ana.locator("ul.messagelist")).to_be_visible()
    ana.goto(mechanism_url.replace("/change/", "/history/"))
    expect(ana.locator("table.timeline tr").nth(1)).to_contain_text("Reverted to the version of")
    ana.screenshot(path=artifacts / "admin-mechanism-history.png", full_page=True)

    # What the public sees.
    public = ana.context.browser.new_page()
    public.goto(site + "/mechanisms/test-regional-process/")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Renamed Regional Process")
    members = public.get_by_role("heading", level=3, name=re.compile(r"^Member \(2\)$"))
    expect(members).to_be_visible()
    expect(public.locator("main")).to_contain_text("Eswatini")
    expect(public.locator("main")).to_contain_text("Declaration of the first conference")
    public.close()

    # A mechanism the size of the Prague Process: one line per participant, grouped by role, no wider than the
    # screen, and its meetings a click away from the top.
    ana.goto(site + "/admin/mechanisms/mechanism/?q=prague-process")
    ana.locator("#result_list").get_by_role("link", name=re.compile("^Prague Process")).click()
    expect(ana.get_by_role("heading", level=2, name=re.compile("^Prague Process"))).to_be_visible()
    heights = ana.locator("#participations-group tr.form-row.has_original").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().height)")
    assert len(heights) >= 45 and max(heights) < 45, heights
    assert ana.locator("#participations-group tr.role-group").count() >= 2
    ana.screenshot(path=artifacts / "admin-prague-process.png", full_page=True)
    assert ana.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    ana.get_by_role("link", name=re.compile(r"^Meetings \(\d+\)$")).click()
    expect(ana.locator("#meetings-heading")).to_be_in_viewport()
