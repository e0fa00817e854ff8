"""Partial dates: ISO dates of reduced precision ('2012', '2012-06', '2012-06-11').

The review often knows a date only to the year or the month. A partial date keeps exactly the
precision the source gives, and exposes the earliest and latest day it can stand for, which is what
filtering and ordering must compare: '2011' is not before '2011-05-01', it contains it.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import pgettext

ISO_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_ISO = re.compile(ISO_PATTERN, re.ASCII)  # '２０１２' is not an ISO date

FORMAT_HELP = "A year, a month or a day: '2012', '2012-06' or '2012-06-11'. Leave empty when unknown."

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_WRITTEN = re.compile(r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})$")


@dataclass(frozen=True, order=False)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text):
        """Parse an ISO partial date; raise ValueError with a message a curator can act on."""
        text = (text or "").strip()
        if not _ISO.match(text):
            raise ValueError(f"'{text}' is not a date. {FORMAT_HELP}")
        parts = [int(part) for part in text.split("-")]
        year, month, day = parts + [None] * (3 - len(parts))
        if year < 1:
            raise ValueError(f"'{text}' has no valid year.")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month:02d}: months run from 01 to 12.")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' does not exist: {calendar.month_name[month]} {year} has {last} days.")
        return cls(year, month, day)

    @classmethod
    def parse_written(cls, text):
        """Parse a date as people write it: ISO, 'June 2012' or '11 June 2012'."""
        text = (text or "").strip()
        match = _WRITTEN.match(text)
        if match and match["month"].lower() in _MONTHS:
            month = _MONTHS[match["month"].lower()]
            day = int(match["day"]) if match["day"] else None
            iso = f"{match['year']}-{month:02d}" + (f"-{day:02d}" if day else "")
            return cls.parse(iso)
        try:
            return cls.parse(text.replace("/", "-"))
        except ValueError as error:  # quote what the curator typed, not the form it was read into
            raise ValueError(str(error).replace(f"'{text.replace('/', '-')}'", f"'{text}'", 1)) from None

    @property
    def precision(self):
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self):
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self):
        month = self.month or 12
        return datetime.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self):
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


def in_words(date):
    """A PartialDate as the active language writes it: 'June 2012', 'juin 2012', 'junio de 2012'. Here, in the
    base, so that the pages and the sentences of the dataset (the feeds, the changes) write a date alike."""
    if not date.month:
        return str(date.year)
    month = MONTHS[date.month]
    if not date.day:
        return pgettext("month and year, e.g. June 2013", "{month} {year}").format(month=month, year=date.year)
    day = pgettext("first day of a month", "1") if date.day == 1 else str(date.day)
    return pgettext("day, month and year, e.g. 11 June 2013", "{day} {month} {year}").format(
        day=day, month=month, year=date.year
    )


def range_in_words(start, end=None):
    """From ``start`` to ``end`` (PartialDates; ``end`` may be None) in words: '22–23 March 2010',
    '22–23 mars 2010', '22–23 de marzo de 2010'; 'March 2010 – April 2010' when they share no month. The
    three languages all write the day first, so a shared month and year are written once, after the last day."""
    if end is None or end == start:
        return in_words(start)
    if start.day and end.day and (start.year, start.month) == (end.year, end.month):
        first = pgettext("first day of a month", "1") if start.day == 1 else str(start.day)
        return f"{first}–{in_words(end)}"
    return f"{in_words(start)} – {in_words(end)}"


def when_in_words(value):
    """A stored partial date as a sentence says when something happened: 'founded {when}' reads 'founded
    October 2015', 'fondé en octobre 2015', 'fondé le 11 octobre 2015', 'creado el 11 de octubre de 2015'
    (French and Spanish say a day with another word than a month or a year)."""
    try:
        date = PartialDate.parse(value)
    except ValueError:
        return value
    if date.day:
        return pgettext("when something happened: on a day", "{date}").format(date=in_words(date))
    return pgettext("when something happened: in a month or a year", "{date}").format(date=in_words(date))


def text_in_words(value):
    """A stored partial date ('2015-10') in words ('October 2015', 'octobre 2015'); kept as it is when it is
    not a partial date, '' when empty."""
    try:
        return in_words(PartialDate.parse(value)) if value else ""
    except ValueError:
        return value


def parse_or_none(text):
    """The PartialDate for a stored value, or None when the value is empty."""
    return PartialDate.parse(text) if text else None


def validate_partial_date(value):
    if not value:
        return
    try:
        PartialDate.parse(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_partial_date") from None


def validate_range(start, end, *, start_field, end_field):
    """Raise a ValidationError on `end_field` when the end certainly precedes the start."""
    try:
        first, last = parse_or_none(start), parse_or_none(end)
    except ValueError:
        return  # each value reports its own format error
    if first and last and last.latest < first.earliest:
        raise ValidationError(
            {end_field: f"The end ({last}) is before the start ({first}). Check both dates."},
            code="end_before_start",
        )


class PartialDateFormField(forms.CharField):
    """Accepts what a curator types ('2012', 'June 2012', '2012-06-11') and stores the ISO form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return str(PartialDate.parse_written(value))
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_partial_date") from None


class PartialDateField(models.CharField):
    """A partial date stored as its ISO string.

    With ``bounds=True`` the model must also declare ``<name>_earliest`` and ``<name>_latest``
    DateFields; ``CuratedModel.save`` keeps them in step, and filters and ordering use them.
    """

    description = "Partial date (YYYY, YYYY-MM or YYYY-MM-DD)"

    def __init__(self, *args, bounds=False, **kwargs):
        self.bounds = bounds
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("help_text", FORMAT_HELP)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_partial_date)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.bounds:
            kwargs["bounds"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})

    def bound_names(self):
        return f"{self.name}_earliest", f"{self.name}_latest"

    def fill_bounds(self, instance):
        value = parse_or_none_lenient(getattr(instance, self.attname))
        earliest, latest = self.bound_names()
        setattr(instance, earliest, value.earliest if value else None)
        setattr(instance, latest, value.latest if value else None)


def parse_or_none_lenient(text):
    """Like parse_or_none, but None for an invalid value (validation reports it elsewhere)."""
    try:
        return parse_or_none(text)
    except ValueError:
        return None
