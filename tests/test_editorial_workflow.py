"""The editorial workflow: draft -> in review -> published, with every refusal explained."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from apps.dataset import publishing as services
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEntry, Snapshot

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="x", is_staff=True)
    user.user_permissions.add(  # what the editor role holds for the workflow (a change by anyone else is a proposal)
        Permission.objects.get(codename="publish_reviewedition"), Permission.objects.get(codename="add_snapshot"),
        Permission.objects.get(codename="approve_changeset"),
    )
    return django_user_model.objects.get(pk=user.pk)  # fresh, so the permission cache is empty


@pytest.fixture
def plain_curator(django_user_model):
    user = django_user_model.objects.create_user(username="plain-curator", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_reviewentry"))
    return user


@pytest.fixture
def edition():
    edition = factories.edition(slug="annual-2026", year=2026, title="2026 annual review")
    for slug in ("midwa", "bali-process"):
        mechanism = Mechanism.objects.get(slug=slug)
        ReviewEntry.objects.create(edition=edition, mechanism=mechanism, kind=mechanism.kind,
                                   governance=mechanism.governance, region=mechanism.region,
                                   reviewer_comment="PRIVATE reviewer comment")
    factories.leave_out_the_rest(edition)
    return edition


def approve_all(edition):
    edition.entries.update(status=ReviewEntry.Status.APPROVED)


def test_an_editor_takes_an_edition_from_draft_to_published_with_a_snapshot(edition, editor):
    services.submit_for_review(edition=edition, user=editor)
    approve_all(edition)
    snapshot = services.publish_edition(edition=edition, user=editor)
    edition.refresh_from_db()
    assert edition.status == "published" and edition.published_at is not None
    assert snapshot.edition == edition and snapshot.created_by == editor
    assert len(snapshot.checksum) == 64
    assert edition.history.first().history_user == editor


def test_a_curator_cannot_publish(edition, plain_curator, editor):
    services.submit_for_review(edition=edition, user=editor)
    approve_all(edition)
    with pytest.raises(services.PublishRefused) as refusal:
        services.publish_edition(edition=edition, user=plain_curator)
    assert refusal.value.reasons == ["plain-curator may not publish: it takes the editor role."]
    with pytest.raises(services.PublishRefused):
        services.submit_for_review(edition=edition, user=plain_curator)
    assert not Snapshot.objects.filter(edition=edition).exists()


def test_publishing_names_every_entry_that_is_not_approved(edition, editor):
    services.submit_for_review(edition=edition, user=editor)
    edition.entries.filter(mechanism__slug="midwa").update(status=ReviewEntry.Status.READY)
    with pytest.raises(services.PublishRefused) as refusal:
        services.publish_edition(edition=edition, user=editor)
    assert refusal.value.reasons == [
        "Entry 'bali-process' is draft, not approved.",
        "Entry 'midwa' is ready for review, not approved.",
    ]
    edition.refresh_from_db()
    assert edition.status == "in-review"


def test_a_draft_edition_must_go_through_review_first(edition, editor):
    approve_all(edition)
    with pytest.raises(services.PublishRefused) as refusal:
        services.publish_edition(edition=edition, user=editor)
    assert "only an edition in review can be published" in refusal.value.reasons[0]


def test_a_blocking_data_problem_stops_publishing_and_is_named(edition, editor):
    uncited = factories.mechanism(name="Uncited Process")
    services.submit_for_review(edition=edition, user=editor)
    approve_all(edition)
    with pytest.raises(services.PublishRefused) as refusal:
        services.publish_edition(edition=edition, user=editor)
    assert any("Uncited Process" in reason and "No source is cited" in reason for reason in refusal.value.reasons)
    uncited.delete()
    services.publish_edition(edition=edition, user=editor)


def test_the_command_acts_as_a_named_editor_and_explains_refusals(edition, editor, plain_curator, capsys):
    call_command("edition", "submit", "annual-2026", "--user", "editor")
    with pytest.raises(CommandError, match="not approved"):
        call_command("edition", "publish", "annual-2026", "--user", "editor")
    with pytest.raises(CommandError, match="lacks the permission"):
        call_command("edition", "publish", "annual-2026", "--user", "plain-curator")
    approve_all(edition)
    call_command("edition", "publish", "annual-2026", "--user", "editor", "--reason", "2026 review out")
    edition.refresh_from_db()
    record = edition.history.first()
    assert (edition.status, record.history_user, record.change_set.kind, record.history_change_reason) == (
        "published", editor, "command", "2026 review out")


def test_the_public_sees_published_editions_only(api, edition, editor):
    assert api.get("/api/v1/editions/annual-2026/").status_code == 404
    services.submit_for_review(edition=edition, user=editor)
    assert api.get("/api/v1/editions/annual-2026/").status_code == 404
    approve_all(edition)
    services.publish_edition(edition=edition, user=editor)
    body = api.get("/api/v1/editions/annual-2026/").json()
    assert {e["mechanism"]["slug"] for e in body["entries"]} == {"midwa", "bali-process"}
    assert b"PRIVATE reviewer comment" not in api.get("/api/v1/editions/annual-2026/").content
    assert body["snapshots"][0]["checksum"]


def test_the_admin_publish_action_reports_what_stands_in_the_way(curator_client, edition):
    response = curator_client.post("/admin/reviews/reviewedition/", {
        "action": "publish", "_selected_action": [edition.pk]}, follow=True)
    page = response.content.decode()
    assert "refused" in page and "only an edition in review can be published" in page
