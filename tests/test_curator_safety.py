"""Curator safety: roles, no lost updates, one validation for every entry point, the data-quality report,
the bulk import, login throttling and production settings."""

import io
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings

from apps.curation.models import ChangeSet, ConcurrentEditError
from apps.curation.roles import sync_roles
from apps.dataset import quality
from apps.dataset.importer import DatasetError, import_dataset
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Meeting
from apps.reviews.models import ReviewEdition
from apps.states.models import State

from . import factories
from .html_forms import form_data, saved_and_approved
from .test_dataset_import import MINIMAL

pytestmark = pytest.mark.django_db


def member_of(django_user_model, username, *roles):
    user = django_user_model.objects.create_user(username=username, password="correct horse battery", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def curator_a(django_user_model):
    return member_of(django_user_model, "curator-a", "curator")


@pytest.fixture
def curator_b(django_user_model):
    return member_of(django_user_model, "curator-b", "curator")


# Two editors, whose saves apply at once: the tests of concurrent saves in the admin use them. A curator's
# save is a proposal for review (tests/test_staged_changes.py), applied by the same version-guarded save.
@pytest.fixture
def editor_a(django_user_model):
    return member_of(django_user_model, "editor-a", "curator", "editor")


@pytest.fixture
def editor_b(django_user_model):
    return member_of(django_user_model, "editor-b", "curator", "editor")


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "an-editor", "curator", "editor")


# ----- roles ------------------------------------------------------------------------------------

def test_the_three_roles_exist_with_permissions_that_match_their_names():
    curator, editor, administrator = (set(Group.objects.get(name=n).permissions.values_list("codename", flat=True))
                                      for n in ("curator", "editor", "administrator"))
    assert {"change_mechanism", "add_participation", "delete_meeting", "change_citation"} <= curator
    assert not {"publish_reviewedition", "add_snapshot", "change_user"} & curator
    assert curator < editor and {"publish_reviewedition", "add_snapshot"} <= editor and "change_user" not in editor
    assert editor < administrator and {"add_user", "change_user", "change_group"} <= administrator


def test_a_curator_edits_records_but_cannot_publish_or_manage_users(curator_a, editor):
    _user, client = curator_a
    mechanism = Mechanism.objects.get(slug="midwa")
    assert client.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/change/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/bulk-import/").status_code == 403
    edition = ReviewEdition.objects.get(slug="harns-2013")
    page = client.get("/admin/reviews/reviewedition/").content.decode()
    assert 'value="publish"' not in page
    response = client.post("/admin/reviews/reviewedition/", {"action": "publish", "_selected_action": [edition.pk]})
    assert response.status_code in (200, 302, 403)
    assert ReviewEdition.objects.get(pk=edition.pk).version == edition.version
    _editor, editor_client = editor
    assert 'value="publish"' in editor_client.get("/admin/reviews/reviewedition/").content.decode()


