"""A day's real curation in the admin: the bugs a curator's walk-through found, each pinned by a test, and
saves that change only what the curator changed."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.curation.models import Citation
from apps.curation.partial_dates import PartialDateFormField
from apps.curation.people import assign_role
from apps.dataset import report, snapshots
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Document
from apps.reviews.models import ReviewEdition
from apps.states.models import State

from . import factories
from .html_forms import form_data, saved_and_approved

pytestmark = pytest.mark.django_db


def person(django_user_model, username, role="curator"):
    user = django_user_model.objects.create_user(username=username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name=role))
    client = Client()
    client.force_login(user)
    return client


# Ana and Ben are editors: their saves apply at once, which is what these tests of the admin's saves look at.
# A curator's save is a proposal for review (tests/test_staged_changes.py).
@pytest.fixture
def ana(django_user_model):
    return person(django_user_model, "ana", "editor")


@pytest.fixture
def ben(django_user_model):
    return person(django_user_model, "ben", "editor")


def mechanism_url(mechanism):
    return f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"


def open_form(client, url, form_id="mechanism_form"):
    return form_data(client.get(url).content, form_id)


def row_index(form, prefix, pk):
    return next(key.split("-")[1] for key, value in form.items()
                if key.startswith(f"{prefix}-") and key.endswith("-id") and value == str(pk))


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ----- the 500 on the meeting page ----------------------------------------------------------------

def test_an_outcome_document_added_on_the_meeting_page_is_saved_under_the_meetings_mechanism(ana):
    mechanism = factories.mechanism()
    meeting = factories.meeting(mechanism)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    data = open_form(ana, url, "meeting_form")
    data.update({"documents-TOTAL_FORMS": "1", "documents-0-title": "Chair's summary",
                 "documents-0-slug": "test-chairs-summary", "documents-0-kind": "declaration",
                 "documents-0-date": "2012-06-12"})
    response = ana.post(url, saved_and_approved(data))
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get(slug="test-chairs-summary")
    assert (document.meeting, document.mechanism) == (meeting, mechanism)


# ----- the stuck form, when someone deleted a row meanwhile ----------------------------------------

def test_a_row_someone_else_deleted_does_not_block_the_save_and_is_reported(ana):
    mechanism = factories.mechanism(name="Before")
    kept = factories.participation(mechanism, "FRA", "member")
    gone = factories.participation(mechanism, "DEU", "member")
    form = open_form(ana, mechanism_url(mechanism))
    Participation.objects.get(pk=gone.pk).delete()  # someone else, meanwhile

    form["name"] = "After"
    response = ana.post(mechanism_url(mechanism), saved_and_approved(form), follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    assert any("deleted the participation" in m and "Germany" in m and "stays deleted" in m
               for m in messages_of(response))
    mechanism.refresh_from_db()
    assert mechanism.name == "After"
    assert list(mechanism.participations.all()) == [kept]


def test_a_deleted_row_the_curator_had_edited_is_named_with_a_way_out_and_other_edits_kept(ana):
    mechanism = factories.mechanism(name="Before")
    gone = factories.participation(mechanism, "DEU", "member")
    url = mechanism_url(mechanism)
    form = open_form(ana, url)
    Participation.objects.get(pk=gone.pk).delete()

    index = row_index(form, "participations", gone.pk)
    form.update({"name": "After", f"participations-{index}-note": "Joined in 2004"})
    refused = ana.post(url, saved_and_approved(form))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "deleted this participation" in page and "Tick &#x27;Delete&#x27; to let it go" in page
    assert "Select a valid choice" not in page
    again = form_data(page, "mechanism_form")
    assert again["name"] == "After"  # the curator's other edit is still in the form
    again[f"participations-{index}-DELETE"] = "on"
    assert ana.post(url, saved_and_approved(again)).status_code == 302
    mechanism.refresh_from_db()
    assert mechanism.name == "After" and not mechanism.participations.exists()


# ----- saves change only what changed ------------------------------------------------------------

def history_count():
    return sum(model.history.count() for model in apps.get_models()
               if getattr(model._meta, "simple_history_manager_attribute", None) == "history")


def test_saving_one_field_writes_one_history_record_and_leaves_untouched_rows_alone(ana):
    mechanism = Mechanism.objects.get(slug="prague-process")
    rows = {p.pk: p.version for p in mechanism.participations.all()}
    meetings = {m.pk: m.version for m in mechanism.meetings.all()}
    form = open_form(ana, mechanism_url(mechanism))
    before = records_but_citations()

    form["status_note"] = "Checked against the 2013 review."
    assert ana.post(mechanism_url(mechanism), saved_and_approved(form)).status_code == 302
    # One history record of the mechanism; its citations that stated the old note stop covering it (issue 12),
    # and that is recorded in their own history.
    assert records_but_citations() == before + 1
    assert {p.pk: p.version for p in mechanism.participations.all()} == rows
    assert {m.pk: m.version for m in mechanism.meetings.all()} == meetings

    after = history_count()
    unchanged = open_form(ana, mechanism_url(mechanism))
    assert ana.post(mechanism_url(mechanism), saved_and_approved(unchanged)).status_code == 302
    assert history_count() == after  # a save with no change writes nothing


def records_but_citations():
    return history_count() - Citation.history.count()


def test_editing_one_row_inline_does_not_version_the_mechanism_or_conflict_with_an_edit_of_the_mechanism(ana, ben):
    mechanism = factories.mechanism(name="Before")
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    url = mechanism_url(mechanism)
    form_a, form_b = open_form(ana, url), open_form(ben, url)

    form_b[f"participations-{row_index(form_b, 'participations', row.pk)}-as_written"] = "French Republic"
    assert ben.post(url, saved_and_approved(form_b)).status_code == 302
    assert Mechanism.objects.get(pk=mechanism.pk).version == mechanism.version  # only the row moved

    form_a["name"] = "After"
    response = ana.post(url, saved_and_approved(form_a), follow=True)
    assert response.redirect_chain and not any("Someone else" in m for m in messages_of(response))
    row.refresh_from_db()
    assert (Mechanism.objects.get(pk=mechanism.pk).name, row.as_written) == ("After", "French Republic")


def test_changing_different_fields_of_one_row_keeps_both_changes(ana, ben):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "FRA", "member", as_written="France")
    url = mechanism_url(mechanism)
    form_a, form_b = open_form(ana, url), open_form(ben, url)
    index = row_index(form_a, "participations", row.pk)
    form_b[f"participations-{index}-note"] = "Founding member"
    assert ben.post(url, saved_and_approved(form_b)).status_code == 302
    form_a[f"participations-{index}-start"] = "2004"
    response = ana.post(url, saved_and_approved(form_a), follow=True)
    assert any("their changes are kept with yours" in m and "note" in m for m in messages_of(response))
    row.refresh_from_db()
    assert (row.note, row.start) == ("Founding member", "2004")


def test_a_conflict_on_a_choice_and_a_related_record_is_told_in_labels_and_names(ana, ben):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "FRA", "member")
    url = f"/admin/mechanisms/participation/{row.pk}/change/"
    form_a, form_b = open_form(ana, url, "participation_form"), open_form(ben, url, "participation_form")
    form_b.update(role="observer", state=str(State.objects.get(alpha3="DEU").pk))
    assert ben.post(url, saved_and_approved(form_b)).status_code == 302
    form_a.update(role="expected-member", state=str(State.objects.get(alpha3="ITA").pk))
    page = ana.post(url, saved_and_approved(form_a)).content.decode()
    assert "Role: yours is &#x27;Expected member&#x27;, theirs is &#x27;Observer&#x27;." in page
    assert "State: yours is &#x27;Italy&#x27;, theirs is &#x27;Germany&#x27;." in page
    assert "expected-member" not in page.split('id="participation_form"')[0].split("errornote")[-1]


# ----- role transitions --------------------------------------------------------------------------

def test_an_expected_member_becomes_a_member_on_the_day_its_expected_role_ends_in_one_save(ana):
    mechanism = factories.mechanism()
    expected = factories.participation(mechanism, "AFG", "expected-member", start="2011")
    url = mechanism_url(mechanism)
    form = open_form(ana, url)
    index = row_index(form, "participations", expected.pk)
    total = int(form["participations-TOTAL_FORMS"])
    form.update({f"participations-{index}-end": "2013-06-05", "participations-TOTAL_FORMS": str(total + 1),
                 f"participations-{total}-state": str(expected.state_id), f"participations-{total}-role": "member",
                 f"participations-{total}-start": "2013-06-05", f"participations-{total}-as_written": "Afghanistan"})
    response = ana.post(url, saved_and_approved(form))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(mechanism.participations.values_list("role", "start", "end")) == [
        ("expected-member", "2011", "2013-06-05"), ("member", "2013-06-05", "")]


def test_an_overlap_among_the_rows_being_saved_is_refused_even_when_the_database_has_none(ana):
    mechanism = factories.mechanism()
    expected = factories.participation(mechanism, "AFG", "expected-member", start="2011", end="2012")
    url = mechanism_url(mechanism)
    form = open_form(ana, url)
    index = row_index(form, "participations", expected.pk)
    total = int(form["participations-TOTAL_FORMS"])
    form.update({f"participations-{index}-end": "2013-06-05", "participations-TOTAL_FORMS": str(total + 1),
                 f"participations-{total}-state": str(expected.state_id), f"participations-{total}-role": "member",
                 f"participations-{total}-start": "2013-01"})
    page = ana.post(url, saved_and_approved(form)).content.decode()
    assert "Already recorded as expected member (from 2011 to 2013-06-05)" in page
    assert mechanism.participations.count() == 1 and Participation.objects.get(pk=expected.pk).end == "2012"


def test_the_transition_rule_is_one_model_rule_stated_in_the_help_text(ana):
    mechanism = factories.mechanism()
    factories.participation(mechanism, "AFG", "expected-member", start="2011", end="2013-06-05")
    member = Participation(mechanism=mechanism, state=State.objects.get(alpha3="AFG"), role="member",
                           start="2013-06-05")
    member.full_clean()  # the same date ends one role and starts the next
    member.start = "2013-06-04"
    with pytest.raises(Exception, match="Already recorded as expected member"):
        member.full_clean()
    page = ana.get(mechanism_url(mechanism)).content.decode()
    assert "not an overlap" in page


# ----- small things that cost time ---------------------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/mechanisms/mechanism/add/", "/admin/meetings/meeting/add/",
                                 "/admin/meetings/document/add/"])
def test_the_slug_is_filled_in_from_the_name_on_a_new_record(ana, url):
    page = ana.get(url).content.decode()
    assert "data-prepopulated-fields" in page
    fields = page.split("data-prepopulated-fields=\"")[1].split('"')[0]
    assert "#id_slug" in fields and ("#id_name" in fields or "#id_title" in fields)


def test_an_editions_authors_are_typed_one_per_line(django_user_model):
    client = person(django_user_model, "ed", "editor")
    edition = ReviewEdition.objects.get(slug="harns-2013")
    url = f"/admin/reviews/reviewedition/{edition.pk}/change/"
    page = client.get(url).content.decode()
    assert "[&quot;" not in page  # no JSON to type
    data = form_data(page, "reviewedition_form")
    assert data["authors"] == "\n".join(edition.authors)
    data["authors"] = "Harns, Charles\nSomeone, Else\n"
    assert client.post(url, saved_and_approved(data)).status_code == 302
    edition.refresh_from_db()
    assert edition.authors == ["Harns, Charles", "Someone, Else"]


def test_a_taken_slug_gets_one_message_next_to_the_slug(ana):
    data = open_form(ana, "/admin/mechanisms/mechanism/add/")
    data.update(name="Copy", slug="midwa", region=str(Mechanism.objects.get(slug="midwa").region_id), kind="rcp",
                governance="stand-alone", status="active")
    page = ana.post("/admin/mechanisms/mechanism/add/", saved_and_approved(data)).content.decode()
    assert page.count("already exists") == 1
    slug_row = page.split('field-slug')[1].split("</div>\n</div>")[0]
    assert "A mechanism with this slug already exists" in slug_row


def test_a_date_error_quotes_the_date_as_the_curator_typed_it():
    with pytest.raises(Exception) as error:
        PartialDateFormField().clean("31/02/2015")
    assert "'31/02/2015'" in str(error.value) and "31-02-2015" not in str(error.value)


def test_the_report_does_not_list_an_ended_expected_role_among_the_members():
    almaty = Mechanism.objects.get(slug="almaty-process")
    expected = almaty.participations.get(state__alpha3="AFG", role="expected-member")
    expected.end = "2013-06-05"
    expected.save()
    Participation.objects.create(mechanism=almaty, state=expected.state, role="member", start="2013-06-05",
                                 as_written="Afghanistan")
    snapshot = snapshots.create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="t")
    annex = report.context(snapshot)["annex_b"]
    entry = next(m for region in annex for m in region["mechanisms"] if m["mechanism"]["slug"] == "almaty-process")
    members = dict(entry["groups"])["Members"]
    assert members.count("Afghanistan") == 1


# ----- query counts ------------------------------------------------------------------------------

def queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


@pytest.mark.parametrize("participants", [5, 40])
def test_the_mechanism_page_costs_the_same_queries_whatever_its_number_of_participants(curator_client,
                                                                                        participants):
    mechanism = factories.mechanism()
    for state in State.objects.order_by("alpha3")[:participants]:
        factories.participation(mechanism, state.alpha3, "member")
    meeting = factories.meeting(mechanism)
    for number in range(participants // 5):
        Document.objects.create(mechanism=mechanism, meeting=meeting, slug=f"test-declaration-{number}",
                                title=f"Declaration {number}", kind="declaration")
    url = mechanism_url(mechanism)
    curator_client.get(url)  # warm the session and content types
    assert queries(lambda: curator_client.get(url)) == GET_QUERIES
    form = open_form(curator_client, url)
    form["status_note"] = "Checked."
    assert queries(lambda: curator_client.post(url, saved_and_approved(form))) == SAVE_QUERIES
    mechanism.refresh_from_db()
    assert mechanism.status_note == "Checked." and mechanism.history.count() == 2


GET_QUERIES = 16  # session, user, the pending proposals (is one of them the curator's own on this record?), mechanism,
# its inlines (participations, meetings, documents, names, citations, the citations that no longer apply)… (the
# citations name their source by autocomplete: no list of sources is read), and the current citations of the rows of
# the participants, meetings and documents tables (one query per table)
SAVE_QUERIES = 29  # the same reads, one update, one history record, its change set, the admin's log entry,
# and the reads the source register and the staged changes add to a save (4, measured; fixed whatever the rows);
# "Save and approve" adds the pending proposals read and the savepoint of the approval (3); and the current
# citations of the rows of the three tables that take citations (one query per table)


# ----- a role change for several participants at once ------------------------------------------------

def test_an_action_turns_selected_expected_members_into_members_from_a_date(ana):
    mechanism = factories.mechanism()
    rows = [factories.participation(mechanism, code, "expected-member", start="2011") for code in ("AFG", "AZE")]
    other = factories.participation(mechanism, "FRA", "expected-member", start="2011")
    edition = ReviewEdition.objects.get(slug="harns-2013")
    selection = {"action": "turn_into_another_role", "_selected_action": [str(row.pk) for row in rows]}
    page = ana.post("/admin/mechanisms/participation/", selection).content.decode()
    assert "will end on the date below" in page and "Afghanistan" in page and "France" not in page
    response = ana.post("/admin/mechanisms/participation/", {
        **selection, "apply": "1", "role": "member", "on": "5 June 2013", "source": str(edition.source_id),
        "locator": "Annex B", "reason": "Joined at the 2013 ministerial"}, follow=True)
    assert any("2 participation(s) became member from 2013-06-05" in m for m in messages_of(response))
    assert sorted(mechanism.participations.filter(state__alpha3__in=["AFG", "AZE"]).values_list(
        "state__alpha3", "role", "start", "end")) == [
        ("AFG", "expected-member", "2011", "2013-06-05"), ("AFG", "member", "2013-06-05", ""),
        ("AZE", "expected-member", "2011", "2013-06-05"), ("AZE", "member", "2013-06-05", "")]
    assert Participation.objects.get(pk=other.pk).end == ""
    member = mechanism.participations.get(state__alpha3="AFG", role="member")
    assert [str(c) for c in member.sources.all()] == ["harns-2013 Annex B"]
    change_set = member.history.first().change_set
    assert (change_set.reason, change_set.user.username) == ("Joined at the 2013 ministerial", "ana")
    assert Participation.objects.get(pk=rows[0].pk).history.first().change_set == change_set


def test_a_role_change_that_would_overlap_changes_nothing_and_says_why(ana):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "AFG", "expected-member", start="2011")
    factories.participation(mechanism, "AFG", "observer", start="2014")
    response = ana.post("/admin/mechanisms/participation/", {
        "action": "turn_into_another_role", "_selected_action": [str(row.pk)], "apply": "1", "role": "member",
        "on": "2013-06-05"})
    page = response.content.decode()
    assert "Nothing was changed" in page and "Already recorded as observer (from 2014 to now)" in page
    assert list(mechanism.participations.values_list("role", "end").order_by("role")) == [
        ("expected-member", ""), ("observer", "")]


# ----- bulk add -----------------------------------------------------------------------------------

PASTED = "Swaziland\nIran (Islamic Republic of)\nthe Former Yugoslav Republic of Macedonia\nFRA\nAtlantis\n"


def test_a_pasted_list_is_previewed_with_what_each_line_matched_and_nothing_is_saved(ana):
    mechanism = factories.mechanism()
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/bulk-add/"
    page = ana.post(url, {"names": PASTED, "role": "member", "start": "2013", "preview": "1"}).content.decode()
    for name, state in [("Swaziland", "Eswatini"), ("Iran (Islamic Republic of)", "Iran"),
                        ("the Former Yugoslav Republic of Macedonia", "North Macedonia"), ("FRA", "France")]:
        assert f"<td>{name}</td><td>{state} (" in page
    assert "Not matched: Atlantis" in page and 'name="confirm"' not in page
    assert not mechanism.participations.exists()


def test_a_confirmed_bulk_add_saves_every_row_with_its_source_as_one_change(ana):
    mechanism = factories.mechanism()
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/bulk-add/"
    edition = ReviewEdition.objects.get(slug="harns-2013")
    data = {"names": PASTED.replace("Atlantis\n", ""), "role": "observer", "start": "June 2013",
            "source": str(edition.source_id), "locator": "Annex B", "preview": "1"}
    assert 'name="confirm"' in ana.post(url, data).content.decode()
    data.pop("preview")
    response = ana.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    rows = mechanism.participations.order_by("state__alpha3")
    assert [(r.state.alpha3, r.role, r.start, r.as_written) for r in rows] == [
        ("FRA", "observer", "2013-06", "FRA"), ("IRN", "observer", "2013-06", "Iran (Islamic Republic of)"),
        ("MKD", "observer", "2013-06", "the Former Yugoslav Republic of Macedonia"),
        ("SWZ", "observer", "2013-06", "Swaziland")]
    assert all([str(c) for c in row.sources.all()] == ["harns-2013 Annex B"] for row in rows)
    assert len({row.history.first().change_set_id for row in rows}) == 1


def test_a_bulk_add_with_an_unmatched_line_saves_nothing(ana):
    mechanism = factories.mechanism()
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/bulk-add/"
    page = ana.post(url, {"names": PASTED, "role": "member", "confirm": "1"}).content.decode()
    assert "Nothing was saved" in page and "&#x27;Atlantis&#x27; matches no state" in page
    assert not mechanism.participations.exists()


# ----- people -------------------------------------------------------------------------------------

def test_an_administrator_makes_an_editor_in_one_form_and_staff_access_follows_the_role(django_user_model):
    admin_client = person(django_user_model, "boss", "administrator")
    data = form_data(admin_client.get("/admin/auth/user/add/").content, "user_form")
    assert 'name="is_staff"' not in admin_client.get("/admin/auth/user/add/").content.decode()
    data.update(username="new-editor", role="editor", usable_password="true", password1="a long pass phrase 42",
                password2="a long pass phrase 42")
    assert admin_client.post("/admin/auth/user/add/", data).status_code == 302
    editor = django_user_model.objects.get(username="new-editor")
    assert editor.is_staff and [g.name for g in editor.groups.all()] == ["editor"]
    assert editor.has_perm("reviews.publish_reviewedition")
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/reviews/reviewedition/").status_code == 200

    url = f"/admin/auth/user/{editor.pk}/change/"
    change = form_data(admin_client.get(url).content, "user_form")
    assert change["role"] == "editor"
    change["role"] = ""
    assert admin_client.post(url, change).status_code == 302
    editor.refresh_from_db()
    assert not editor.is_staff and not editor.groups.exists()


def test_a_curator_cannot_give_roles(django_user_model):
    cleo = person(django_user_model, "cleo")
    someone = django_user_model.objects.create_user(username="someone")
    with pytest.raises(Exception, match="Only an administrator"):
        assign_role(someone, "editor", by=django_user_model.objects.get(username="cleo"))
    assert cleo.get("/admin/auth/user/add/").status_code == 403


# ----- history ------------------------------------------------------------------------------------

def test_the_mechanism_history_is_one_timeline_of_it_and_its_rows_with_full_values_and_one_reason(ana):
    mechanism = factories.mechanism(objectives="")
    row = factories.participation(mechanism, "AFG", "expected-member")
    meeting = factories.meeting(mechanism, title="First ministerial")
    url = mechanism_url(mechanism)
    form = open_form(ana, url)
    long_text = " ".join(["To foster dialogue on migration among the participating states."] * 3)
    form.update({"objectives": long_text, "change_reason": "Objectives per section 3.4.1",
                 f"participations-{row_index(form, 'participations', row.pk)}-role": "member"})
    assert ana.post(url, saved_and_approved(form)).status_code == 302
    Meeting = type(meeting)
    Meeting.objects.get(pk=meeting.pk).delete()

    ana.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/")  # content types cached, as in any process
    with CaptureQueriesContext(connection) as captured:
        page = ana.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/").content.decode()
    assert f"<strong>Objectives</strong>: (empty) → {long_text}" in page  # in full
    assert "Afghanistan — Member" in page and "<strong>Role</strong>: Expected member → Member" in page
    assert "Objectives per section 3.4.1" in page and page.count("<th scope=\"col\">Reason</th>") == 1
    assert "Meeting: First ministerial" in page and ">Deleted<" in page
    assert "None" not in page.split('class="timeline"')[1]
    assert len(captured) == TIMELINE_QUERIES, len(captured)


# A fixed number, whatever the number of rows and changes: session, user, permissions, the mechanism, the ids of its
# rows of each of the 6 kinds its declaration writes inside it (names, participations, meetings, documents, review
# entries, discrepancies), the history of those kinds and of their citations, the names of the records named in
# changes (one query per kind), and which deleted rows exist now.
TIMELINE_QUERIES = 23


def test_a_deleted_row_is_restored_from_the_timeline_and_the_restore_is_recorded(ana):
    mechanism = factories.mechanism()
    row = factories.participation(mechanism, "AFG", "member", start="2004", note="Founding member")
    Participation.objects.get(pk=row.pk).delete()
    page = ana.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/").content.decode()
    record = Participation.history.filter(id=row.pk, history_type="-").get()
    restore_url = f"/admin/mechanisms/mechanism/{mechanism.pk}/history/restore/mechanisms.participation/" \
                  f"{record.history_id}/"
    assert f'action="{restore_url}"' in page
    response = ana.post(restore_url, follow=True)
    assert any("Restored the participation" in m for m in messages_of(response))
    restored = Participation.objects.get(pk=row.pk)
    assert (restored.state.alpha3, restored.start, restored.note) == ("AFG", "2004", "Founding member")
    latest = restored.history.first()
    assert latest.change_set.kind == "revert" and latest.history_user.username == "ana"
    assert "Restored the participation deleted at" in latest.history_change_reason
    assert f'action="{restore_url}"' not in ana.get(f"/admin/mechanisms/mechanism/{mechanism.pk}/history/") \
        .content.decode()  # it is back: nothing more to restore


# ----- one search box -----------------------------------------------------------------------------

@pytest.mark.parametrize("query, kind, found", [
    ("Swaziland", "States", "Eswatini"),  # a former name
    ("MIDWA", "Mechanisms", "Migration Dialogue for West Africa"),  # an acronym
    ("bali-process", "Mechanisms", "Bali Process"),  # a slug
    ("IRN", "States", "Iran"),  # a code
    ("harns-2013", "Review editions", "Harns"),  # a source
])
def test_one_search_box_finds_any_record(ana, query, kind, found):
    page = ana.get("/admin/mechanisms/mechanism/").content.decode()
    assert 'action="/admin/search/"' in page
    with CaptureQueriesContext(connection) as captured:
        page = ana.get("/admin/search/", {"q": query}).content.decode()
    section = page.split(f"<h2>{kind} (")[1].split("</ul>")[0]
    assert found in section
    # Session and user, their permissions, one query per kind of record: the six the record declarations
    # name (mechanisms, states, organisations, meetings, documents, review editions) and the source register.
    assert len(captured) == 2 + 2 + 7


def test_a_renamed_mechanism_is_found_by_its_former_name(ana):
    mechanism = factories.mechanism(name="Old Consultative Process", acronym="OCP")
    url = mechanism_url(mechanism)
    form = open_form(ana, url)
    form.update({"name": "New Consultative Process", "other_names-TOTAL_FORMS": "1",
                 "other_names-0-name": "Old Consultative Process", "other_names-0-kind": "former",
                 "other_names-0-valid_until": "2013"})
    assert ana.post(url, saved_and_approved(form)).status_code == 302
    page = ana.get("/admin/search/", {"q": "old consultative"}).content.decode()
    assert f'href="{url}">New Consultative Process (OCP)</a>' in page


def test_a_mechanisms_timeline_restores_only_its_own_rows(ana):
    mechanism, other = factories.mechanism(), factories.mechanism()
    row = factories.participation(other, "AFG", "member")
    Participation.objects.get(pk=row.pk).delete()
    record = Participation.history.get(id=row.pk, history_type="-")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/history/restore/mechanisms.participation/{record.history_id}/"
    response = ana.post(url, follow=True)
    assert any("Nothing was restored" in m for m in messages_of(response))
    assert not Participation.objects.filter(pk=row.pk).exists()


def test_a_mechanism_with_many_participants_is_saved_from_its_page(ana):
    """A page posting over Django's default 1,000 fields (the Rabat Process's has about 1,300) saves, not 400s."""
    mechanism = factories.mechanism(name="A Large Process")
    for state in State.objects.order_by("alpha3")[:130]:
        factories.participation(mechanism, state.alpha3, "member", as_written=state.name)
    form = open_form(ana, mechanism_url(mechanism))
    assert len(form) > 1000
    form["status_note"] = "Checked against the members' page."
    assert ana.post(mechanism_url(mechanism), saved_and_approved(form)).status_code == 302
    assert Mechanism.objects.get(pk=mechanism.pk).status_note == "Checked against the members' page."
