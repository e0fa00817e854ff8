"""Filters for meetings, shared by the public API and the public pages."""

import django_filters

from apps.curation.api.filters import PartialDateFilter, YearFilter
from apps.mechanisms.models import Mechanism
from apps.states.models import State

from .models import Document, Meeting


class MeetingFilterSet(django_filters.FilterSet):
    mechanism = django_filters.ModelChoiceFilter(
        queryset=Mechanism.objects.all(), to_field_name="slug", help_text="Mechanism slug, e.g. 'bali-process'."
    )
    year = YearFilter(method="filter_year", help_text="Year the meeting started.")
    date_from = PartialDateFilter(date_field="start", direction="after")
    date_to = PartialDateFilter(date_field="start", direction="before")
    host = django_filters.ModelChoiceFilter(
        queryset=State.objects.all(), to_field_name="alpha3", help_text="Alpha-3 code of the host state."
    )
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)

    class Meta:
        model = Meeting
        fields = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_earliest__year=int(value))


class DocumentFilterSet(django_filters.FilterSet):
    mechanism = django_filters.ModelChoiceFilter(queryset=Mechanism.objects.all(), to_field_name="slug")
    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices)

    class Meta:
        model = Document
        fields = []
