"""Editions built on the previous one: starting one carries every entry forward; publishing waits for an
entry or a reason for each mechanism, and for the proposals made by the cut-off; the report's annexes
cover the mechanisms the snapshot holds; the classification knows global processes."""

import datetime

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from apps.curation import proposals
from apps.curation.models import ChangeSet, Source
from apps.dataset import publishing, report, snapshots
from apps.dataset.exports import as_report
from apps.mechanisms import charts, selectors
from apps.mechanisms.models import Mechanism
from apps.reviews.models import LeftOut, ReviewEdition, ReviewEntry

from . import factories
from .html_forms import form_data, saved_and_approved

pytestmark = pytest.mark.django_db

NARRATIVE = ("section", "kind", "governance", "region_id", "background", "agenda", "linkages", "taxonomic_placement")


def member_of(django_user_model, username, *roles):
    user = django_user_model.objects.create_user(username=username, password="correct horse battery", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "edna", "curator", "editor")


@pytest.fixture
def curator(django_user_model):
    return member_of(django_user_model, "cora", "curator")


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def harns():
    return ReviewEdition.objects.get(slug="harns-2013")


def start(editor, harns, **fields):
    values = {"slug": "iom-2026", "year": 2026, "title": "The 2026 review"} | fields
    return publishing.start_edition(previous=harns, user=editor, **values)


def publishable(edition, editor):
    publishing.submit_for_review(edition=edition, user=editor)
    publishing.approve_entries(entries=edition.entries.all(), user=editor)


def report_html(snapshot):
    return as_report(snapshot).data.decode()


# ----- starting an edition from the previous one ---------------------------------------------------------


def test_starting_an_edition_carries_every_entry_forward_as_a_draft_to_revise(editor, harns):
    before = {e.mechanism_id: (e.version, e.status) for e in harns.entries.all()}
    edition = start(editor, harns)
    assert (edition.status, edition.year, edition.publisher) == ("draft", 2026, harns.publisher)
    assert Source.objects.get(slug="iom-2026").edition == edition  # citable like every edition
    old = {e.mechanism_id: e for e in harns.entries.all()}
    new = {e.mechanism_id: e for e in edition.entries.all()}
    assert set(new) == set(old) and len(new) == 25
    for mechanism_id, entry in new.items():
        assert [getattr(entry, name) for name in NARRATIVE] == [getattr(old[mechanism_id], name) for name in NARRATIVE]
        assert entry.status == ReviewEntry.Status.DRAFT
        assert entry.history.get().history_user == editor
    # The previous edition is untouched, and no mechanism of the dataset is left without an entry.
    assert {e.mechanism_id: (e.version, e.status) for e in harns.entries.all()} == before
    assert not publishing.mechanisms_without_entry(edition).exists()


def test_starting_an_edition_that_exists_is_refused_and_changes_nothing(editor, harns):
    start(editor, harns)
    with pytest.raises(publishing.PublishRefused) as refusal:
        start(editor, harns, slug="IOM-2026", title="Another")
    assert refusal.value.reasons == ["An edition 'IOM-2026' already exists; nothing was started."]
    assert ReviewEdition.objects.filter(slug__iexact="iom-2026").count() == 1
    assert ReviewEntry.objects.filter(edition__slug="iom-2026").count() == 25


def test_starting_an_edition_lists_every_problem_and_writes_nothing(editor, harns):
    editions = ReviewEdition.objects.count()
    with pytest.raises(publishing.PublishRefused) as refusal:
        start(editor, harns, slug="not a slug", year=2010, title="")
    reasons = refusal.value.reasons
    assert "The new edition's year (2010) is before the year of 'harns-2013' (2013)." in reasons
    assert any(r.startswith("slug: ") for r in reasons) and any(r.startswith("title: ") for r in reasons)
    assert ReviewEdition.objects.count() == editions


def test_only_an_editor_starts_an_edition(curator, harns):
    with pytest.raises(publishing.PublishRefused) as refusal:
        start(curator, harns)
    assert refusal.value.reasons == ["cora may not start an edition: it takes the editor role."]
    assert not ReviewEdition.objects.filter(slug="iom-2026").exists()


def test_the_command_starts_an_edition_in_one_step(editor, curator, capsys):
    call_command("edition", "start", "iom-2026", "--from", "harns-2013", "--year", "2026",
                 "--title", "The 2026 review", "--cut-off", "2026-06-30", "--user", "edna")
    assert "iom-2026 started from harns-2013 as a draft, with 25 entries to revise." in capsys.readouterr().out
    edition = ReviewEdition.objects.get(slug="iom-2026")
    assert edition.cut_off == datetime.date(2026, 6, 30) and edition.entries.count() == 25
    with pytest.raises(CommandError, match="Start refused:\n- An edition 'iom-2026' already exists"):
        call_command("edition", "start", "iom-2026", "--from", "harns-2013", "--year", "2026",
                     "--title", "Again", "--user", "edna")
    with pytest.raises(CommandError, match="start needs --year, --title"):
        call_command("edition", "start", "iom-2027", "--from", "harns-2013", "--user", "edna")
    with pytest.raises(CommandError, match="lacks the permission"):
        call_command("edition", "start", "iom-2027", "--from", "harns-2013", "--year", "2027",
                     "--title", "x", "--user", "cora")


