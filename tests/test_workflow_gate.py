"""One gate for every state change: entry and edition statuses move only through the workflow
services, which check the role; no admin form, import or command sets a status directly."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from apps.curation import proposals
from apps.dataset import publishing as services
from apps.dataset.importer import DatasetError, import_dataset
from apps.mechanisms.models import Mechanism
from apps.reviews.models import ReviewEdition, ReviewEntry, Snapshot

from . import factories
from .html_forms import form_data
from .test_dataset_import import MINIMAL

pytestmark = pytest.mark.django_db


def member_of(django_user_model, username, *roles):
    user = django_user_model.objects.create_user(username=username, password="correct horse battery", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    return django_user_model.objects.get(pk=user.pk)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def curator(django_user_model):
    return member_of(django_user_model, "only-a-curator", "curator")


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "the-editor", "curator", "editor")


@pytest.fixture
def edition():
    return factories.edition(slug="annual-2026", year=2026, title="2026 annual review")


# ----- finding 1: a curator approved an entry through the admin form ---------------------------------

def test_a_curator_posting_an_approved_status_in_the_entry_form_gets_a_draft_entry(curator, editor, edition):
    client = client_of(curator)
    form = form_data(client.get("/admin/reviews/reviewentry/add/").content, "reviewentry_form")
    midwa = Mechanism.objects.get(slug="midwa")
    form.update({"edition": str(edition.pk), "mechanism": str(midwa.pk), "kind": "rcp", "governance": "pillar",
                 "region": str(midwa.region_id), "status": "approved"})
    response = client.post("/admin/reviews/reviewentry/add/", form)
    assert response.status_code == 302
    assert not ReviewEntry.objects.filter(edition=edition, mechanism=midwa).exists()  # a proposal, for now
    proposals.approve(proposals.pending().latest("pk"), editor)
    entry = ReviewEntry.objects.get(edition=edition, mechanism=midwa)
    assert entry.status == ReviewEntry.Status.DRAFT
    # So the editor cannot publish an edition whose entry no editor approved.
    services.submit_for_review(edition=edition, user=editor)
    with pytest.raises(services.PublishRefused, match="Entry 'midwa' is draft, not approved"):
        services.publish_edition(edition=edition, user=editor)


def test_editing_an_entry_keeps_its_status_whatever_the_form_sends(curator, editor, edition):
    midwa = Mechanism.objects.get(slug="midwa")
    entry = ReviewEntry.objects.create(edition=edition, mechanism=midwa, kind="rcp", governance="pillar",
                                       region=midwa.region)
    client = client_of(curator)
    url = f"/admin/reviews/reviewentry/{entry.pk}/change/"
    form = form_data(client.get(url).content, "reviewentry_form")
    form.update({"status": "approved", "section": "3.9"})
    assert client.post(url, form).status_code == 302
    proposals.approve(proposals.pending().latest("pk"), editor)  # what the curator proposed, applied
    entry.refresh_from_db()
    assert (entry.section, entry.status) == ("3.9", ReviewEntry.Status.DRAFT)


def test_only_an_editor_approves_entries_through_the_admin_action(curator, editor, edition):
    midwa = Mechanism.objects.get(slug="midwa")
    entry = ReviewEntry.objects.create(edition=edition, mechanism=midwa, kind="rcp", governance="pillar",
                                       region=midwa.region)
    action = {"action": "approve", "_selected_action": [str(entry.pk)]}
    client_of(curator).post("/admin/reviews/reviewentry/", action)
    entry.refresh_from_db()
    assert entry.status == ReviewEntry.Status.DRAFT
    client_of(curator).post("/admin/reviews/reviewentry/", {**action, "action": "mark_ready"})
    proposals.approve(proposals.pending().latest("pk"), editor)  # a curator's step is a proposal too
    entry.refresh_from_db()
    assert entry.status == ReviewEntry.Status.READY
    client_of(editor).post("/admin/reviews/reviewentry/", action)
    entry.refresh_from_db()
    assert entry.status == ReviewEntry.Status.APPROVED
    assert entry.history.first().history_user == editor


def test_the_approval_service_refuses_a_curator(curator, edition):
    midwa = Mechanism.objects.get(slug="midwa")
    entry = ReviewEntry.objects.create(edition=edition, mechanism=midwa, kind="rcp", governance="pillar",
                                       region=midwa.region)
    with pytest.raises(services.PublishRefused, match="may not approve review entries: it takes the editor role"):
        services.approve_entries(entries=[entry], user=curator)
    entry.refresh_from_db()
    assert entry.status == ReviewEntry.Status.DRAFT


# ----- finding 2: the import bypassed publishing and roles ------------------------------------------

NEW_PUBLISHED_EDITION = (
    "- {slug: annual-2030, year: 2030, title: A 2030 review, authors: [A. Author], status: published}\n"
)


def test_the_import_command_refuses_a_curator_as_the_admin_bulk_import_does(curator, tmp_path):
    (tmp_path / "mechanisms").mkdir()
    (tmp_path / "mechanisms" / "test-process.yaml").write_text(MINIMAL)
    with pytest.raises(CommandError, match="only-a-curator lacks the permission.*reviews.publish_reviewedition"):
        call_command("import_dataset", str(tmp_path), "--user", curator.username)
    with pytest.raises(DatasetError, match="may not import: it takes the editor role"):
        import_dataset({"mechanisms/test-process.yaml": MINIMAL}, user=curator)
    assert not Mechanism.objects.filter(slug="test-process").exists()


def test_importing_a_published_edition_without_approvable_entries_is_refused_and_writes_nothing(editor, api):
    with pytest.raises(DatasetError) as refused:
        import_dataset({"editions.yaml": NEW_PUBLISHED_EDITION}, user=editor, reason="A new edition")
    assert "editions.yaml: edition 'annual-2030': cannot become 'published': The edition has no entries." \
        in refused.value.errors
    assert not ReviewEdition.objects.filter(slug="annual-2030").exists()
    slugs = [edition["slug"] for edition in api.get("/api/v1/editions/").json()["results"]]
    assert "annual-2030" not in slugs


def test_an_imported_published_edition_must_cover_every_mechanism_and_names_those_it_misses(editor):
    entry = ("review_entries:\n  - {edition: annual-2030, section: '1', kind: rcp, governance: stand-alone, "
             "region: africa}")
    with pytest.raises(DatasetError) as refused:
        import_dataset({"editions.yaml": NEW_PUBLISHED_EDITION,
                        "mechanisms/test-process.yaml": MINIMAL.replace("review_entries: []", entry)},
                       user=editor, reason="A new edition")
    missing = [e for e in refused.value.errors if "has no entry in this edition" in e]
    assert len(missing) == Mechanism.objects.count()  # each mechanism already in the dataset
    assert ("editions.yaml: edition 'annual-2030': cannot become 'published': Mechanism 'bali-process' has no "
            "entry in this edition: add one, or leave it out with a reason.") in missing
    assert not ReviewEdition.objects.filter(slug="annual-2030").exists()


def test_an_imported_published_edition_is_published_by_the_workflow_with_its_snapshot(editor, api):
    # The dataset holds the one mechanism the edition reviews.
    Mechanism.objects.update(predecessor=None)
    Mechanism.objects.all().delete()
    entry = ("review_entries:\n  - {edition: annual-2030, section: '1', kind: rcp, governance: stand-alone, "
             "region: africa}")
    import_dataset({"editions.yaml": NEW_PUBLISHED_EDITION,
                    "mechanisms/test-process.yaml": MINIMAL.replace("review_entries: []", entry)},
                   user=editor, reason="A new edition")
    edition = ReviewEdition.objects.get(slug="annual-2030")
    assert edition.status == "published" and edition.published_at is not None
    assert edition.published_snapshot == Snapshot.objects.get(edition=edition)
    assert edition.entries.get().status == ReviewEntry.Status.APPROVED
    body = api.get("/api/v1/editions/annual-2030/").json()
    assert [snapshot["slug"] for snapshot in body["snapshots"]] == [edition.published_snapshot.slug]


def test_an_import_without_an_acting_editor_cannot_publish():
    with pytest.raises(DatasetError, match="Nobody may not submit an edition for review"):
        import_dataset({"editions.yaml": NEW_PUBLISHED_EDITION})
    assert not ReviewEdition.objects.filter(slug="annual-2030").exists()


def test_an_imported_draft_edition_stays_a_draft(editor):
    import_dataset({"editions.yaml": NEW_PUBLISHED_EDITION.replace("published", "draft")}, user=editor)
    assert ReviewEdition.objects.get(slug="annual-2030").status == "draft"


def test_reverting_an_entry_to_an_approved_version_does_not_approve_it(curator, editor, edition):
    midwa = Mechanism.objects.get(slug="midwa")
    entry = ReviewEntry.objects.create(edition=edition, mechanism=midwa, kind="rcp", governance="pillar",
                                       region=midwa.region)
    services.approve_entries(entries=[entry], user=editor)
    approved_version = entry.history.first()
    services.mark_entries_ready(entries=[entry], user=curator)  # a curator may withdraw an approval
    client = client_of(curator)
    url = f"/admin/reviews/reviewentry/{entry.pk}/history/{approved_version.history_id}/"
    response = client.post(url, form_data(client.get(url).content, "historicalreviewentry_form"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == ReviewEntry.Status.READY
