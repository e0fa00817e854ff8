"""Filters for mechanisms, shared by the public API and the public pages."""

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.curation.api.filters import PartialDateFilter, TextSearchFilter, YearFilter
from apps.states.models import State

from .classification import Governance, Kind, Status
from .models import Mechanism, MechanismName, Participation, Region, Theme
from .selectors import mechanisms_active_in_year


@extend_schema_field(OpenApiTypes.STR)
class StateCodeFilter(django_filters.ModelChoiceFilter):
    """A state given by its alpha-3 code."""


def names_containing(text):
    """Mechanisms any of whose names, acronym, slug or other names holds ``text``."""
    return (Q(name__icontains=text) | Q(acronym__icontains=text) | Q(slug__icontains=text)
            | Q(pk__in=MechanismName.objects.filter(name__icontains=text).values("mechanism_id")))


class MechanismFilterSet(django_filters.FilterSet):
    q = TextSearchFilter(
        index="mechanism", also=names_containing,
        help_text="Full-text search of names, acronyms, objectives, secretariat and status notes (web-search "
                  "syntax: words, \"a phrase\", or, -word; on PostgreSQL with English stemming), and any part "
                  "of a name, acronym, slug or other name. Hits come best first unless 'ordering' is given. "
                  "A query with no word to search for, or longer than 200 characters, is refused with a 400.",
    )
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, help_text="rcp, irf, global or other (Annex D; global: the current three tiers).")
    governance = django_filters.ChoiceFilter(choices=Governance.choices, help_text="stand-alone or pillar.")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="slug", help_text="Region slug, e.g. 'africa'."
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), to_field_name="slug", field_name="themes",
        help_text="Theme slug, e.g. 'labour-migration'.",
    )
    participant = StateCodeFilter(
        queryset=State.objects.all(), to_field_name="alpha3", method="filter_participant",
        help_text="Alpha-3 code of a participating state, e.g. 'IDN'. Combine with role.",
    )
    role = django_filters.ChoiceFilter(
        choices=Participation.Role.choices, method="filter_participant",
        help_text="Role of the participant given in 'participant' (or of any participant).",
    )
    founded_after = PartialDateFilter(date_field="founded", direction="after")
    founded_before = PartialDateFilter(date_field="founded", direction="before")
    active_in = YearFilter(method="filter_active_in", help_text="Year in which the mechanism existed.")

    class Meta:
        model = Mechanism
        fields = []

    def filter_participant(self, queryset, name, value):
        # participant and role describe the same participation row: one join, both conditions.
        state, role = self.form.cleaned_data.get("participant"), self.form.cleaned_data.get("role")
        if name == "role" and state is not None:
            return queryset  # already applied together with participant
        conditions = {}
        if state is not None:
            conditions["state"] = state
        if role:
            conditions["role"] = role
        if not conditions:
            return queryset
        return queryset.filter(pk__in=Participation.objects.filter(**conditions).values("mechanism_id"))

    def filter_active_in(self, queryset, name, value):
        return mechanisms_active_in_year(queryset, int(value))


