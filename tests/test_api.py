"""The public API: its contract, its filters, its errors, and that it only reads."""

import pytest

from apps.mechanisms.models import Mechanism
from apps.states.models import State

from . import factories

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return {item["slug"] for item in results(response)}


# ----- contract ---------------------------------------------------------------------------------

def test_the_api_root_lists_every_resource(api):
    body = api.get("/api/v1/").json()
    assert set(body) == {"mechanisms", "meetings", "documents", "states", "organizations", "themes", "regions",
                         "editions", "snapshots", "sources"}


def test_a_mechanism_list_item_carries_its_classification_and_participants(api):
    mechanism = factories.mechanism(slug="listed-one", acronym="LO", founded="2004-03")
    factories.participation(mechanism, "IDN", "member", as_written="Indonesia")
    item = next(m for m in results(api.get("/api/v1/mechanisms/?q=listed-one")))
    assert item["slug"] == "listed-one"
    assert (item["kind"], item["governance"], item["status"], item["founded"]) == ("rcp", "stand-alone", "active",
                                                                                 "2004-03")
    assert item["region"]["slug"] == "africa"
    assert item["participations"] == [
        {"state": {"alpha3": "IDN", "name": "Indonesia"}, "organization": None, "role": "member",
         "as_written": "Indonesia", "start": "", "end": ""}
    ]
    assert item["url"].endswith("/api/v1/mechanisms/listed-one/")


def test_a_mechanism_detail_has_participations_lineage_and_a_meeting_summary(api):
    old = factories.mechanism(slug="old-process", status="succeeded", ended="2011")
    new = factories.mechanism(slug="new-process", predecessor=old, founded="2011")
    factories.participation(new, "ARM", "member", start="2011", note="Joined on the change of name.")
    factories.meeting(new, start="2012-05-03", end="2012-05-04")
    factories.meeting(new, start="2013-06", status="forthcoming")

    body = api.get("/api/v1/mechanisms/new-process/").json()
    assert body["predecessor"]["slug"] == "old-process"
    assert api.get("/api/v1/mechanisms/old-process/").json()["successors"][0]["slug"] == "new-process"
    assert body["participations"][0]["note"] == "Joined on the change of name."
    summary = body["meetings"]
    assert (summary["count"], summary["held"], summary["forthcoming"]) == (2, 1, 1)
    assert (summary["first"], summary["last"], summary["per_year"]) == ("2012-05-03", "2013-06",
                                                                         {"2012": 1, "2013": 1})
    assert summary["list_url"].endswith("/api/v1/meetings/?mechanism=new-process")


def test_a_state_detail_lists_every_participation_across_mechanisms(api):
    first, second = factories.mechanism(), factories.mechanism()
    factories.participation(first, "KHM", "member", as_written="Cambodia")
    factories.participation(second, "KHM", "observer", as_written="Kingdom of Cambodia")
    body = api.get("/api/v1/states/KHM/").json()
    mine = [p for p in body["participations"] if p["mechanism"]["slug"] in {first.slug, second.slug}]
    assert {(p["mechanism"]["slug"], p["role"], p["as_written"]) for p in mine} == {
        (first.slug, "member", "Cambodia"), (second.slug, "observer", "Kingdom of Cambodia")
    }
    assert api.get("/api/v1/states/khm/").status_code == 200


def test_a_state_shows_its_current_name_and_keeps_the_former_one(api):
    body = api.get("/api/v1/states/SWZ/").json()
    assert body["name"] == "Eswatini"
    swaziland = {"name": "Swaziland", "kind": "former", "language": "", "valid_from": "", "valid_until": "2018-04"}
    assert swaziland in body["names"]


def test_only_published_editions_are_public(api):
    factories.edition(slug="draft-2026", year=2026, title="2026 annual review", status="draft")
    editions = {e["slug"] for e in results(api.get("/api/v1/editions/"))}
    assert "harns-2013" in editions and "draft-2026" not in editions
    assert api.get("/api/v1/editions/draft-2026/").status_code == 404


def test_private_curator_notes_never_appear(api):
    mechanism = factories.mechanism(slug="with-a-note", curator_note="PRIVATE-CANARY-1")
    factories.participation(mechanism, "FRA", curator_note="PRIVATE-CANARY-2")
    for url in ("/api/v1/mechanisms/", "/api/v1/mechanisms/with-a-note/", "/api/v1/states/FRA/"):
        response = api.get(url + ("?page_size=500" if url.endswith("s/") else ""))
        assert b"PRIVATE-CANARY" not in response.content
        assert b"curator_note" not in response.content


# ----- filters ----------------------------------------------------------------------------------

def test_mechanisms_filter_by_classification_region_status_and_theme(api):
    mechanism = factories.mechanism(kind="irf", governance="pillar", status="inactive")
    mechanism.themes.set(mechanism.themes.model.objects.filter(slug="remittances"))
    found = slugs(api.get("/api/v1/mechanisms/?kind=irf&governance=pillar&status=inactive&region=africa"
                          "&theme=remittances&page_size=500"))
    assert found == {mechanism.slug}