def test_an_editor_starts_the_next_edition_from_the_edition_page(editor, curator, harns):
    client = client_of(editor)
    page = client.get(f"/admin/reviews/reviewedition/{harns.pk}/change/").content.decode()
    url = f"/admin/reviews/reviewedition/{harns.pk}/start-next/"
    assert url in page and "Start the next edition from this one" in page
    assert 'value="2014"' in client.get(url).content.decode()  # the year after, to start with
    response = client.post(url, {"slug": "iom-2026", "year": "2026", "title": "The 2026 review"}, follow=True)
    edition = ReviewEdition.objects.get(slug="iom-2026")
    assert response.redirect_chain[-1][0] == f"/admin/reviews/reviewedition/{edition.pk}/change/"
    assert "started from harns-2013 as a draft, with 25 entries to revise" in response.content.decode()
    again = client.post(url, {"slug": "iom-2026", "year": "2026", "title": "Again"}).content.decode()
    assert "Nothing was started" in again and "An edition &#x27;iom-2026&#x27; already exists" in again
    # The list action leads to the same form, for one edition at a time.
    action = client.post("/admin/reviews/reviewedition/", {"action": "start_next", "_selected_action": [harns.pk]})
    assert action.status_code == 302 and action["Location"] == url
    both = client.post("/admin/reviews/reviewedition/", {
        "action": "start_next", "_selected_action": [harns.pk, edition.pk]}, follow=True).content.decode()
    assert "Select one edition to start the next one from." in both
    # A curator sees no button and is refused the page.
    curator_client = client_of(curator)
    assert url not in curator_client.get(f"/admin/reviews/reviewedition/{harns.pk}/change/").content.decode()
    assert curator_client.get(url).status_code == 403
    assert curator_client.post(url, {"slug": "x-2027", "year": "2027", "title": "x"}).status_code == 403
    assert not ReviewEdition.objects.filter(slug="x-2027").exists()


# ----- every mechanism has an entry or a reason ----------------------------------------------------------


def test_publishing_names_each_mechanism_without_an_entry_until_it_is_left_out_with_a_reason(editor, harns):
    edition = start(editor, harns)
    edition.entries.filter(mechanism__slug__in=["midwa", "rabat-process"]).delete()
    publishable(edition, editor)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert refusal.value.reasons == [
        "Mechanism 'midwa' has no entry in this edition: add one, or leave it out with a reason.",
        "Mechanism 'rabat-process' has no entry in this edition: add one, or leave it out with a reason.",
    ]
    for slug in ("midwa", "rabat-process"):
        LeftOut.objects.create(edition=edition, mechanism=Mechanism.objects.get(slug=slug),
                               reason=f"No source on {slug} since 2013 could be found.")
    snapshot = publishing.publish_edition(edition=edition, user=editor)
    html = report_html(snapshot)
    assert "left out of this edition. No source on midwa since 2013 could be found." in html
    assert "left out of this edition. No source on rabat-process since 2013 could be found." in html


def test_a_mechanism_with_an_entry_cannot_also_be_left_out(editor, harns):
    edition = start(editor, harns)
    midwa = Mechanism.objects.get(slug="midwa")
    left_out = LeftOut(edition=edition, mechanism=midwa, reason="Dormant")
    with pytest.raises(ValidationError, match="has an entry for this mechanism"):
        left_out.full_clean()
    with pytest.raises(ValidationError, match="Say why"):
        LeftOut(edition=edition, mechanism=midwa, reason="  ").full_clean()
    left_out.save()  # written around the model's validation, publishing still refuses it
    publishable(edition, editor)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert refusal.value.reasons == ["Mechanism 'midwa' has an entry and is left out: keep one of the two."]


def test_which_mechanisms_an_edition_must_cover(editor, harns):
    edition = start(editor, harns)
    later = factories.mechanism(name="Later Process", founded="2027")
    dissolved = factories.mechanism(name="Dissolved Process", founded="1999", ended="2005", status="dissolved")
    missing = lambda: [m.slug for m in publishing.mechanisms_without_entry(edition)]  # noqa: E731
    # Founded after the edition's year: it could not review it. Dissolved: it says what became of it.
    assert missing() == [dissolved.slug]
    assert later.slug not in missing()
    # The CBCP is covered by the entry of its successor, the EPPMA, as in the 2013 edition.
    edition.entries.get(mechanism__slug="eppma").delete()
    assert missing() == sorted(["cbcp", dissolved.slug, "eppma"])


