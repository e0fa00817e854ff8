"""Reads of states for the public pages, with the joins and prefetches each page needs."""

from collections import defaultdict

from django.db.models import F, Prefetch

from apps.mechanisms.models import Mechanism, Participation
from apps.mechanisms.selectors import citations_prefetch, short_names_prefetch
from apps.meetings.models import Meeting

from .models import State


def state_page():
    """One state with its other names and every participation, each with its mechanism and citations."""
    return State.objects.select_related("sovereign").prefetch_related(
        "names",
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("mechanism")
            .prefetch_related(citations_prefetch())
            .order_by("start_earliest", "mechanism__name", "pk"),
        ),
    )


def meetings_hosted_by(state):
    return (
        Meeting.objects.filter(host=state)
        .select_related("mechanism")
        .prefetch_related(short_names_prefetch("mechanism__other_names"))
        .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug")
    )


def neighbours_of(state, limit=12):
    """The states that sit with ``state`` in the most mechanisms, in any role, most shared first.

    Returns ``[(state, [mechanism, …]), …]``, the mechanisms by name and carrying ``short_names``;
    three queries whatever the data.
    """
    rows = (
        Participation.objects.filter(
            mechanism_id__in=Participation.objects.filter(state=state).values("mechanism_id"),
            state__isnull=False,
        )
        .exclude(state=state)
        .select_related("state")
        .only("mechanism", "state__alpha3", "state__name")
    )
    shared = defaultdict(set)
    states = {}
    for participation in rows:
        states[participation.state_id] = participation.state
        shared[participation.state_id].add(participation.mechanism_id)
    ranked = sorted(shared.items(), key=lambda item: (-len(item[1]), states[item[0]].name))[:limit]
    mechanisms = Mechanism.objects.prefetch_related(short_names_prefetch()).in_bulk(
        set().union(*(ids for _, ids in ranked))
    )
    return [
        (states[state_id], sorted((mechanisms[pk] for pk in ids), key=lambda mechanism: mechanism.name))
        for state_id, ids in ranked
    ]
