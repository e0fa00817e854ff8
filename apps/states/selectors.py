"""Reads of states and organisations, with the joins and prefetches each view needs."""

from django.db.models import Prefetch

from apps.curation.selectors import citations_prefetch

from .models import Organization, State


def _participations_with_mechanism():
    # Participations belong to the mechanisms app, above this one: read through the relation it adds.
    participation = State._meta.get_field("participations").related_model
    return Prefetch(
        "participations",
        queryset=participation.objects.select_related("mechanism")
        .prefetch_related(citations_prefetch())
        .order_by("mechanism__name", "role", "start"),
    )


def state_list():
    return State.objects.select_related("sovereign")


def state_detail():
    """States with their names, citations and participations, each with its mechanism and citations."""
    return state_list().prefetch_related("names", citations_prefetch(), _participations_with_mechanism())


def organization_list():
    return Organization.objects.select_related("state", "parent")


def organization_detail():
    return organization_list().prefetch_related("other_names", citations_prefetch(), _participations_with_mechanism())
