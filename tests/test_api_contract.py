"""The contract kept: the API and the pages do what the README and the schema say."""

import pytest
from django.core.exceptions import ValidationError

from apps.mechanisms.models import Mechanism
from apps.meetings.models import Document
from apps.reviews.models import ReviewEdition
from apps.states.models import Organization

from .test_api_hardening import assert_json_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/mechanisms/?foo=bar", "/api/v1/mechanisms/bali-process/?foo=bar",
                                 "/api/v1/states/?kind=sovereign&foo=bar", "/api/v1/editions/?foo="])
def test_an_unknown_parameter_is_a_400_that_names_it(api, url):
    body = assert_json_error(api.get(url), 400)
    assert list(body["errors"]) == ["foo"]
    assert "Unknown parameter" in body["errors"]["foo"][0]


def test_the_known_parameters_are_still_accepted(api):
    assert api.get("/api/v1/mechanisms/?kind=rcp&q=bali&ordering=-name&page=1&page_size=5&format=json"
                   ).status_code == 200
    assert api.get("/api/v1/mechanisms/bali-process/?format=json").status_code == 200


def test_an_unknown_format_is_a_400_naming_format_and_an_unacceptable_accept_a_406(api):
    body = assert_json_error(api.get("/api/v1/mechanisms/?format=xml"), 400)
    assert list(body["errors"]) == ["format"] and "'xml'" in body["errors"]["format"][0]
    body = assert_json_error(api.get("/api/v1/mechanisms/", HTTP_ACCEPT="application/xml"), 406)
    assert "Accept" in body["detail"]


def test_downloads_are_documented_with_the_media_types_they_are_served_in(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/snapshots/{slug}/download/{format_name}/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "application/zip", "text/html"}
    slug = ReviewEdition.objects.get(slug="harns-2013").published_snapshot.slug
    served = {name: api.get(f"/api/v1/snapshots/{slug}/download/{name}/", HTTP_ACCEPT=accept)["Content-Type"]
              for name, accept in [("json", "application/json"), ("yaml", "application/zip"),
                                   ("datapackage", "application/zip"), ("report", "text/html")]}
    assert served == {"json": "application/json", "yaml": "application/zip", "datapackage": "application/zip",
                      "report": "text/html; charset=utf-8"}


@pytest.mark.parametrize("value", ['http://x.example/"onmouseover="alert(1)', "http://x.example/<script>",
                                   "javascript:alert(1)", "ftp://x.example/file", "http://x.example/a b",
                                   "http://x.example/100%"])
def test_url_fields_accept_only_well_formed_http_urls(value):
    for record, field in [(Mechanism.objects.get(slug="bali-process"), "website"),
                          (Organization.objects.get(slug="iom"), "website"),
                          (Document.objects.first(), "url"), (ReviewEdition.objects.get(slug="harns-2013"), "url")]:
        setattr(record, field, value)
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert field in refused.value.message_dict


def test_a_well_formed_url_is_accepted():
    mechanism = Mechanism.objects.get(slug="bali-process")
    mechanism.website = "https://www.baliprocess.net/about-us/?lang=en&x=%20y#top"
    mechanism.full_clean()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("url", ["/", "/mechanisms/", "/mechanisms/bali-process/", "/states/FRA/", "/meetings/",
                                 "/editions/"])
def test_pages_answer_only_get_and_head(api, url, method):
    response = getattr(api, method)(url)
    assert response.status_code == 405, (url, method, response.status_code)
    assert response["Allow"] == "GET, HEAD"
    assert api.head(url).status_code == 200
