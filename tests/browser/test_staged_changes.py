"""In a real browser: a curator proposes a change, an editor reviews its differences and approves it, and a
visitor sees the result (and did not see it before)."""


from apps.mechanisms.models import Mechanism

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture then skips, or fails under REQUIRE_BROWSER=1, saying why
    expect = None


def test_a_curator_proposes_an_editor_approves_and_the_visitor_sees_it(sign_in, visit, site, artifacts):
    mechanism = Mechanism.objects.get(slug="midwa")
    old_name = mechanism.name
    new_name = "Migration Dialogue for West Africa (reviewed)"

    curator = sign_in("cora", "curator")
    curator.goto(f"{site}/admin/mechanisms/mechanism/{mechanism.pk}/change/")
    curator.locator("#id_name").fill(new_name)
    curator.locator("#id_change_reason").fill("Name as printed in the 2015 report")
    curator.locator("input[name=_save]").first.click()
    expect(curator.locator("ul.messagelist li.info")).to_contain_text("proposed for review")
    expect(curator.locator("#proposal")).to_contain_text(new_name)

    visitor = visit(f"/mechanisms/{mechanism.slug}/")
    expect(visitor.locator("h1")).to_contain_text(old_name)

    editor = sign_in("edna", "curator", "editor")
    editor.goto(site + "/admin/")
    editor.locator("#pending-review").click()
    editor.locator("#result_list tbody tr th a").first.click()
    diff = editor.locator("table.proposal-diff")
    expect(diff).to_contain_text(old_name)
    expect(diff).to_contain_text(new_name)
    expect(editor.locator("#proposal")).to_contain_text("Name as printed in the 2015 report")
    editor.screenshot(path=str(artifacts / "review-a-proposal.png"), full_page=True)
    editor.locator("#approve-comment").fill("Checked against the report")
    editor.get_by_role("button", name="Approve and apply").click()
    expect(editor.locator("ul.messagelist li.success")).to_contain_text("Approved and applied")

    visitor.reload()
    expect(visitor.locator("h1")).to_contain_text(new_name)


def test_a_curator_goes_on_editing_their_proposal_and_an_editor_saves_and_approves(sign_in, visit, site, artifacts):
    mechanism = Mechanism.objects.get(slug="tripoli-process")
    old_acronym = mechanism.acronym
    url = f"{site}/admin/mechanisms/mechanism/{mechanism.pk}/change/"

    curator = sign_in("cora", "curator")
    curator.goto(url)
    expect(curator.locator("input[name=_saveandapprove]")).to_have_count(0)
    curator.locator("#id_acronym").fill("BP-1")
    curator.locator("input[name=_save]").first.click()
    expect(curator.locator("ul.messagelist li.info")).to_contain_text("proposed for review")
    proposal_url = curator.url

    curator.goto(url)  # the form shows the proposal, not the approved values
    expect(curator.locator("ul.messagelist")).to_contain_text("You are editing your proposal")
    expect(curator.locator("#id_acronym")).to_have_value("BP-1")
    curator.locator("#id_acronym").fill("BP-2")
    curator.locator("#id_change_reason").fill("Acronym as the 2026 report prints it")
    curator.locator("input[name=_save]").first.click()
    expect(curator.locator("ul.messagelist li.info")).to_contain_text("is updated; it still awaits review")
    assert curator.url == proposal_url  # the same change set
    expect(curator.locator("table.proposal-diff")).to_contain_text("BP-2")
    expect(curator.locator("table.proposal-diff")).not_to_contain_text("BP-1")
    curator.screenshot(path=str(artifacts / "proposal-edited-in-place.png"), full_page=True)

    editor = sign_in("edna", "curator", "editor")
    editor.goto(url)
    expect(editor.locator("ul.messagelist li.warning")).to_contain_text("by cora")
    expect(editor.locator("#id_acronym")).to_have_value(old_acronym)  # others' proposals are named, not shown
    editor.locator("#id_status_note").fill("Active; checked by the editor.")
    editor.locator("input[name=_saveandapprove]").first.click()
    expect(editor.locator(".errorlist")).to_contain_text("Say why you approve your own change")
    editor.locator("#id_change_reason").fill("Status confirmed by the secretariat's page")
    editor.locator("input[name=_saveandapprove]").first.click()
    expect(editor.locator("ul.messagelist li.success")).to_be_visible()

    visitor = visit(f"/mechanisms/{mechanism.slug}/")
    expect(visitor.locator("main")).to_contain_text("checked by the editor")
    expect(visitor.locator("main")).not_to_contain_text("BP-2")
