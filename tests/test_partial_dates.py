"""Partial dates keep the precision the source gives, and compare by their bounds."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.curation.partial_dates import PartialDate, PartialDateFormField, validate_partial_date


@pytest.mark.parametrize(
    "text, earliest, latest",
    [
        ("2011", datetime.date(2011, 1, 1), datetime.date(2011, 12, 31)),
        ("2012-02", datetime.date(2012, 2, 1), datetime.date(2012, 2, 29)),
        ("2011-05-01", datetime.date(2011, 5, 1), datetime.date(2011, 5, 1)),
    ],
)
def test_a_partial_date_spans_every_day_it_can_stand_for(text, earliest, latest):
    date = PartialDate.parse(text)
    assert (date.earliest, date.latest, str(date)) == (earliest, latest, text)


@pytest.mark.parametrize(
    "text, message",
    [
        ("2012-13", "no month 13"),
        ("2012-02-30", "February 2012 has 29 days"),
        ("99999", "is not a date"),
        ("banana", "is not a date"),
        ("2012-6", "is not a date"),
    ],
)
def test_malformed_and_impossible_dates_are_refused_with_a_message(text, message):
    with pytest.raises(ValidationError) as error:
        validate_partial_date(text)
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    "typed, stored",
    [("2012", "2012"), ("2012-06", "2012-06"), ("2012-06-11", "2012-06-11"), ("June 2012", "2012-06"),
     ("11 June 2012", "2012-06-11"), ("", "")],
)
def test_curators_type_dates_the_way_people_write_them(typed, stored):
    assert PartialDateFormField(required=False).clean(typed) == stored


def test_a_year_is_not_before_a_day_within_it():
    year, day = PartialDate.parse("2011"), PartialDate.parse("2011-05-01")
    assert year.earliest <= day.earliest <= year.latest