def test_leaving_out_is_for_editors_in_the_edition_admin(editor, curator, harns):
    edition = start(editor, harns)
    edition.entries.get(mechanism__slug="midwa").delete()
    midwa = Mechanism.objects.get(slug="midwa")
    url = f"/admin/reviews/reviewedition/{edition.pk}/change/"
    page = client_of(editor).get(url).content.decode()
    assert "mechanisms left out of this edition, with the reason the report states" in page.lower()
    form = form_data(page, "reviewedition_form")
    form.update({"left_out-TOTAL_FORMS": "1", "left_out-0-mechanism": str(midwa.pk),
                 "left_out-0-reason": "Dormant since 2012.", "change_reason": "Leave MIDWA out"})
    response = client_of(editor).post(url, saved_and_approved(form))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert edition.left_out.get().reason == "Dormant since 2012."
    assert edition.left_out.get().history.get().history_user == editor
    # A curator sees the reasons but cannot change them.
    assert "Dormant since 2012." in client_of(curator).get(url).content.decode()
    assert not curator.has_perm("reviews.add_leftout") and editor.has_perm("reviews.change_leftout")


def test_a_leave_out_saved_plainly_is_a_proposal_its_editor_sees_and_another_editor_applies(
        editor, harns, django_user_model):
    edition = start(editor, harns)
    edition.entries.get(mechanism__slug="midwa").delete()
    publishable(edition, editor)
    midwa = Mechanism.objects.get(slug="midwa")
    url = f"/admin/reviews/reviewedition/{edition.pk}/change/"
    form = form_data(client_of(editor).get(url).content, "reviewedition_form")
    form.update({"left_out-TOTAL_FORMS": "1", "left_out-0-mechanism": str(midwa.pk),
                 "left_out-0-reason": "Dormant since 2012."})
    response = client_of(editor).post(url, form)  # "Save", not "Save and approve"
    proposal = ChangeSet.objects.get(state=ChangeSet.State.PENDING, user=editor)
    assert response["Location"] == f"/admin/curation/changeset/{proposal.pk}/change/"
    assert not edition.left_out.exists()
    assert "Dormant since 2012." in client_of(editor).get(response["Location"]).content.decode()
    # Its author finds it on the edition's page, and publishing names it instead of publishing without it.
    page = client_of(editor).get(url).content.decode()
    assert "Dormant since 2012." in page and f"change set {proposal.pk}</a>, which awaits review" in page
    refusals = publishing.publish_refusals(edition, editor)
    assert any(r.startswith(f"Change set {proposal.pk} by edna") and "awaits review" in r for r in refusals)
    # Another editor sees it named on the edition's page and approves it: the mechanism is left out.
    otto = member_of(django_user_model, "otto", "curator", "editor")
    assert f"change set {proposal.pk}</a> by edna" in client_of(otto).get(url).content.decode()
    response = client_of(otto).post(f"/admin/curation/changeset/{proposal.pk}/approve/", {"review_comment": "Yes"})
    assert response.status_code == 302
    assert edition.left_out.get().reason == "Dormant since 2012."
    assert publishing.publish_refusals(edition, editor) == []


# ----- the report's annexes cover the snapshot -----------------------------------------------------------


def annex_slugs(context):
    return {
        "A": sorted(m["slug"] for _region, rows in context["annex_a"] for m, _c in rows),
        "B": sorted(item["mechanism"]["slug"] for region in context["annex_b"] for item in region["mechanisms"]),
        "C": sorted(item["mechanism"]["slug"] for item in context["annex_c"]),
        "D": sorted(m["slug"] for m, _c in context["annex_d"]),
    }


def test_the_annexes_cover_exactly_the_mechanisms_of_the_snapshot(editor, harns):
    edition = factories.edition(slug="annual-2026", year=2026, title="2026 annual review")
    for slug in ("midwa", "bali-process", "colombo-process"):  # an edition with three entries, as reported
        mechanism = Mechanism.objects.get(slug=slug)
        ReviewEntry.objects.create(edition=edition, mechanism=mechanism, kind="global", governance="stand-alone",
                                   region=mechanism.region)
    factories.leave_out_the_rest(edition, "Reviewed in the next edition.")
    publishable(edition, editor)
    snapshot = publishing.publish_edition(edition=edition, user=editor)
    held = sorted(m["slug"] for m in snapshots.content(snapshot)["mechanisms"])
    context = report.context(snapshot)
    assert len(held) == snapshot.counts["mechanisms"] == 26
    assert annex_slugs(context) == {"A": held, "B": held, "C": held, "D": held}
    classified = {m["slug"]: c for m, c in context["annex_d"]}
    assert classified["midwa"]["label"] == "Global process" and classified["midwa"]["has_entry"]
    assert classified["prague-process"]["left_out"] == "Reviewed in the next edition."
    assert len(context["not_reviewed"]) == 23
    html = report_html(snapshot)
    assert "X (Global)" in html and "IRF / global / other" in html

    original = ReviewEdition.objects.get(slug="harns-2013").published_snapshot
    context = report.context(original)
    held = sorted(m["slug"] for m in snapshots.content(original)["mechanisms"])
    assert annex_slugs(context) == {"A": held, "B": held, "C": held, "D": held}
    cbcp = {m["slug"]: c for m, c in context["annex_d"]}["cbcp"]
    assert not cbcp["has_entry"] and cbcp["covered_by"]["slug"] == "eppma"
    assert "covered by the entry of its successor, Eastern Partnership" in report_html(original)


