"""Download what you see: the directory, the meetings list, a state's participations and a mechanism's
participants, as CSV and JSON with the filters applied, on the pages and in the API."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from apps.curation.csv_safety import neutralise
from apps.mechanisms.models import Participation

pytestmark = pytest.mark.django_db


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")  # UTF-8, or this fails
    return list(csv.DictReader(io.StringIO(text)))


def _json(response):
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _as_text(rows):
    return [{key: str(value) for key, value in row.items()} for row in rows]


def test_the_directory_downloads_exactly_the_mechanisms_the_filtered_page_shows(client):
    query = "?kind=rcp&status=active"
    page = client.get(f"/mechanisms/{query}").content.decode()
    shown = re.findall(r'<li class="card" data-slug="([^"]+)"', page)
    assert 2 < len(shown) < 26
    rows = _csv(client.get(f"/mechanisms/{query}&format=csv"))
    assert [row["slug"] for row in rows] == shown
    assert {row["status"] for row in rows} == {"active"} and {row["kind"] for row in rows} == {"rcp"}
    bali = next(row for row in rows if row["slug"] == "bali-process")
    assert bali["founded"] == "2002" and "trafficking-in-persons" in bali["themes"].split("; ")
    assert f'{bali["states_taking_part"]} state' in page.split('data-slug="bali-process"')[1].split("</li>")[0]
    # The JSON holds the same rows, with numbers as numbers.
    assert _as_text(_json(client.get(f"/mechanisms/{query}&format=json"))) == rows
    # The page links to both downloads, with its filters.
    assert 'href="/mechanisms/?kind=rcp&amp;status=active&amp;format=csv"' in page


def test_the_meetings_list_downloads_the_meetings_the_filtered_page_shows(client):
    query = "?mechanism=bali-process&date_from=2009"
    page = client.get(f"/meetings/{query}").content.decode()
    titles = [re.sub(r"\s+", " ", t) for t in re.findall(r'<p class="meeting-title"><strong>([^<]+)</strong>', page)]
    rows = _csv(client.get(f"/meetings/{query}&format=csv"))
    assert [row["title"].replace("'", "&#x27;") for row in rows] == titles
    assert len(rows) > 3 and {row["mechanism"] for row in rows} == {"bali-process"}
    assert all(row["start"] >= "2009" for row in rows if row["start"])
    assert _as_text(_json(client.get(f"/meetings/{query}&format=json"))) == rows


def test_a_state_page_downloads_its_participations_in_the_order_shown(client):
    page = client.get("/states/NZL/").content.decode()
    shown = re.findall(r'<th scope="row"><a href="/mechanisms/([a-z0-9-]+)/">', page)
    rows = _csv(client.get("/states/NZL/?format=csv"))
    assert [row["mechanism"] for row in rows] == shown
    apc = next(row for row in rows if row["mechanism"] == "apc")
    assert (apc["role"], apc["end"], apc["note"]) == ("member", "2003", "Annex B marks New Zealand's membership "
                                                                        "'through 2003'.")


def test_a_mechanism_page_downloads_its_participants_in_the_order_shown(client):
    page = client.get("/mechanisms/igad-rcp/").content.decode().split('id="participants-heading"')[1]
    table = re.sub(r'<figure class="chart map".*?</figure>', "", page.split("</section>")[0], flags=re.S)  # not the map
    shown_states = re.findall(r'<a href="/states/([A-Z]{3})/">', table)
    rows = _json(client.get("/mechanisms/igad-rcp/?format=json"))
    assert [row["participant"] for row in rows if row["participant_type"] == "state"] == shown_states
    eritrea = next(row for row in rows if row["participant"] == "ERI")
    assert eritrea["role"] == "suspended-member" and eritrea["note"] == "Has temporarily suspended its membership."
    assert {row["participant"] for row in rows if row["participant_type"] == "organization"} >= {"igad", "iom"}


@pytest.mark.parametrize(("page", "api"), [
    ("/mechanisms/?participant=FRA&status=active&format=csv",
     "/api/v1/mechanisms/?participant=FRA&status=active&format=csv"),
    ("/meetings/?year=2012&format=csv", "/api/v1/meetings/?year=2012&format=csv"),
    ("/states/NZL/?format=csv", "/api/v1/states/NZL/participations/?format=csv"),
    ("/mechanisms/apc/?format=csv", "/api/v1/mechanisms/apc/participants/?format=csv"),
])
def test_the_api_downloads_the_same_csv_as_the_page(client, page, api):
    from_page, from_api = client.get(page), client.get(api)
    assert from_api.status_code == 200
    assert from_api["Content-Type"] == "text/csv; charset=utf-8"
    assert from_api.content == from_page.content
    assert from_api["Content-Disposition"] == from_page["Content-Disposition"]


def test_the_api_json_of_participations_holds_the_same_rows_as_the_csv(client):
    rows = _csv(client.get("/api/v1/mechanisms/apc/participants/?format=csv"))
    assert client.get("/api/v1/mechanisms/apc/participants/").json() == rows


def test_cells_a_spreadsheet_would_run_are_quoted_in_every_download(client):
    Participation.objects.filter(mechanism__slug="apc", state__alpha3="NZL").update(
        note='=HYPERLINK("http://example.com","click")', as_written="@SUM(A1)")
    for url in ("/mechanisms/apc/?format=csv", "/api/v1/mechanisms/apc/participants/?format=csv",
                "/states/NZL/?format=csv"):
        row = next(r for r in _csv(client.get(url)) if r.get("participant", "NZL") == "NZL"
                   and r.get("mechanism", "apc") == "apc")
        assert row["note"] == '\'=HYPERLINK("http://example.com","click")' and row["as_written"] == "'@SUM(A1)"
    # The JSON keeps the value as it is: it is not read by a spreadsheet.
    json_row = next(r for r in client.get("/mechanisms/apc/?format=json").json() if r["participant"] == "NZL")
    assert json_row["note"].startswith("=HYPERLINK")


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Bali", "Bali"), ("", ""), (-9, -9), (3, 3),
])
def test_the_neutraliser_quotes_only_text_that_starts_like_a_formula(value, expected):
    assert neutralise(value) == expected


def test_an_unknown_download_format_is_refused_with_a_clear_message(client):
    response = client.get("/mechanisms/?kind=rcp&format=xlsx")
    assert response.status_code == 400
    assert "Choose &#x27;csv&#x27; or &#x27;json&#x27;." in response.content.decode()
    detail = client.get("/states/NZL/?format=xlsx")
    assert detail.status_code == 400 and b"choose 'csv' or 'json'" in detail.content


def test_a_faulty_filter_in_an_api_csv_download_is_a_400_that_names_it(client):
    response = client.get("/api/v1/mechanisms/?format=csv&founded_after=soon")
    assert response.status_code == 400
    assert "founded_after" in _csv(response)[0]["errors"]


def test_the_schema_documents_the_csv_downloads(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/mechanisms/", "/api/v1/meetings/", "/api/v1/mechanisms/{slug}/participants/",
                 "/api/v1/states/{alpha3}/participations/"):
        operation = schema["paths"][path]["get"]
        parameter = next(p for p in operation["parameters"] if p["name"] == "format")
        assert sorted(parameter["schema"]["enum"]) == ["csv", "json"] and "spreadsheet" in parameter["description"]
        assert "text/csv" in operation["responses"]["200"]["content"]
