"""The rules every entry point shares, because they live in the models."""

import pycountry
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from apps.mechanisms.models import Participation
from apps.states.models import Organization, State

from . import factories

pytestmark = pytest.mark.django_db


def test_an_end_before_its_start_is_refused():
    mechanism = factories.mechanism(founded="2005", ended="2003")
    with pytest.raises(ValidationError) as error:
        mechanism.full_clean()
    assert "before the start" in str(error.value.message_dict["ended"])


def test_a_year_and_a_day_inside_it_are_not_out_of_order():
    mechanism = factories.mechanism(founded="2011-05-01", ended="2011")
    mechanism.full_clean()


def test_saving_keeps_the_date_bounds_in_step():
    mechanism = factories.mechanism(founded="2011")
    assert (str(mechanism.founded_earliest), str(mechanism.founded_latest)) == ("2011-01-01", "2011-12-31")
    mechanism.founded = "2012-06"
    mechanism.save()
    assert (str(mechanism.founded_earliest), str(mechanism.founded_latest)) == ("2012-06-01", "2012-06-30")


def test_a_participation_names_one_participant_only():
    mechanism = factories.mechanism()
    both = Participation(mechanism=mechanism, role="member", state=State.objects.get(alpha3="FRA"),
                         organization=Organization.objects.get(slug="iom"))
    with pytest.raises(ValidationError):
        both.full_clean()
    with pytest.raises(IntegrityError):
        both.save()


def test_a_mechanism_cannot_be_its_own_predecessor_through_a_chain():
    first = factories.mechanism()
    second = factories.mechanism(predecessor=first)
    first.predecessor = second
    with pytest.raises(ValidationError) as error:
        first.full_clean()
    assert "succeed itself" in str(error.value)


def test_a_bad_partial_date_is_refused_by_the_model():
    mechanism = factories.mechanism()
    mechanism.founded = "2012-13"
    with pytest.raises(ValidationError) as error:
        mechanism.full_clean()
    assert "no month 13" in str(error.value.message_dict["founded"])


def test_slugs_are_unique_whatever_their_case():
    factories.mechanism(slug="same-slug")
    with pytest.raises(IntegrityError):
        factories.mechanism(slug="SAME-SLUG")


def test_every_iso_3166_entry_and_kosovo_are_states():
    assert State.objects.count() == len(pycountry.countries) + 1
    kosovo = State.objects.get(alpha3="XKX")
    assert (kosovo.kind, kosovo.alpha2, kosovo.numeric) == ("special-status", "XK", "")
    assert State.objects.get(alpha3="NCL").sovereign.alpha3 == "FRA"
    assert State.objects.get(alpha3="SWZ").name == "Eswatini"
    assert State.objects.get(alpha3="SWZ").names.get(name="Swaziland").kind == "former"
