"""In a real browser: from a mechanism's page, a curator cites a web page for several participants at once and
the review for one more row, by the sources' autocomplete; the citations wait as a proposal; an editor
approves it; the public page then names the web page beside those participants."""

from apps.curation.models import Citation, Source
from apps.mechanisms.models import Mechanism

from .test_staged_changes import expect

MEMBERS_PAGE = "https://www.iom.int/almaty-process/participating-states"


def test_a_curator_cites_a_web_page_for_several_participants_and_an_editor_approves(sign_in, visit, site,
                                                                                    artifacts):
    mechanism = Mechanism.objects.get(slug="almaty-process")
    rows = list(mechanism.participations.order_by("pk")[:4])
    other = mechanism.participations.order_by("pk")[5]

    curator = sign_in("cora", "curator")
    curator.goto(f"{site}/admin/mechanisms/mechanism/{mechanism.pk}/change/")
    table = curator.locator("#participations-group")
    expect(table.locator("td.citations").first).to_contain_text("harns-2013")  # each row shows its citations
    for row in rows:
        table.locator(f'input[name="participations-cite-rows"][value="{row.pk}"]').check()
    ticked = curator.locator("#participations-cite-ticked")
    ticked.locator("summary").click()
    ticked.locator("#id_participations-cite-new_web_page").fill(MEMBERS_PAGE)
    ticked.locator("#id_participations-cite-locator").fill("#participating-states")
    ticked.locator('input[name="participations-cite-covers"][value="role"]').check()

    # One more row, cited to the review in its own row: the source is found by typing in the autocomplete.
    row_cell = curator.locator(f'tr:has(input[name="participations-cite-rows"][value="{other.pk}"]) td.citations')
    row_cell.locator("summary").click()
    row_cell.locator(".select2-selection").click()
    curator.locator(".select2-search__field").fill("Regional Inter-State")
    curator.locator(".select2-results__option", has_text="Regional Inter-State").first.click()
    row_cell.locator('input[name$="-cite-locator"]').fill("section 3.4.1")
    row_cell.locator('input[name$="-cite-covers"][value="start"]').check()
    curator.screenshot(path=str(artifacts / "cite-participants-from-the-mechanism-page.png"), full_page=False)
    curator.locator("#id_change_reason").fill("Participating states as the process lists them")
    curator.locator("input[name=_save]").first.click()

    expect(curator.locator("ul.messagelist li.info")).to_contain_text("proposed for review")
    expect(curator.locator("#proposal")).to_contain_text("#participating-states")
    expect(curator.locator("#proposal")).to_contain_text("section 3.4.1")
    assert not Source.objects.filter(url=MEMBERS_PAGE).exists()  # nothing is live before an editor approves
    visitor = visit(f"/mechanisms/{mechanism.slug}/")
    expect(visitor.locator(f'a[href="{MEMBERS_PAGE}"]')).to_have_count(0)

    editor = sign_in("edna", "curator", "editor")
    editor.goto(site + "/admin/")
    editor.locator("#pending-review").click()
    editor.locator("#result_list tbody tr th a").first.click()
    expect(editor.locator("table.proposal-diff").first).to_contain_text("#participating-states")
    editor.locator("#approve-comment").fill("Checked against the page")
    editor.get_by_role("button", name="Approve and apply").click()
    expect(editor.locator("ul.messagelist li.success")).to_contain_text("Approved and applied")

    source = Source.objects.get(url=MEMBERS_PAGE)
    assert sorted(Citation.objects.current().filter(source=source).values_list("object_id", flat=True)) == \
        [row.pk for row in rows]
    assert Citation.objects.current().filter(object_id=other.pk, content_type__model="participation",
                                             locator="section 3.4.1", covers="start").exists()
    visitor.reload()
    expect(visitor.locator(f'a[href="{MEMBERS_PAGE}"]')).to_have_count(len(rows))
