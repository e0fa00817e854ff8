"""The API's details run SQL compiled once per process (apps/curation/compiled_reads.py): each request's key
takes the placeholder's place, so every record still gets its own answer, and a key is only ever a value."""

import pytest

from apps.curation.models import Citation
from apps.mechanisms.models import Mechanism, Participation
from apps.states import selectors as state_selectors
from apps.states.models import Organization, State

pytestmark = pytest.mark.django_db


def public_citation_count(record):
    return Citation.objects.current().filter(
        source__is_public=True, content_type__model=record._meta.model_name, object_id=record.pk).count()


def test_every_mechanism_detail_is_its_own_with_its_own_citations(api):
    for mechanism in Mechanism.objects.all():
        body = api.get(f"/api/v1/mechanisms/{mechanism.slug}/").json()
        assert body["slug"] == mechanism.slug and body["name"] == mechanism.name
        assert len(body["sources"]) == public_citation_count(mechanism), mechanism.slug
        participations = Participation.objects.filter(mechanism=mechanism)
        assert sum(len(p["sources"]) for p in body["participations"]) == sum(
            public_citation_count(p) for p in participations), mechanism.slug


def test_state_and_organisation_details_one_after_another(api):
    for alpha3 in ("FRA", "THA", "IDN", "fra"):
        body = api.get(f"/api/v1/states/{alpha3}/").json()
        assert body["alpha3"] == alpha3.upper()
        assert len(body["sources"]) == public_citation_count(State.objects.get(alpha3=alpha3.upper()))
        assert len(body["participations"]) == Participation.objects.filter(state__alpha3=alpha3.upper()).count()
    for organization in Organization.objects.filter(participations__isnull=False).distinct()[:5]:
        body = api.get(f"/api/v1/organizations/{organization.slug}/").json()
        assert body["slug"] == organization.slug
        assert len(body["participations"]) == organization.participations.count()


def test_a_key_is_only_ever_a_value():
    urls = {"state_url": str, "mechanism_url": str}
    assert state_selectors.state_api_detail("FRA' OR '1'='1", **urls) is None
    assert state_selectors.state_api_detail("%", **urls) is None
    assert state_selectors.state_api_detail("FRA", **urls)["alpha3"] == "FRA"