# ----- the cut-off ---------------------------------------------------------------------------------------


def propose_name(curator, slug, name, made):
    mechanism = Mechanism.objects.get(slug=slug)
    with proposals.capturing(curator) as capture:
        mechanism.name = name
        mechanism.save()
    ChangeSet.objects.filter(pk=capture.change_set.pk).update(created_at=made)
    capture.change_set.refresh_from_db()
    return capture.change_set


def test_publishing_waits_for_the_proposals_made_by_the_cut_off_and_names_them(editor, curator, harns):
    now = timezone.now()
    edition = start(editor, harns, cut_off=(now - datetime.timedelta(days=2)).date())
    early = propose_name(curator, "midwa", "Proposed before the cut-off", now - datetime.timedelta(days=3))
    late = propose_name(curator, "bali-process", "Proposed after the cut-off", now - datetime.timedelta(days=1))
    publishable(edition, editor)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert refusal.value.reasons == [
        f"Change set {early.pk} by cora, proposed {early.created_at:%Y-%m-%d %H:%M} UTC, by the cut-off "
        f"({edition.cut_off:%Y-%m-%d}), awaits review: approve or reject it first."]
    proposals.approve(early, editor, "Checked")
    snapshot = publishing.publish_edition(edition=edition, user=editor)
    names = {m["slug"]: m["name"] for m in snapshots.content(snapshot)["mechanisms"]}
    assert names["midwa"] == "Proposed before the cut-off"
    assert names["bali-process"] != "Proposed after the cut-off"  # approved data only
    late.refresh_from_db()
    assert late.state == ChangeSet.State.PENDING  # it waits for the next edition


def test_without_a_cut_off_every_pending_proposal_blocks(editor, curator, harns):
    edition = start(editor, harns)
    proposal = propose_name(curator, "midwa", "Just now", timezone.now())
    publishable(edition, editor)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert [r for r in refusal.value.reasons if "awaits review" in r] == [
        f"Change set {proposal.pk} by cora, proposed {proposal.created_at:%Y-%m-%d %H:%M} UTC, awaits review: "
        "approve or reject it first."]


# ----- global processes ----------------------------------------------------------------------------------


def test_a_later_edition_classifies_a_mechanism_as_a_global_process_beside_the_2013_classification(editor, harns):
    edition = start(editor, harns)
    entry = edition.entries.get(mechanism__slug="afml")
    entry.kind = "global"
    entry.full_clean()
    entry.save()
    assert harns.entries.get(mechanism__slug="afml").kind == "other"
    assert entry.get_kind_display() == "Global process"


def test_global_processes_in_the_api_the_site_and_the_charts(api):
    igc = Mechanism.objects.get(slug="igc")
    assert api.get("/api/v1/mechanisms/?kind=global").json()["count"] == 0
    assert api.get("/api/v1/mechanisms/?kind=planetary").status_code == 400
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    kind = next(p for p in schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == ["global", "irf", "other", "rcp"]
    assert "Global process" not in api.get("/").content.decode()  # no column for a kind no mechanism has

    Mechanism.objects.filter(pk=igc.pk).update(kind="global")
    assert [m["slug"] for m in api.get("/api/v1/mechanisms/?kind=global").json()["results"]] == ["igc"]
    home = api.get("/").content.decode()
    assert '<th scope="col">Global process</th>' in home and "Global processes" in home
    directory = api.get("/mechanisms/?kind=global").content.decode()
    assert "Global process" in directory and "igc" in directory
    assert "Processus mondial" in api.get("/fr/mechanisms/?kind=global").content.decode()
    assert "Proceso mundial" in api.get("/es/mechanisms/?kind=global").content.decode()
    with translation.override("en"):
        timeline = charts.mechanism_timeline(selectors.mechanism_timeline())
        assert ("Global process", charts.KIND_COLOURS["global"]) in timeline.legend
    assert next(b for b in timeline.bars if b.mechanism.slug == "igc").colour == charts.KIND_COLOURS["global"]
