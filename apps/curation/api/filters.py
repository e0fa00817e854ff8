"""Filter fields shared by the public API's filtersets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from apps.curation import text_search
from apps.curation.partial_dates import FORMAT_HELP, PartialDate

# Free-text search: enough for any name in the dataset; longer input is refused with a 400, not searched.
SEARCH_MAX_LENGTH = 200


def search(queryset, text, *lookups):
    """Records where any of ``lookups`` (e.g. 'name__icontains') matches ``text``; all when it is blank."""
    text = text.strip()
    if not text:
        return queryset
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: text})
    return queryset.filter(condition).distinct()


class TextSearchFormField(forms.CharField):
    """A full-text query (apps/curation/text_search.py): refused with the reason when it cannot be searched."""

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            text_search.parse(value)
        return value


class TextSearchFilter(django_filters.CharFilter):
    """Full-text search of the records ``index`` (a name in the search registry) declares searchable,
    ranked, the best first (unless ``ordering`` asks otherwise). ``also`` gives more conditions a record
    may match instead, e.g. a part of an other name."""

    field_class = TextSearchFormField

    def __init__(self, *args, index, also=None, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(*args, **kwargs)
        self.index, self.also = index, also

    def filter(self, queryset, value):
        if not value or not value.strip():
            return queryset
        also = self.also(value.strip()) if self.also else None
        return text_search.rank_matches(text_search.search_index(self.index), queryset, value, also=also)


class PartialDateFormField(forms.CharField):
    """A strict ISO partial date in a query string; the value is the PartialDate."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error)[:300]) from None


@extend_schema_field({"type": "string", "pattern": r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"})
class PartialDateFilter(django_filters.Filter):
    """Compares against a partial-date field's bounds.

    ``after`` keeps records whose date may fall on or after the given date (its latest possible day
    is not earlier); ``before`` keeps those whose date may fall on or before it. So '2011' matches
    both ``founded_after=2011-05-01`` and ``founded_before=2011-05-01``: the precision is respected,
    never guessed.
    """

    field_class = PartialDateFormField

    def __init__(self, *args, date_field, direction, **kwargs):
        kwargs.setdefault("help_text", f"{'On or after' if direction == 'after' else 'On or before'} "
                                       f"this date. {FORMAT_HELP}")
        super().__init__(*args, **kwargs)
        self.date_field, self.direction = date_field, direction

    def filter(self, queryset, value):
        if value is None:
            return queryset
        if self.direction == "after":
            return queryset.filter(**{f"{self.date_field}_latest__gte": value.earliest})
        return queryset.filter(**{f"{self.date_field}_earliest__lte": value.latest})


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)