def test_an_anonymous_visitor_reaches_no_admin_data(client):
    for url in ("/admin/mechanisms/mechanism/", "/admin/data-quality/", "/admin/bulk-import/",
                "/admin/curation/changeset/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_commands_act_as_a_named_user_with_that_users_permissions(editor, tmp_path, django_user_model):
    django_user_model.objects.create_user(username="reader", password="x")
    (tmp_path / "mechanisms").mkdir()
    (tmp_path / "mechanisms" / "test-process.yaml").write_text(MINIMAL)
    with pytest.raises(CommandError, match="reader lacks the permission"):
        call_command("import_dataset", str(tmp_path), "--user", "reader")
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("import_dataset", str(tmp_path), "--user", "nobody")
    call_command("import_dataset", str(tmp_path), "--user", "an-editor", "--reason", "Adding a test process")
    record = Mechanism.objects.get(slug="test-process").history.first()
    assert (record.history_user.username, record.history_change_reason) == ("an-editor", "Adding a test process")


# ----- no lost updates --------------------------------------------------------------------------

def open_form(client, url, form_id):
    return form_data(client.get(url).content, form_id)


def test_two_curators_changing_different_fields_of_one_record_both_keep_their_change(editor_a, editor_b):
    (_a, client_a), (_b, client_b) = editor_a, editor_b
    mechanism = factories.mechanism(name="Original", status="active")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    form_a = open_form(client_a, url, "mechanism_form")
    form_b = open_form(client_b, url, "mechanism_form")

    form_b.update(status="inactive", change_reason="Inactive per section 3.8.2")
    assert client_b.post(url, saved_and_approved(form_b)).status_code == 302

    form_a.update(name="Renamed by A")
    saved = client_a.post(url, saved_and_approved(form_a), follow=True)
    assert "Someone else changed status of this mechanism while you were editing it" in saved.content.decode()
    mechanism.refresh_from_db()
    assert (mechanism.name, mechanism.status) == ("Renamed by A", "inactive")
    assert [r.history_user.username for r in mechanism.history.order_by("history_date")[1:]] == [
        "editor-b", "editor-a"]


def test_two_curators_changing_the_same_field_are_told_exactly_that(editor_a, editor_b):
    (_a, client_a), (_b, client_b) = editor_a, editor_b
    mechanism = factories.mechanism(name="Original", status="active", website="https://old.example.org")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    form_a = open_form(client_a, url, "mechanism_form")
    form_b = open_form(client_b, url, "mechanism_form")

    form_b.update(status="inactive", website="https://b.example.org")
    assert client_b.post(url, saved_and_approved(form_b)).status_code == 302

    form_a.update(status="dissolved", name="Renamed by A")
    refused = client_a.post(url, saved_and_approved(form_a))
    assert refused.status_code == 200
    page = refused.content.decode()
    errors = page[page.index('class="errornote"'):page.index('id="mechanism_form"')] if 'class="errornote"' in page \
        else page
    assert "editor-b saved this mechanism" in page
    assert "Status: yours is &#x27;Dissolved&#x27;, theirs is &#x27;Inactive&#x27;." in page
    assert "Name:" not in errors and "Website:" not in errors and "version" not in errors.lower()
    assert 'value="Renamed by A"' in page and 'value="https://b.example.org"' in page  # theirs merged in
    mechanism.refresh_from_db()
    assert (mechanism.name, mechanism.status) == ("Original", "inactive")

    # Saving again, now knowing what B did, applies A's change on top of B's.
    again = form_data(page, "mechanism_form")
    assert client_a.post(url, saved_and_approved(again)).status_code == 302
    mechanism.refresh_from_db()
    assert (mechanism.name, mechanism.status, mechanism.website) == ("Renamed by A", "dissolved",
                                                                     "https://b.example.org")


def test_two_curators_editing_one_participation_row_lose_nothing(editor_a, editor_b):
    (_a, client_a), (_b, client_b) = editor_a, editor_b
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    mechanism_url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    row_url = f"/admin/mechanisms/participation/{row.pk}/change/"
    form_a = open_form(client_a, mechanism_url, "mechanism_form")  # A edits the row inline
    form_b = open_form(client_b, row_url, "participation_form")  # B edits it on its own page

    form_b.update(role="observer", as_written="Republic of France")
    assert client_b.post(row_url, saved_and_approved(form_b)).status_code == 302
    form_a["participations-0-as_written"] = "the French Republic"
    refused = client_a.post(mechanism_url, saved_and_approved(form_a))
    page = refused.content.decode()
    assert refused.status_code == 200 and "editor-b saved this participation" in page
    assert "As written: yours is &#x27;the French Republic&#x27;, theirs is &#x27;Republic of France&#x27;" \
        in page
    row.refresh_from_db()
    assert (row.role, row.as_written) == ("observer", "Republic of France")


def test_a_stale_save_in_code_is_refused_not_applied():
    mechanism = factories.mechanism(name="Original")
    first, second = Mechanism.objects.get(pk=mechanism.pk), Mechanism.objects.get(pk=mechanism.pk)
    first.name = "First"
    first.save()
    second.name = "Second"
    with pytest.raises(ConcurrentEditError, match="changed by someone else"), transaction.atomic():
        second.save()
    assert Mechanism.objects.get(pk=mechanism.pk).name == "First"


# ----- one validation for every entry point ----------------------------------------------------

def test_one_participant_holds_one_standing_role_at_a_time():
    mechanism = factories.mechanism()
    factories.participation(mechanism, "JPN", "observer", start="2005", end="2010")
    overlapping = Participation(mechanism=mechanism, state=State.objects.get(alpha3="JPN"),
                                role="member", start="2009")
    with pytest.raises(Exception) as error:
        overlapping.full_clean()
    assert "Already recorded as observer (from 2005 to 2010)" in str(error.value)
    after = Participation(mechanism=mechanism, state=overlapping.state, role="member", start="2011")
    after.full_clean()  # a later membership is fine
    chair = Participation(mechanism=mechanism, state=overlapping.state, role="chair", start="2006")
    chair.full_clean()  # chairing combines with any standing role


def test_the_import_applies_the_same_rule():
    text = MINIMAL.replace("participations:\n", "participations:\n  - state: IDN\n    role: observer\n"
                           "    as_written: Indonesia\n    start: ''\n    end: ''\n    note: ''\n"
                           "    sources: [harns-2013 Annex B]\n")
    with pytest.raises(DatasetError) as error:
        import_dataset({"mechanisms/test-process.yaml": text})
    assert any("Already recorded as" in line and "participations[1]" in line for line in error.value.errors)


def test_the_import_compares_a_new_row_with_the_participations_already_stored():
    import_dataset({"mechanisms/test-process.yaml": MINIMAL.replace(
        "    role: member\n    as_written: Indonesia\n    start: ''\n    end: ''",
        "    role: observer\n    as_written: Indonesia\n    start: '2005'\n    end: '2010'")})
    # The file now lists, first, a membership from 2009 that overlaps the stored observer row, which it keeps
    # (unchanged, so not validated again) further down, and a membership of another participant.
    again = MINIMAL.replace(
        "    role: member\n    as_written: Indonesia\n    start: ''\n    end: ''",
        "    role: member\n    as_written: Indonesia\n    start: '2009'\n    end: ''").replace(
        "meetings:\n", "  - state: IDN\n    role: observer\n    as_written: Indonesia\n"
        "    start: '2005'\n    end: '2010'\n    note: ''\n    sources: [harns-2013 Annex B]\n"
        "  - state: THA\n    role: member\n    as_written: Thailand\n    start: ''\n    end: ''\n    note: ''\n"
        "    sources: [harns-2013 Annex B]\nmeetings:\n", 1)
    with pytest.raises(DatasetError) as error:
        import_dataset({"mechanisms/test-process.yaml": again})
    assert [line for line in error.value.errors if "Already recorded as" in line] == [
        next(line for line in error.value.errors if "participations[0]" in line)]
    assert "Already recorded as observer (from 2005 to 2010)" in "\n".join(error.value.errors)
    assert list(Participation.objects.filter(mechanism__slug="test-process").values_list("role", "start")) == [
        ("observer", "2005")]  # nothing written


def test_slugs_collide_whatever_their_case_with_a_message_a_curator_can_act_on(curator_client):
    data = form_data(curator_client.get("/admin/mechanisms/mechanism/add/").content, "mechanism_form")
    data.update(name="Copy", slug="MIDWA", region=str(Mechanism.objects.get(slug="midwa").region_id), kind="rcp",
                governance="stand-alone", status="active")
    page = curator_client.post("/admin/mechanisms/mechanism/add/", saved_and_approved(data)).content.decode()
    assert "slug" in page.lower() and Mechanism.objects.filter(slug__iexact="midwa").count() == 1


def test_meetings_before_founding_and_stale_forthcoming_meetings_are_flagged():
    mechanism = factories.mechanism(founded="2010")
    early = factories.meeting(mechanism, start="2008-05")
    stale = factories.meeting(mechanism, start="2012-06", status="forthcoming")
    problems = {(p.check, p.record) for p in quality.run_checks()}
    assert ("meeting-before-founding", f"meeting: {early}") in problems
    assert ("stale-forthcoming", f"meeting: {stale}") in problems


# ----- data-quality report ----------------------------------------------------------------------

def test_check_data_passes_on_the_dataset_and_fails_on_a_blocking_problem(capsys):
    call_command("check_data")
    output = capsys.readouterr().out
    assert "0 blocking" in output and "source-discrepancy" in output
    factories.mechanism(name="Uncited Process")
    with pytest.raises(CommandError, match="1 blocking problem"):
        call_command("check_data")
    assert "/admin/mechanisms/mechanism/" in capsys.readouterr().out


def test_the_admin_data_quality_page_links_each_problem_to_its_record(curator_a):
    _user, client = curator_a
    meeting = Meeting.objects.filter(host__isnull=True).first()
    page = client.get("/admin/data-quality/").content.decode()
    assert "Nothing blocks publishing" in page
    assert f'href="/admin/meetings/meeting/{meeting.pk}/change/"' in page


# ----- bulk import ------------------------------------------------------------------------------

def upload(name, data):
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def test_a_bulk_import_shows_exactly_the_diff_then_applies_it_as_one_change(editor):
    user, client = editor
    midwa = open("fixtures/mechanisms/midwa.yaml").read()
    edited = midwa.replace("founded: '2000'", "founded: '2001'").replace(
        "    as_written: Togo\n", "    as_written: the Togolese Republic\n")
    response = client.post("/admin/bulk-import/", {"file": upload("midwa.yaml", edited), "reason": "Annex B dates",
                                                   "step": "preview"})
    page = response.content.decode()
    assert "Would apply 2 changes from 1 files" in page
    assert "founded" in page and "2000" in page and "the Togolese Republic" in page
    assert Mechanism.objects.get(slug="midwa").founded == "2000"  # nothing written yet

    applied = client.post("/admin/bulk-import/", {"step": "apply"})
    assert applied.status_code == 302
    assert Mechanism.objects.get(slug="midwa").founded == "2001"
    change_set = ChangeSet.objects.get(reason="Annex B dates")
    assert (change_set.kind, change_set.user) == ("import", user)
    listing = client.get(f"/admin/curation/changeset/{change_set.pk}/change/").content.decode()
    assert "Records changed (2)" in listing and "the Togolese Republic" in listing


def test_a_bulk_import_of_a_zip_with_an_error_names_the_file_and_writes_nothing(editor):
    _user, client = editor
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/mechanisms/test-process.yaml", MINIMAL.replace("state: IDN", "state: ATL"))
    response = client.post("/admin/bulk-import/", {"file": upload("batch.zip", buffer.getvalue()), "reason": "x",
                                                   "step": "preview"})
    page = response.content.decode()
    assert "nothing was written" in page and "mechanisms/test-process.yaml: participations[0]" in page
    assert not Mechanism.objects.filter(slug="test-process").exists()


def test_confirming_a_dry_run_after_the_data_changed_applies_nothing(editor):
    _user, client = editor
    text = open("fixtures/mechanisms/midwa.yaml").read().replace("founded: '2000'", "founded: '2001'")
    client.post("/admin/bulk-import/", {"file": upload("midwa.yaml", text), "reason": "r", "step": "preview"})
    midwa = Mechanism.objects.get(slug="midwa")
    midwa.status_note = "Edited meanwhile"
    midwa.save()
    response = client.post("/admin/bulk-import/", {"step": "apply"})
    assert "The data changed since the dry run; nothing was applied" in response.content.decode()
    assert Mechanism.objects.get(slug="midwa").founded == "2000"


# ----- login and settings -----------------------------------------------------------------------

def test_failed_logins_are_throttled(django_user_model):
    django_user_model.objects.create_user(username="target", password="correct horse battery", is_staff=True)
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "target", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "target", "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(DEBUG=False, SECURE_SSL_REDIRECT=True)
def test_the_production_settings_pass_the_deployment_check():
    call_command("check", "--deploy", "--fail-level", "WARNING")


def test_every_permission_a_role_names_exists():

    sync_roles(apps, strict=True)