def test_participant_and_role_describe_the_same_participation(api):
    mechanism = factories.mechanism()
    factories.participation(mechanism, "JPN", "observer")
    other = factories.mechanism()
    factories.participation(other, "JPN", "member")
    factories.participation(other, "KOR", "observer")
    found = slugs(api.get("/api/v1/mechanisms/?participant=JPN&role=observer&page_size=500"))
    assert mechanism.slug in found and other.slug not in found


def test_founded_filters_respect_the_precision_of_partial_dates(api):
    year = factories.mechanism(founded="2011")
    day = factories.mechanism(founded="2011-05-01")
    earlier = factories.mechanism(founded="2010-12-31")
    after = slugs(api.get("/api/v1/mechanisms/?founded_after=2011-05-01&page_size=500"))
    before = slugs(api.get("/api/v1/mechanisms/?founded_before=2011-04&page_size=500"))
    assert {year.slug, day.slug} <= after and earlier.slug not in after
    assert {year.slug, earlier.slug} <= before and day.slug not in before


def test_active_in_a_year_excludes_those_not_yet_founded_or_already_ended(api):
    ended = factories.mechanism(founded="2001", ended="2011", status="succeeded")
    expected = factories.mechanism(founded="", status="expected")
    found_2005 = slugs(api.get("/api/v1/mechanisms/?active_in=2005&page_size=500"))
    found_2012 = slugs(api.get("/api/v1/mechanisms/?active_in=2012&page_size=500"))
    assert ended.slug in found_2005 and ended.slug not in found_2012
    assert expected.slug not in found_2005 | found_2012


def test_free_text_search_reads_names_acronyms_and_other_names(api):
    mechanism = factories.mechanism(name="Forum on Something Distinctive", acronym="FSD")
    mechanism.other_names.create(name="Zanzibar Talks", kind="alias")
    for query in ("distinctive", "FSD", "zanzibar"):
        assert mechanism.slug in slugs(api.get(f"/api/v1/mechanisms/?q={query}"))


def test_meetings_filter_by_mechanism_year_dates_host_kind_and_status(api):
    mechanism = factories.mechanism()
    kept = factories.meeting(mechanism, start="2012-06", kind="workshop", host=State.objects.get(alpha3="THA"))
    factories.meeting(mechanism, start="2011-03-01", kind="workshop")
    factories.meeting(mechanism, start="2012-07-01", kind="ministerial", status="forthcoming")
    url = (f"/api/v1/meetings/?mechanism={mechanism.slug}&year=2012&date_from=2012-06-15&date_to=2012-06"
           "&host=THA&kind=workshop&status=held")
    assert slugs(api.get(url)) == {kept.slug}


def test_ordering_and_paging(api):
    for _ in range(3):
        factories.mechanism()
    response = api.get("/api/v1/mechanisms/?ordering=-founded_earliest&page_size=2")
    body = response.json()
    assert len(body["results"]) == 2 and body["next"] and body["count"] == Mechanism.objects.count()


def test_a_page_size_above_the_maximum_is_capped(api, settings):
    settings.API_MAX_PAGE_SIZE = 3
    assert len(results(api.get("/api/v1/states/?page_size=1000000000"))) == 3


# ----- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "query, field",
    [
        ("founded_after=banana", "founded_after"),
        ("founded_before=2012-13", "founded_before"),
        ("kind=nonsense", "kind"),
        ("region=atlantis", "region"),
        ("participant=ATL", "participant"),
        ("role=king", "role"),
        ("active_in=year", "active_in"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("ordering=secret", "ordering"),
    ],
)
def test_nonsense_in_a_filter_is_a_400_that_names_the_parameter(api, query, field):
    response = api.get(f"/api/v1/mechanisms/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]


def test_a_page_past_the_end_is_a_json_404(api):
    response = api.get("/api/v1/mechanisms/?page=9999")
    assert response.status_code == 404 and "does not exist" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/v1/mechanisms/atlantis/", "/api/v1/states/ATL/", "/api/v1/nowhere/"])
def test_unknown_records_and_paths_are_json_404s(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


# ----- read-only --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/v1/mechanisms/", "/api/v1/mechanisms/midwa/", "/api/v1/states/IDN/"])
def test_every_write_is_refused_and_changes_nothing(api, curator_client, method, url):
    before = (Mechanism.objects.count(), Mechanism.objects.get(slug="midwa").version)
    for client in (api, curator_client):
        response = getattr(client, method)(url, data={"name": "Changed"}, content_type="application/json")
        assert response.status_code in (401, 403, 405)
    assert (Mechanism.objects.count(), Mechanism.objects.get(slug="midwa").version) == before


def test_the_meetings_list_shows_each_meeting_exactly_as_its_own_record_does(api):
    listed = api.get("/api/v1/meetings/?page_size=500").json()["results"]
    assert len(listed) == 147
    for item in listed[::10] + [m for m in listed if m["host"] is None][:3]:
        assert api.get(f"/api/v1/meetings/{item['slug']}/").json() == item
