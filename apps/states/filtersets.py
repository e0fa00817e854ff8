"""Filters for states and organisations, shared by the public API and the public pages."""

import django_filters

from apps.curation.api.filters import SEARCH_MAX_LENGTH, search

from .models import Organization, State


class StateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", max_length=SEARCH_MAX_LENGTH,
                                  help_text="Free text, matched against current and other names and codes.")
    kind = django_filters.ChoiceFilter(choices=State.Kind.choices)
    participating = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_participating",
        help_text="true: only states taking part in at least one mechanism; false: only the others.",
    )

    class Meta:
        model = State
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value, "name__icontains", "official_name__icontains", "alpha3__iexact",
                      "alpha2__iexact", "names__name__icontains")

    def filter_participating(self, queryset, name, value):
        return queryset.filter(participations__isnull=value != "true").distinct()


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", max_length=SEARCH_MAX_LENGTH)
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)

    class Meta:
        model = Organization
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value, "name__icontains", "acronym__icontains", "other_names__name__icontains")
