"""Public answers carry validators from the data version, 304 runs no view, and no write leaves a stale answer."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from rest_framework import renderers, serializers
from rest_framework.throttling import AnonRateThrottle

from apps.curation import data_version
from apps.curation.http_cache import PublicCacheMiddleware
from apps.curation.models import ChangeSet, Citation
from apps.dataset import publishing as services
from apps.dataset.importer import import_dataset, read_folder
from apps.dataset.snapshots import create_snapshot
from apps.dataset.synthetic import generate
from apps.mechanisms.models import Mechanism, Participation, Theme
from apps.reviews.models import ReviewEntry

from . import factories
from .html_forms import form_data, saved_and_approved

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BALI = "/api/v1/mechanisms/bali-process/"


@pytest.fixture
def serialisation(monkeypatch):
    """Counts every serializer and renderer call made while a test runs."""
    calls = []
    for owner, name in ((serializers.Serializer, "to_representation"),
                        (serializers.ListSerializer, "to_representation"), (renderers.JSONRenderer, "render")):
        original = getattr(owner, name)

        def counting(self, *args, _original=original, _name=f"{owner.__name__}.{name}", **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, counting)
    return calls


def test_public_answers_carry_a_strong_etag_last_modified_and_public_cache_control(api):
    for url in (BALI, "/api/v1/mechanisms/?page_size=10", "/api/v1/states/FRA/", "/mechanisms/", "/",
                "/editions/2013/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/"), url
        assert response["Last-Modified"].endswith("GMT")
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "Accept" in response["Vary"]


def test_the_admin_and_signed_in_curators_get_no_public_caching(curator_client):
    for url in ("/admin/", BALI, "/mechanisms/"):
        response = curator_client.get(url)
        assert response.status_code == 200, url
        assert not response.has_header("ETag") and "public" not in response.get("Cache-Control", ""), url


def test_if_none_match_gets_a_304_with_one_query_and_no_serialisation(api, serialisation):
    etag = api.get(BALI)["ETag"]
    serialisation.clear()
    with CaptureQueriesContext(connection) as queries:
        response = api.get(BALI, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and response["Cache-Control"].startswith("public")
    assert len(queries) == 1 and "curation_dataversion" in queries[0]["sql"]
    assert serialisation == []
    assert api.head(BALI, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(BALI, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_if_modified_since_gets_a_304_until_the_data_changes(api):
    last_modified = api.get("/mechanisms/")["Last-Modified"]
    assert api.get("/mechanisms/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get("/mechanisms/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    Mechanism.objects.get(slug="bali-process").save()
    # Even within the same second, the new version's Last-Modified is a later second.
    assert api.get("/mechanisms/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_the_etag_names_the_representation_path_query_and_host(api):
    etags = {api.get(url)["ETag"] for url in (BALI, "/api/v1/mechanisms/midwa/", f"{BALI}?format=json")}
    etags.add(api.get(BALI, HTTP_HOST="localhost")["ETag"])
    assert len(etags) == 4
    assert api.get(BALI)["ETag"] == api.get(BALI)["ETag"]


def test_a_repeated_api_request_is_served_from_the_server_cache_without_serialising(api, serialisation):
    first = api.get("/api/v1/meetings/?year=2012")
    assert first["X-Cache"] == "miss"
    serialisation.clear()
    with CaptureQueriesContext(connection) as queries:
        second = api.get("/api/v1/meetings/?year=2012")
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] and second["ETag"] == first["ETag"]
    assert len(queries) == 1 and serialisation == []


def test_errors_are_not_cached_and_carry_no_validator(api):
    assert api.get("/api/v1/mechanisms/nowhere/").status_code == 404
    response = api.get("/api/v1/mechanisms/?founded_after=2011-13")
    assert response.status_code == 400 and not response.has_header("ETag")


# ----- every kind of write leaves no stale answer ------------------------------------------------------

def changes_answer(api, url, write, check):
    """``write`` makes a public change; the same request must then get a new ETag and the new data."""
    before = api.get(url)
    assert before.status_code == 200
    api.get(url)  # now in the server cache too
    write()
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, "a stale 304 after a write"
    assert after["ETag"] != before["ETag"] and after.get("X-Cache") != "hit"
    assert check(after.json()), after.json()


def test_a_curator_edit_in_the_admin(api, curator_client):
    mechanism = Mechanism.objects.get(slug="bali-process")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"

    def edit():
        data = form_data(curator_client.get(url).content, "mechanism_form")
        data.update(name="Bali Process, renamed", change_reason="Cache test")
        assert curator_client.post(url, saved_and_approved(data)).status_code == 302

    changes_answer(api, BALI, edit, lambda body: body["name"] == "Bali Process, renamed")


def test_a_revert_in_the_admin(api, curator_client):
    mechanism = Mechanism.objects.get(slug="bali-process")
    original = mechanism.name
    mechanism.name = "Changed before the revert"
    mechanism.save()
    first = mechanism.history.filter(name=original).earliest("history_date")
    url = f"/admin/mechanisms/mechanism/{mechanism.pk}/history/{first.history_id}/"

    def revert():
        assert curator_client.post(url, form_data(curator_client.get(url).content, "historicalmechanism_form")
                                   ).status_code == 302

    changes_answer(api, BALI, revert, lambda body: body["name"] == original)


def test_saving_deleting_and_relinking_records(api):
    bali = Mechanism.objects.get(slug="bali-process")
    theme = Theme.objects.exclude(mechanisms=bali).first()
    changes_answer(api, BALI, lambda: bali.themes.add(theme), lambda body: theme.slug in body["themes"])
    changes_answer(api, BALI, lambda: bali.themes.remove(theme), lambda body: theme.slug not in body["themes"])
    participation = bali.participations.filter(state__isnull=False).first()

    def change_participation():
        participation.as_written = "Written otherwise"
        participation.save()

    changes_answer(api, BALI, change_participation,
                   lambda body: "Written otherwise" in {p["as_written"] for p in body["participations"]})
    count = bali.participations.count()
    changes_answer(api, BALI, participation.delete, lambda body: len(body["participations"]) == count - 1)
    citation = Citation.objects.filter(object_id=bali.pk, content_type__model="mechanism").first()
    changes_answer(api, BALI, citation.delete, lambda body: len(body["sources"]) == len(
        Citation.objects.filter(object_id=bali.pk, content_type__model="mechanism",
                                source__is_public=True)))


def test_bulk_writes_through_querysets(api):
    changes_answer(api, BALI, lambda: Mechanism.objects.filter(slug="bali-process").update(website="https://x.org"),
                   lambda body: body["website"] == "https://x.org")
    changes_answer(api, "/api/v1/mechanisms/?page_size=500", lambda: generate(scale=0.05, seed=9),
                   lambda body: any(m["slug"].startswith("syn9-") for m in body["results"]))


def test_an_import(api):
    files = dict(read_folder(FIXTURES))  # the folder is read lazily, and read-only
    name = "mechanisms/bali-process.yaml"
    files[name] = files[name].replace("\n  Bali Process on", "\n  Imported Bali Process on", 1)
    changes_answer(api, BALI, lambda: import_dataset(files, reason="Cache test"),
                   lambda body: body["name"].startswith("Imported Bali Process"))


def test_publishing_an_edition_and_its_snapshot(api, django_user_model):
    editor = django_user_model.objects.create_user(username="cache-editor", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="publish_reviewedition"),
                                Permission.objects.get(codename="add_snapshot"))
    editor = django_user_model.objects.get(pk=editor.pk)
    edition = factories.edition(slug="cache-2026", year=2026, title="2026 review")
    bali = Mechanism.objects.get(slug="bali-process")
    ReviewEntry.objects.create(edition=edition, mechanism=bali, kind=bali.kind, governance=bali.governance,
                               region=bali.region, status=ReviewEntry.Status.APPROVED)
    factories.leave_out_the_rest(edition)
    services.submit_for_review(edition=edition, user=editor)
    changes_answer(api, "/api/v1/editions/", lambda: services.publish_edition(edition=edition, user=editor),
                   lambda body: "cache-2026" in {e["slug"] for e in body["results"]})
    changes_answer(api, "/api/v1/snapshots/", lambda: create_snapshot(edition=edition, title="Again"),
                   lambda body: "Again" in {s["title"] for s in body["results"]})


def test_a_page_after_an_edit(api):
    before = api.get("/mechanisms/bali-process/")
    mechanism = Mechanism.objects.get(slug="bali-process")
    mechanism.name = "Bali Process, as the page shows it"
    mechanism.save()
    after = api.get("/mechanisms/bali-process/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Bali Process, as the page shows it" in after.content.decode()


def test_a_rolled_back_write_leaves_the_version_as_it_was():
    before = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Participation.objects.first().save()
        raise RuntimeError
    assert data_version.current() == before


def test_every_public_model_moves_the_version_on_save():
    for model in data_version.public_models():
        instance = model.objects.first()
        if instance is None or model._meta.model_name == "snapshot":
            continue  # snapshots are never saved twice; creating one is tested above
        before = data_version.current()
        instance.save()
        assert data_version.current().number == before.number + 1, model


def test_answers_from_the_cache_and_304s_count_against_the_api_rate(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    first = api.get("/api/v1/regions/")
    second = api.get("/api/v1/regions/")  # a cache hit
    third = api.get("/api/v1/regions/", HTTP_IF_NONE_MATCH=first["ETag"])  # a 304
    refused = [api.get("/api/v1/regions/"), api.get("/api/v1/regions/", HTTP_IF_NONE_MATCH=first["ETag"])]
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 304]
    assert second["X-Cache"] == "hit"
    assert [r.status_code for r in refused] == [429, 429] and refused[0]["Retry-After"]
    assert "throttled" in refused[0].json()["detail"]


# ----- every public page is kept built, per language, for anonymous readers only ------------------------

@pytest.fixture
def api(api):
    """An anonymous client, the kept answers of earlier tests forgotten (they may share this data version)."""
    cache.clear()
    return api


PAGES = ["/", "/mechanisms/", "/mechanisms/bali-process/", "/states/FRA/", "/meetings/?year=2012", "/editions/",
         "/editions/2013/", "/search/?q=migration", "/feeds/changes/", "/mechanisms/midwa/?format=csv"]


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
def test_every_public_page_is_kept_built_under_the_data_version_in_each_language(api, language):
    for page in PAGES:
        url = f"{language}{page}"
        first = api.get(url, HTTP_REFERER="http://testserver/")
        assert (first.status_code, first["X-Cache"]) == (200, "miss"), url
        with CaptureQueriesContext(connection) as queries:
            again = api.get(url, HTTP_REFERER="http://testserver/")
        assert again["X-Cache"] == "hit" and again.content == first.content, url
        assert again["Content-Type"] == first["Content-Type"], url
        assert len(queries) == 1, url  # the data version
        if "format" not in page and "feeds" not in page:
            assert f'<html lang="{language.strip("/") or "en"}">' in again.content.decode(), url


def test_a_kept_page_costs_no_more_than_a_kept_api_answer(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1000/minute", "pages": "1000/minute"})
    costs = {}
    for url in ("/api/v1/mechanisms/bali-process/", "/mechanisms/bali-process/", "/fr/states/FRA/"):
        api.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url)["X-Cache"] == "hit"
        costs[url] = len(queries)
    # The data version, the client's counter read and written.
    assert costs == {url: 3 for url in costs}


def test_languages_never_mix_whatever_the_browser_asks(api):
    english = api.get("/mechanisms/bali-process/", HTTP_ACCEPT_LANGUAGE="fr")
    french = api.get("/fr/mechanisms/bali-process/", HTTP_ACCEPT_LANGUAGE="en")
    assert (english["X-Cache"], french["X-Cache"]) == ("miss", "miss")
    again = api.get("/mechanisms/bali-process/", HTTP_ACCEPT_LANGUAGE="es")
    assert again["X-Cache"] == "hit" and '<html lang="en">' in again.content.decode()
    assert '<html lang="fr">' in french.content.decode()


def test_a_newcomer_is_sent_to_their_language_even_when_the_home_page_is_kept(api):
    kept = api.get("/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_REFERER="http://testserver/fr/")  # the switcher's English
    assert kept.status_code == 200 and api.get("/", HTTP_ACCEPT_LANGUAGE="en")["X-Cache"] == "hit"
    assert {"Accept-Language", "Referer"} <= {name.strip() for name in kept["Vary"].split(",")}
    newcomer = api.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert (newcomer.status_code, newcomer["Location"]) == (302, "/es/")
    assert {"Accept-Language", "Referer"} <= {name.strip() for name in newcomer["Vary"].split(",")}


def test_a_signed_in_curator_neither_reads_nor_fills_the_kept_pages(api, curator_client):
    for url in ("/mechanisms/bali-process/", "/fr/states/FRA/", "/"):
        assert not curator_client.get(url).has_header("X-Cache"), url
        assert not curator_client.get(url).has_header("X-Cache"), url
        assert api.get(url, HTTP_REFERER="http://testserver/")["X-Cache"] == "miss", url


def test_a_curators_preview_never_reaches_the_kept_page(api, curator_client):
    mechanism = Mechanism.objects.get(slug="midwa")
    url = f"/mechanisms/{mechanism.slug}/"
    assert api.get(url)["X-Cache"] == "miss"
    change = f"/admin/mechanisms/mechanism/{mechanism.pk}/change/"
    data = form_data(curator_client.get(change).content, "mechanism_form")
    data.update(name="A Proposed Name", change_reason="Preview test")
    assert curator_client.post(change, data).status_code == 302  # a proposal: the public sees nothing yet
    proposal = ChangeSet.objects.filter(state=ChangeSet.State.PENDING).latest("pk")
    preview = curator_client.get(f"/admin/curation/changeset/{proposal.pk}/preview/")
    assert "A Proposed Name" in preview.content.decode() and not preview.has_header("X-Cache")
    public = api.get(url)
    assert "A Proposed Name" not in public.content.decode()
    assert api.get(url).content == public.content


def test_an_answer_that_gave_its_visitor_a_token_of_their_own_is_not_kept(rf):
    def view_with_a_form(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    middleware = PublicCacheMiddleware(view_with_a_form)
    answers = []
    for _ in range(2):
        request = rf.get("/mechanisms/")
        request.user = AnonymousUser()
        answers.append(middleware(request))
    assert [answer.get("X-Cache") for answer in answers] == [None, None]
