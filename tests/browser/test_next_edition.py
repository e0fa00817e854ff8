"""In a real browser: an editor starts the next edition from the 2013 one, leaves a mechanism out with a
reason, publishes it, and the report states the reason."""

import re

from apps.reviews.models import ReviewEdition, ReviewEntry

from .test_curator_journey import save_and_approve
from .test_staged_changes import expect


def test_an_editor_starts_the_next_edition_leaves_one_out_and_publishes(sign_in, site, artifacts):
    harns = ReviewEdition.objects.get(slug="harns-2013")
    editor = sign_in("edna", "curator", "editor")
    editor.goto(f"{site}/admin/reviews/reviewedition/{harns.pk}/change/")
    editor.get_by_role("link", name="Start the next edition from this one").click()
    editor.get_by_label("Slug").fill("iom-2026")
    editor.get_by_label("Year").fill("2026")
    editor.get_by_label("Title").fill("The 2026 review")
    editor.get_by_role("button", name="Start the edition").click()
    expect(editor.locator("ul.messagelist li.success")).to_contain_text("with 25 entries to revise")
    edition = ReviewEdition.objects.get(slug="iom-2026")
    assert edition.entries.filter(status=ReviewEntry.Status.DRAFT).count() == 25

    # The MIDWA entry goes; publishing then names the MIDWA until the editor leaves it out with a reason.
    entry = edition.entries.get(mechanism__slug="midwa")
    editor.goto(f"{site}/admin/reviews/reviewentry/{entry.pk}/delete/")
    editor.get_by_role("button", name=re.compile("Yes, I.m sure")).click()
    editor.goto(f"{site}/admin/reviews/reviewentry/?edition__id__exact={edition.pk}")
    editor.locator("#action-toggle").check()
    editor.locator("select[name=action]").select_option("approve")
    editor.locator("button[name=index]").click()
    expect(editor.locator("ul.messagelist")).to_contain_text("24 entries marked approved")

    editor.goto(f"{site}/admin/reviews/reviewedition/")
    for action in ("submit_for_review", "publish"):
        editor.locator(f"#result_list input[value='{edition.pk}']").check()
        editor.locator("select[name=action]").select_option(action)
        editor.locator("button[name=index]").click()
    expect(editor.locator("ul.messagelist li.error")).to_contain_text(
        "Mechanism 'midwa' has no entry in this edition: add one, or leave it out with a reason.")

    editor.goto(f"{site}/admin/reviews/reviewedition/{edition.pk}/change/")
    group = editor.locator("#left_out-group")
    group.locator(".add-row a").click()
    group.locator(".select2-selection").first.click()
    editor.locator(".select2-search__field").fill("MIDWA")
    editor.locator(".select2-results__option", has_text="Migration Dialogue for West Africa").first.click()
    group.locator("textarea[name='left_out-0-reason']").fill("No public source on the MIDWA since 2013.")
    save_and_approve(editor, "Leave the MIDWA out")  # a plain save would propose it for another editor's review
    expect(editor.locator("ul.messagelist li.success")).to_be_visible()
    expect(group.locator("textarea[name='left_out-0-reason']")).to_have_value(
        "No public source on the MIDWA since 2013.")

    editor.goto(f"{site}/admin/reviews/reviewedition/")
    editor.locator(f"#result_list input[value='{edition.pk}']").check()
    editor.locator("select[name=action]").select_option("publish")
    editor.locator("button[name=index]").click()
    expect(editor.locator("ul.messagelist li.success")).to_contain_text("published; snapshot")
    editor.screenshot(path=str(artifacts / "next-edition-published.png"), full_page=True)

    edition.refresh_from_db()
    report = editor.context.request.get(f"{site}/api/v1/snapshots/{edition.published_snapshot.slug}/download/report/")
    assert report.ok, report.status
    text = report.text()
    assert "left out of this edition. No public source on the MIDWA since 2013." in text
