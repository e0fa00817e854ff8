"""Staged changes: a curator's save is a proposal the public does not see until an editor approves it."""

import datetime
import gzip
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.curation import change_reading, proposals
from apps.curation.models import ChangeSet
from apps.dataset import publishing, snapshots
from apps.mechanisms.models import Mechanism, Participation
from apps.reviews.models import ReviewEdition, ReviewEntry
from apps.states.models import State

from . import factories
from .html_forms import form_data

pytestmark = pytest.mark.django_db


def member_of(django_user_model, username, *roles):
    user = django_user_model.objects.create_user(username=username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def cora(django_user_model):
    return member_of(django_user_model, "cora", "curator")


@pytest.fixture
def carl(django_user_model):
    return member_of(django_user_model, "carl", "curator")


@pytest.fixture
def edna(django_user_model):
    return member_of(django_user_model, "edna", "curator", "editor")


def url_of(mechanism):
    return f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"


def propose(client, mechanism, **changes):
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    form.update(changes)
    response = client.post(url_of(mechanism), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ChangeSet.objects.filter(state=ChangeSet.State.PENDING).latest("pk")


def public_views(mechanism):
    """The name as the public page, the API and a new snapshot's content show it."""
    visitor = Client()
    page = visitor.get(f"/mechanisms/{mechanism.slug}/").content.decode()
    api = visitor.get(f"/api/v1/mechanisms/{mechanism.slug}/").json()["name"]
    dataset = json.loads(gzip.decompress(snapshots.freeze().compressed))
    in_snapshot = next(m["name"] for m in dataset["mechanisms"] if m["slug"] == mechanism.slug)
    return page, api, in_snapshot


def test_a_curators_save_waits_for_an_editor_and_then_reaches_the_public_with_both_names(cora, edna):
    (curator, curator_client), (editor, editor_client) = cora, edna
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(curator_client, mechanism, name="Proposed Name", change_reason="Per Annex B")

    assert (proposal.user, proposal.reason, proposal.kind) == (curator, "Per Annex B", ChangeSet.Kind.EDIT)
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    page, api, in_snapshot = public_views(mechanism)
    assert "Proposed Name" not in page and "Approved Name" in page
    assert (api, in_snapshot) == ("Approved Name", "Approved Name")

    index = editor_client.get("/admin/").content.decode()
    assert "Awaiting review: 1" in index
    review = editor_client.get(f"/admin/curation/changeset/{proposal.pk}/change/").content.decode()
    assert "Approved Name" in review and "Proposed Name" in review and "Per Annex B" in review and "cora" in review

    response = editor_client.post(f"/admin/curation/changeset/{proposal.pk}/approve/", {"review_comment": "Checked"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reviewer, proposal.review_comment) == ("approved", editor, "Checked")
    page, api, in_snapshot = public_views(mechanism)
    assert "Proposed Name" in page and (api, in_snapshot) == ("Proposed Name", "Proposed Name")
    record = Mechanism.history.filter(id=mechanism.pk).latest("history_id")
    assert record.change_set == proposal
    assert "Proposed by cora, approved by edna" in record.history_change_reason
    assert "Awaiting review: 0" in editor_client.get("/admin/").content.decode()


def test_a_curator_cannot_approve_by_url_by_service_or_by_a_forged_field(cora, carl):
    (curator, client), (_other, other_client) = cora, carl
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(client, mechanism, name="Proposed Name")
    assert client.post(f"/admin/curation/changeset/{proposal.pk}/approve/").status_code == 403
    assert other_client.post(f"/admin/curation/changeset/{proposal.pk}/approve/").status_code == 403
    assert client.post(f"/admin/curation/changeset/{proposal.pk}/reject/", {"review_comment": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        proposals.approve(proposal, curator)
    # A made-up "approve" field on the save form changes nothing: the save is still a proposal.
    second = propose(client, mechanism, name="Forged", approve="on", force="on", state="approved")
    assert second.state == "pending"
    review = client.get(f"/admin/curation/changeset/{proposal.pk}/change/").content.decode()
    assert 'id="approve-form"' not in review and 'id="withdraw-form"' in review
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    assert set(ChangeSet.objects.filter(pk__in=[proposal.pk, second.pk]).values_list("state", flat=True)) == {
        "pending"}


def test_a_curator_cannot_import(cora):
    _curator, client = cora
    assert client.get("/admin/bulk-import/").status_code == 403


def test_a_curators_command_proposes_instead_of_applying(cora, tmp_path):
    curator, _client = cora
    mechanism = factories.mechanism(name="Approved Name")
    pending_before = proposals.pending().count()
    with pytest.raises(Exception):  # noqa: B017, PT011  (the import command refuses a curator outright)
        call_command("import_dataset", str(tmp_path), user=curator.username)
    assert proposals.pending().count() == pending_before
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"


def test_rejection_keeps_the_approved_data_and_the_proposer_reads_why(cora, edna):
    (_curator, curator_client), (_editor, editor_client) = cora, edna
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(curator_client, mechanism, name="Proposed Name")
    no_reason = editor_client.post(f"/admin/curation/changeset/{proposal.pk}/reject/", {"review_comment": " "},
                                   follow=True)
    assert "Say why the change is rejected" in no_reason.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    editor_client.post(f"/admin/curation/changeset/{proposal.pk}/reject/", {"review_comment": "Annex B says otherwise"})
    proposal.refresh_from_db()
    assert proposal.state == "rejected"
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    seen = curator_client.get(f"/admin/curation/changeset/{proposal.pk}/change/").content.decode()
    assert "Annex B says otherwise" in seen and "Rejected" in seen
    listed = curator_client.get("/admin/curation/changeset/?state__exact=rejected").content.decode()
    assert f"/admin/curation/changeset/{proposal.pk}/change/" in listed
    # A rejected proposal cannot be approved afterwards.
    response = editor_client.post(f"/admin/curation/changeset/{proposal.pk}/approve/", follow=True)
    assert "not pending review" in response.content.decode()
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"


def test_the_proposer_withdraws_and_nobody_else_can(cora, carl, edna):
    (_curator, client), (_other, other_client) = cora, carl
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(client, mechanism, name="Proposed Name")
    assert other_client.post(f"/admin/curation/changeset/{proposal.pk}/withdraw/").status_code == 403
    client.post(f"/admin/curation/changeset/{proposal.pk}/withdraw/")
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"
    with pytest.raises(proposals.ProposalRefused):
        proposals.approve(proposal, edna[0])
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"


def test_two_proposals_on_one_field_are_a_conflict_the_editor_resolves(cora, carl, edna):
    (_c, cora_client), (_k, carl_client), (editor, editor_client) = cora, carl, edna
    mechanism = factories.mechanism(name="Approved Name", status="active")
    first = propose(cora_client, mechanism, name="Cora's Name")
    second = propose(carl_client, mechanism, name="Carl's Name")
    other_field = propose(editor_client, mechanism, status="inactive")  # an editor's plain save proposes too

    page = editor_client.get(f"/admin/curation/changeset/{first.pk}/change/").content.decode()
    assert 'id="overlapping"' in page and f"Change set {second.pk}" in page and f"Change set {other_field.pk}" \
        not in page
    approved = editor_client.post(f"/admin/curation/changeset/{first.pk}/approve/", follow=True).content.decode()
    assert f"Change set {second.pk} by carl changes the same fields" in approved

    page = editor_client.get(f"/admin/curation/changeset/{second.pk}/change/").content.decode()
    assert 'id="conflicts"' in page and "Cora&#x27;s Name" in page
    refused = editor_client.post(f"/admin/curation/changeset/{second.pk}/approve/", follow=True).content.decode()
    assert "Nothing was applied" in refused
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Cora's Name"

    proposals.approve(other_field, editor)  # a different field: merged, not a conflict
    assert Mechanism.objects.values_list("name", "status").get(pk=mechanism.pk) == ("Cora's Name", "inactive")
    editor_client.post(f"/admin/curation/changeset/{second.pk}/approve/", {"force": "on"})
    assert Mechanism.objects.values_list("name", "status").get(pk=mechanism.pk) == ("Carl's Name", "inactive")


def test_an_editors_save_is_a_proposal_and_save_and_approve_applies_it_with_a_reason(edna):
    editor, client = edna
    mechanism = factories.mechanism(name="Approved Name")
    page = client.get(url_of(mechanism)).content.decode()
    assert 'name="_saveandapprove"' in page
    proposal = propose(client, mechanism, name="Proposed by the editor")
    assert (proposal.user, proposal.state) == (editor, "pending")
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"

    other = factories.mechanism(slug="other", name="Other Approved")
    form = form_data(client.get(url_of(other)).content, "mechanism_form")
    form.update(name="Edited by the editor", _saveandapprove="Save and approve")
    refused = client.post(url_of(other), form)
    assert refused.status_code == 200 and "Say why you approve your own change" in refused.content.decode()
    assert Mechanism.objects.get(pk=other.pk).name == "Other Approved"

    form["change_reason"] = "Typo in the acronym's expansion"
    assert client.post(url_of(other), form).status_code == 302
    assert Mechanism.objects.get(pk=other.pk).name == "Edited by the editor"
    record = Mechanism.history.filter(id=other.pk).latest("history_id")
    applied = record.change_set
    assert (applied.state, applied.user, applied.reviewer) == ("approved", editor, editor)
    assert applied.reason == applied.review_comment == "Typo in the acronym's expansion"
    assert record.history_change_reason == "Typo in the acronym's expansion"
    assert list(proposals.pending()) == [proposal]


def test_a_curator_posting_save_and_approve_is_refused_and_nothing_is_proposed(cora):
    _curator, client = cora
    mechanism = factories.mechanism(name="Approved Name")
    page = client.get(url_of(mechanism)).content.decode()
    assert 'name="_saveandapprove"' not in page
    form = form_data(page, "mechanism_form")
    form.update(name="Forged approval", change_reason="I approve it myself", _saveandapprove="Save and approve")
    assert client.post(url_of(mechanism), form).status_code == 403
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    assert not proposals.pending().exists()
    assert not ChangeSet.objects.filter(state="approved").exists()


def test_a_curator_goes_on_editing_their_own_proposal_in_the_same_change_set(cora, carl, edna):
    (_curator, client), (_other, other_client) = cora, carl
    mechanism = factories.mechanism(name="Approved Name", acronym="AN")
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    theirs = propose(other_client, mechanism, acronym="CARL")
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    form.update(name="First Proposal")
    form["participations-0-as_written"] = "the French Republic"
    client.post(url_of(mechanism), form)
    mine = proposals.pending().filter(user__username="cora").get()

    page = client.get(url_of(mechanism)).content.decode()
    assert 'value="First Proposal"' in page and 'value="the French Republic"' in page
    assert "You are editing your proposal" in page and f"change set {theirs.pk}</a> by carl" in page
    assert 'value="CARL"' not in page  # the others' proposal is named, not shown
    form = form_data(page, "mechanism_form")
    form.update(name="Second Proposal", change_reason="Name as in Annex B")
    response = client.post(url_of(mechanism), form, follow=True)
    assert "is updated; it still awaits review" in response.content.decode()
    mine.refresh_from_db()
    assert proposals.pending().filter(user__username="cora").count() == 1
    assert (mine.state, mine.reason) == ("pending", "Name as in Annex B")
    assert [(item["model"], item["before"].get("name") or item["before"].get("as_written"),
             item["after"].get("name") or item["after"].get("as_written")) for item in mine.changes] == [
        ("mechanisms.Mechanism", "Approved Name", "Second Proposal"),
        ("mechanisms.Participation", "France", "the French Republic")]
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    row.refresh_from_db()
    assert row.as_written == "France"

    proposals.approve(mine, edna[0])
    row.refresh_from_db()
    assert (Mechanism.objects.get(pk=mechanism.pk).name, row.as_written) == ("Second Proposal", "the French Republic")


def test_editing_ones_proposal_back_to_the_approved_values_withdraws_it(cora):
    _curator, client = cora
    mechanism = factories.mechanism(name="Approved Name")
    mine = propose(client, mechanism, name="Proposed Name")
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    form.update(name="Approved Name")
    response = client.post(url_of(mechanism), form, follow=True)
    assert "no longer changes anything: it is withdrawn" in response.content.decode()
    mine.refresh_from_db()
    assert mine.state == "withdrawn" and not proposals.pending().exists()
    assert 'value="Approved Name"' in client.get(url_of(mechanism)).content.decode()


def test_a_proposed_new_row_keeps_its_identity_while_its_proposer_edits_it(cora, edna):
    _curator, client = cora
    mechanism = factories.mechanism(name="Approved Name")
    factories.participation(mechanism, "FRA", "member", as_written="France")
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    new = int(form["participations-INITIAL_FORMS"])
    form.update({f"participations-{new}-state": str(State.objects.get(alpha3="DEU").pk),
                 f"participations-{new}-role": "member", f"participations-{new}-as_written": "Germany",
                 "participations-TOTAL_FORMS": str(max(new + 1, int(form["participations-TOTAL_FORMS"])))})
    assert client.post(url_of(mechanism), form).status_code == 302
    mine = proposals.pending().get()
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    new_row = next(key for key, value in form.items() if value == "Germany")
    form[new_row] = "the Federal Republic of Germany"
    assert client.post(url_of(mechanism), form).status_code == 302
    mine.refresh_from_db()
    assert proposals.pending().count() == 1
    assert sorted(item["after"]["as_written"] for item in mine.changes) == ["the Federal Republic of Germany"]
    assert not mechanism.participations.filter(state__alpha3="DEU").exists()
    proposals.approve(mine, edna[0])
    assert list(mechanism.participations.order_by("as_written").values_list("as_written", flat=True)) == [
        "France", "the Federal Republic of Germany"]


def test_a_crash_in_the_middle_of_an_approval_applies_nothing(cora, edna, monkeypatch):
    (_curator, client), (editor, _editor_client) = cora, edna
    mechanism = factories.mechanism(name="Approved Name")
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    form = form_data(client.get(url_of(mechanism)).content, "mechanism_form")
    form["name"] = "Proposed Name"
    form["participations-0-as_written"] = "the French Republic"
    client.post(url_of(mechanism), form)
    proposal = proposals.pending().latest("pk")
    assert {item["model"] for item in proposal.changes} == {"mechanisms.Mechanism", "mechanisms.Participation"}
    assert [label for item in change_reading.described(proposal) for label, _b, _a in item["fields"]] == [
        "name", "as written"]

    def crash(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Participation, "save", crash)
    with pytest.raises(RuntimeError):
        proposals.approve(proposal, editor)
    monkeypatch.undo()
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    proposals.approve(proposal, editor)
    row.refresh_from_db()
    assert (Mechanism.objects.get(pk=mechanism.pk).name, row.as_written) == ("Proposed Name", "the French Republic")


def test_a_new_record_with_its_rows_is_proposed_and_created_on_approval(cora, edna):
    curator, editor = cora[0], edna[0]
    with proposals.capturing(curator, reason="A new mechanism") as capture:
        mechanism = factories.mechanism(slug="brand-new", name="Brand New Process")
        factories.participation(mechanism, "FRA", "member", as_written="France")
    assert not Mechanism.objects.filter(slug="brand-new").exists()
    proposal = capture.change_set
    assert [item["pk"] for item in proposal.changes] == [None, None]
    assert proposal.changes[1]["after"]["mechanism"] == {"ref": proposal.changes[0]["ref"]}
    proposals.approve(proposal, editor)
    created = Mechanism.objects.get(slug="brand-new")
    assert list(created.participations.values_list("as_written", flat=True)) == ["France"]
    assert created.history.latest("history_id").history_user == curator


def test_the_preview_shows_the_public_page_with_the_change_and_leaves_the_data_alone(cora):
    _curator, client = cora
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(client, mechanism, name="Previewed Name")
    preview = client.get(f"/admin/curation/changeset/{proposal.pk}/preview/")
    assert preview.status_code == 200 and "Previewed Name" in preview.content.decode()
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"
    assert "Approved Name" in Client().get(f"/mechanisms/{mechanism.slug}/").content.decode()


def test_the_site_data_load_as_approved_with_an_empty_queue():
    assert not proposals.pending().exists()
    assert ReviewEdition.objects.filter(slug="harns-2013").exists()


def test_publishing_refuses_while_a_proposal_awaits_review_and_names_it(cora, edna):
    (_curator, client), (editor, _editor_client) = cora, edna
    edition = factories.edition(slug="annual-2027", year=2027, title="2027 annual review")
    for slug in ("midwa", "bali-process"):
        mechanism = Mechanism.objects.get(slug=slug)
        ReviewEntry.objects.create(edition=edition, mechanism=mechanism, kind=mechanism.kind,
                                   governance=mechanism.governance, region=mechanism.region)
    factories.leave_out_the_rest(edition)
    publishing.submit_for_review(edition=edition, user=editor)
    edition.entries.update(status=ReviewEntry.Status.APPROVED)
    proposal = propose(client, Mechanism.objects.get(slug="midwa"), name="Unreviewed name")
    with pytest.raises(publishing.PublishRefused) as refusal:
        publishing.publish_edition(edition=edition, user=editor)
    assert [r for r in refusal.value.reasons if "awaits review" in r] == [
        f"Change set {proposal.pk} by cora, proposed {proposal.created_at:%Y-%m-%d %H:%M} UTC, awaits review: "
        "approve or reject it first."]
    proposals.reject(proposal, editor, "Not in the report")
    snapshot = publishing.publish_edition(edition=edition, user=editor)
    assert "Unreviewed name" not in json.dumps(snapshots.content(snapshot))


def test_a_curators_list_action_is_a_proposal_with_its_new_rows_and_their_citations(cora, edna):
    (_curator, client), (editor, _editor_client) = cora, edna
    mechanism = factories.mechanism()
    rows = [factories.participation(mechanism, code, "expected-member", start="2011") for code in ("AFG", "AZE")]
    edition = ReviewEdition.objects.get(slug="harns-2013")
    response = client.post("/admin/mechanisms/participation/", {
        "action": "turn_into_another_role", "_selected_action": [str(row.pk) for row in rows], "apply": "1",
        "role": "member", "on": "5 June 2013", "source": str(edition.source_id), "locator": "Annex B",
        "reason": "Joined at the 2013 ministerial"})
    assert response.status_code == 302
    assert not mechanism.participations.filter(role="member").exists()
    assert set(mechanism.participations.values_list("end", flat=True)) == {""}
    proposal = proposals.pending().latest("pk")
    assert (proposal.user.username, proposal.reason) == ("cora", "Joined at the 2013 ministerial")
    assert {item["model"] for item in proposal.changes if item["pk"] is None} == {
        "mechanisms.Participation", "curation.Citation"}

    proposals.approve(proposal, editor)
    members = mechanism.participations.filter(role="member").order_by("state__alpha3")
    assert [(m.state.alpha3, m.start) for m in members] == [("AFG", "2013-06-05"), ("AZE", "2013-06-05")]
    assert [[str(c) for c in m.sources.all()] for m in members] == [["harns-2013 Annex B"]] * 2
    assert set(mechanism.participations.filter(role="expected-member").values_list("end", flat=True)) == {
        "2013-06-05"}


def test_proposals_are_reviewed_by_command_with_the_same_role_checks(cora, carl, edna):
    (_curator, client), editor = cora, edna[0]
    assert carl[0].username == "carl"
    mechanism = factories.mechanism(name="Approved Name")
    proposal = propose(client, mechanism, name="Proposed Name", change_reason="Per Annex B")

    def run(*args):
        out = io.StringIO()
        call_command("proposals", *args, stdout=out)
        return out.getvalue()

    listed = run("list")
    assert f"{proposal.pk}\t" in listed and "cora" in listed and "Per Annex B" in listed
    shown = run("show", str(proposal.pk))
    assert "Approved Name -> Proposed Name" in shown and "Pending review" in shown
    with pytest.raises(CommandError, match="may not approve"):
        run("approve", str(proposal.pk), "--user", "carl")
    with pytest.raises(CommandError, match="may not approve"):
        run("approve", str(proposal.pk), "--user", "cora")
    with pytest.raises(CommandError, match="may not withdraw"):
        run("withdraw", str(proposal.pk), "--user", "carl")
    with pytest.raises(CommandError, match="Say why"):
        run("reject", str(proposal.pk), "--user", "edna")
    proposal.refresh_from_db()
    assert proposal.state == "pending" and Mechanism.objects.get(pk=mechanism.pk).name == "Approved Name"

    assert "is approved" in run("approve", str(proposal.pk), "--user", "edna", "--comment", "Checked")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reviewer, proposal.review_comment) == ("approved", editor, "Checked")
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Proposed Name"
    assert "No change set is pending review" in run("list")
    with pytest.raises(CommandError, match="no longer pending"):
        run("reject", str(proposal.pk), "--user", "edna", "--comment", "Too late")

    second = propose(client, mechanism, name="Second Name")
    assert "is withdrawn" in run("withdraw", str(second.pk), "--user", "cora")
    assert Mechanism.objects.get(pk=mechanism.pk).name == "Proposed Name"


def test_the_activity_feed_lists_the_change_sets_of_one_record_from_its_page(cora, carl, edna):
    (_curator, client), (_other, other_client), (editor, editor_client) = cora, carl, edna
    mechanism = factories.mechanism(name="Approved Name")
    elsewhere = factories.mechanism(name="Another Mechanism")
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    pending_one = propose(client, mechanism, name="Proposed Name")
    rejected = propose(other_client, mechanism, acronym="REJ")
    proposals.reject(rejected, editor, "No source says so")
    form = form_data(editor_client.get(url_of(row.mechanism)).content, "mechanism_form")
    form.update({"participations-0-as_written": "French Republic", "change_reason": "As printed in Annex B",
                 "_saveandapprove": "Save and approve"})
    assert editor_client.post(url_of(mechanism), form).status_code == 302
    approved = ChangeSet.objects.get(state="approved")
    unrelated = propose(client, elsewhere, name="Elsewhere")

    page = client.get(url_of(mechanism)).content.decode()
    link = f"/admin/curation/changeset/?record=mechanisms.mechanism:{mechanism.pk}"
    assert f'href="{link}"' in page

    def listed(url):
        html = client.get(url).content.decode()
        return {pk for pk in ChangeSet.objects.values_list("pk", flat=True)
                if f'href="/admin/curation/changeset/{pk}/change/' in html}

    assert listed(link) == {pending_one.pk, rejected.pk, approved.pk}
    assert listed(link + "&state__exact=rejected") == {rejected.pk}
    assert listed(link + f"&user__id__exact={editor.pk}") == {approved.pk}
    assert unrelated.pk in listed("/admin/curation/changeset/?state__exact=pending")
    assert "?e=1" in client.get("/admin/curation/changeset/?record=nothing.here:1")["Location"]


def test_what_changed_since_a_snapshot_an_edition_or_a_date_lists_approved_changes_by_record(cora, edna):
    (_curator, client), (editor, editor_client) = cora, edna
    mechanism = Mechanism.objects.get(slug="midwa")
    old_name = mechanism.name
    edition = ReviewEdition.objects.get(slug="harns-2013")
    snapshot = snapshots.create_snapshot(edition=edition, title="Before the annual update", user=editor)

    form = form_data(editor_client.get(url_of(mechanism)).content, "mechanism_form")
    form.update(name="Migration Dialogue for West Africa (renamed)", change_reason="Renamed at the 2026 ministerial",
                _saveandapprove="Save and approve")
    assert editor_client.post(url_of(mechanism), form).status_code == 302
    approved = propose(client, Mechanism.objects.get(slug="bali-process"), status_note="Approved note")
    proposals.approve(approved, editor, "Checked")
    propose(client, Mechanism.objects.get(slug="bali-process"), status_note="UNREVIEWED NOTE")

    assert client.get("/admin/changes-since/").status_code == 403  # editors read it
    index = editor_client.get("/admin/").content.decode()
    assert 'id="changes-since"' in index
    by_snapshot = editor_client.get(f"/admin/changes-since/?snapshot={snapshot.pk}").content.decode()
    by_edition = editor_client.get(f"/admin/changes-since/?edition={edition.pk}").content.decode()
    for page in (by_snapshot, by_edition):
        records = page[page.index('id="changed-records"'):]
        assert "approved changes to 2 records" in page
        assert old_name in records and "Migration Dialogue for West Africa (renamed)" in records
        assert "Renamed at the 2026 ministerial" in records and "Approved note" in records
        assert "UNREVIEWED NOTE" not in page and "1 proposal awaits review" in page
        compared = page[page.index('id="compared-with-snapshot"'):page.index('id="changed-records"')]
        assert "midwa: name changed from" in compared
    today = timezone.now().date()
    assert "Migration Dialogue for West Africa (renamed)" in editor_client.get(
        f"/admin/changes-since/?since={today:%Y-%m-%d}").content.decode()
    later = editor_client.get(f"/admin/changes-since/?since={today + datetime.timedelta(days=1):%Y-%m-%d}")
    assert "No approved change since then" in later.content.decode()
    both = editor_client.get(f"/admin/changes-since/?since={today:%Y-%m-%d}&snapshot={snapshot.pk}")
    assert "Choose one: a date, a snapshot or an edition" in both.content.decode()
    unsnapped = factories.edition(slug="annual-2028", year=2028, title="2028 annual review")
    refused = editor_client.get(f"/admin/changes-since/?edition={unsnapped.pk}").content.decode()
    assert "has no snapshot yet" in refused


def test_a_proposal_that_no_longer_applies_is_said_so_and_a_new_save_is_a_new_proposal(cora):
    _curator, client = cora
    mechanism = factories.mechanism(name="Approved Name", slug="approved-slug")
    mine = propose(client, mechanism, slug="wanted-slug")
    factories.mechanism(slug="wanted-slug")  # approved meanwhile, by someone else
    page = client.get(url_of(mechanism)).content.decode()
    assert "Your proposal no longer applies as it stands" in page and 'value="approved-slug"' in page
    form = form_data(page, "mechanism_form")
    form.update(name="Another Name")
    client.post(url_of(mechanism), form)
    mine.refresh_from_db()
    assert mine.state == "pending" and mine.changes[0]["after"]["slug"] == "wanted-slug"
    newer = proposals.pending().exclude(pk=mine.pk).get()
    assert (newer.changes[0]["after"]["name"], newer.changes[0]["after"]["slug"]) == ("Another Name", "approved-slug")


def test_the_history_pages_do_not_read_the_proposals_stored_in_each_change_set(cora, edna):
    """An approved import's change set stores its whole proposal (the 2026 update's: 2,474 items); the history
    pages read the change set of every row they show, and read that proposal with it took minutes."""
    (_curator, client), (editor, editor_client) = cora, edna
    mechanism = Mechanism.objects.get(slug="midwa")
    snapshot = snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="Before",
                                         user=editor)
    proposals.approve(propose(client, mechanism, status_note="Approved note"), editor, "Checked")
    with CaptureQueriesContext(connection) as queries:
        since = editor_client.get(f"/admin/changes-since/?snapshot={snapshot.pk}")
        history = editor_client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/")
    assert "Approved note" in since.content.decode() and "Approved note" in history.content.decode()
    reading_changes = [q["sql"] for q in queries if '"curation_changeset"."changes"' in q["sql"]]
    assert not reading_changes, reading_changes[:1]
