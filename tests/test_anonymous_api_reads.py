"""Anonymous reads of the API pass by sessions, authentication and messages; the admin keeps all three."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

READS = ["/api/v1/mechanisms/bali-process/", "/api/v1/mechanisms/?page_size=5", "/api/v1/states/THA/",
         "/api/v1/mechanisms/no-such-mechanism/", "/api/v1/meetings/?year=nonsense"]


@pytest.mark.parametrize("url", READS)
def test_an_anonymous_api_answer_sets_no_cookie_and_does_not_vary_on_cookies(api, url):
    response = api.get(url)
    assert response.status_code in {200, 400, 404}
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.get("Vary", "")
    assert "sessionid" not in api.cookies


def test_the_admin_still_logs_in_with_its_csrf_check_and_a_signed_in_reader_of_the_api_is_known(django_user_model):
    django_user_model.objects.create_user(username="editor", password="correct horse battery", is_staff=True,
                                          is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    form = client.get("/admin/login/")
    token = form.cookies["csrftoken"].value
    refused = client.post("/admin/login/", {"username": "editor", "password": "correct horse battery"})
    assert refused.status_code == 403  # no CSRF token: the check still runs
    signed_in = client.post("/admin/login/", {"username": "editor", "password": "correct horse battery",
                                              "csrfmiddlewaretoken": token, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 200
    # With its session cookie the curator takes the full way: recognised as signed in, so the answer is
    # not the public, cacheable one.
    answer = client.get("/api/v1/mechanisms/bali-process/")
    assert answer.status_code == 200
    assert "public" not in answer.get("Cache-Control", "")
    assert Client().get("/api/v1/mechanisms/bali-process/")["Cache-Control"].startswith("public")
