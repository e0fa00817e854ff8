"""The public full-text search: the site's search page, the directory's and the API's ``q``. The same
queries give the same hits on SQLite and on PostgreSQL; nothing unpublished or private is ever found."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curation import text_search
from apps.mechanisms.models import Mechanism
from apps.meetings.models import Meeting
from apps.reviews.models import ReviewEntry
from tests import factories

pytestmark = pytest.mark.django_db

OBJECTIVES_PHRASE = '"closer cooperation on migration management"'  # from the Prague Process's objectives


def hits_of(groups, kind):
    return next((hits for index, hits in groups if index.name == kind), [])


def test_a_phrase_of_one_mechanisms_objectives_puts_it_first_on_the_page_and_in_the_api(client, api):
    prague = Mechanism.objects.get(slug="prague-process")
    page = client.get("/search/", {"q": OBJECTIVES_PHRASE})
    assert page.status_code == 200
    mechanisms = hits_of(page.context["groups"], "mechanism")
    assert mechanisms[0].url == prague.get_absolute_url()
    assert "<mark>" in mechanisms[0].snippet
    listing = api.get("/api/v1/mechanisms/", {"q": OBJECTIVES_PHRASE}).json()["results"]
    assert listing[0]["slug"] == "prague-process"
    loose = api.get("/api/v1/mechanisms/", {"q": "migration management"}).json()["results"]
    assert "prague-process" in [row["slug"] for row in loose] and len(loose) > 1  # the words anywhere, in any order


def test_the_api_still_finds_any_part_of_a_name_and_an_asked_order_wins(api):
    by_part = api.get("/api/v1/mechanisms/", {"q": "Bal"}).json()["results"]
    assert "bali-process" in [row["slug"] for row in by_part]
    ordered = api.get("/api/v1/mechanisms/", {"q": "migration management", "ordering": "slug"}).json()["results"]
    assert [row["slug"] for row in ordered] == sorted(row["slug"] for row in ordered)


def test_the_published_review_text_meeting_themes_and_document_titles_are_found(client):
    groups = text_search.search("Poznań Action Plan")
    entries = hits_of(groups, "review_entry")
    assert entries and entries[0].url.startswith(Mechanism.objects.get(slug="prague-process").get_absolute_url())
    assert "#editions-heading" in entries[0].url
    themes = hits_of(text_search.search('"resettlement and repatriation"'), "meeting")
    assert [hit.url.split("#")[0] for hit in themes] == [Mechanism.objects.get(slug="bali-process").get_absolute_url()]
    document = Mechanism.objects.get(slug="bali-process").documents.first()
    if document is not None:
        found = hits_of(text_search.search(f'"{document.title}"'), "document")
        assert document.title in [hit.title.split(" · ")[0] for hit in found]


def test_words_are_found_in_other_forms_with_phrases_alternatives_and_exclusions():
    mechanism = factories.mechanism(objectives="It coordinates the snorvelling of displaced herdsmen.")
    other = factories.mechanism(objectives="It coordinates returning herdsmen and the snorvelling of traders.")

    def found(text):
        return [hit.url for hit in hits_of(text_search.search(text), "mechanism")]

    assert set(found("herdsmen snorvels")) == {mechanism.get_absolute_url(), other.get_absolute_url()}
    assert found('"displaced herdsmen"') == [mechanism.get_absolute_url()]
    assert found("herdsmen -traders") == [mechanism.get_absolute_url()]
    both = {mechanism.get_absolute_url(), other.get_absolute_url()}
    assert set(found("snorvels displaced or snorvels traders")) == both


def test_a_name_outranks_the_same_word_in_a_note():
    in_name = factories.mechanism(name="Quillwort Dialogue")
    in_note = factories.mechanism(secretariat_note="Hosted next to the quillwort garden.")
    hits = hits_of(text_search.search("quillwort"), "mechanism")
    assert [hit.url for hit in hits] == [in_name.get_absolute_url(), in_note.get_absolute_url()]


def test_a_draft_editions_entries_private_notes_and_reviewer_comments_are_never_found(client, api):
    mechanism = Mechanism.objects.get(slug="prague-process")
    draft = factories.edition(slug="review-2099", year=2099, title="Draft review")
    ReviewEntry.objects.create(edition=draft, mechanism=mechanism, kind="rcp", governance="stand-alone",
                               region=mechanism.region, background="The zorbquint initiative was drafted.",
                               reviewer_comment="Check the plovrax figures.")
    mechanism.curator_note = "Ask about the vendelgrist letter."
    mechanism.save()
    meeting = mechanism.meetings.first()
    meeting.curator_note = "vendelgrist too"
    meeting.save()
    for word in ("zorbquint", "plovrax", "vendelgrist"):
        assert text_search.search(word) == []
        page = client.get("/search/", {"q": word})
        assert page.status_code == 200 and word not in page.content.decode().split("</form>")[1]
        assert api.get("/api/v1/mechanisms/", {"q": word}).json()["results"] == []
        assert client.get("/mechanisms/", {"q": word}).context["mechanisms"] == []


def test_the_snippet_is_escaped_and_marks_the_matched_words(client):
    mechanism = factories.mechanism()
    factories.meeting(mechanism, theme="<script>alert(1)</script> on the wrenfold corridor")
    page = client.get("/search/", {"q": "wrenfold"})
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body and "<mark>wrenfold</mark>" in body
    [hit] = hits_of(page.context["groups"], "meeting")
    # No markup but the marks: SQLite's passage keeps the text, escaped; PostgreSQL's ts_headline drops tags.
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("text", ["x" * 201, "tab\there", "nul\x00"])
def test_an_over_long_or_control_character_query_is_refused_with_a_400(client, api, text):
    assert api.get("/api/v1/mechanisms/", {"q": text}).status_code == 400
    assert client.get("/search/", {"q": text}).status_code == 400


def test_a_query_without_a_word_finds_nothing_and_says_why(client):
    page = client.get("/search/", {"q": "the %"})
    assert page.status_code == 200
    assert page.context["groups"] == [] and page.context["problem"]


def test_the_number_of_queries_is_fixed_whatever_the_number_of_hits(client):
    mechanism = factories.mechanism()

    def count(text):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": text}).status_code == 200
        return len(queries)

    factories.meeting(mechanism, theme="A gloamhollow workshop.")
    one = count("gloamhollow")
    for _ in range(30):
        factories.meeting(mechanism, theme="Another gloamhollow workshop.")
    assert count("gloamhollow") == one
    with CaptureQueriesContext(connection) as queries:
        groups = text_search.search("migration")
    assert len(queries) == len(text_search.search_indexes())
    assert sum(len(hits) for _index, hits in groups) > len(groups)
    assert Meeting.objects.filter(theme__icontains="gloamhollow").count() == 31
    assert len(hits_of(text_search.search("gloamhollow"), "meeting")) == text_search.LIMIT


def test_the_api_schema_documents_the_full_text_q(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]
    q = next(p for p in parameters if p["name"] == "q")
    assert "Full-text" in q["description"] and "200 characters" in q["description"]


def test_the_search_page_is_translated(client):
    page = client.get("/fr/search/", {"q": "migration"})
    assert page.status_code == 200
    assert "Rechercher" in page.content.decode() or "Recherche" in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_on_postgresql_a_search_is_served_by_the_gin_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_fts"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"mechanism_objectives_fts", "meeting_theme_fts", "reviewentry_background_fts"} <= names
    queryset = text_search.matching(text_search.search_index("meeting"), text_search.parse("repatriation"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "meeting_theme_fts" in plan
