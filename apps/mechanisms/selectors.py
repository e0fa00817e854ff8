"""Reads of mechanisms and participations, with the joins and prefetches each view needs."""

import datetime
from collections import defaultdict

from django.db.models import CharField, F, Max, Prefetch, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy

from apps.curation.selectors import citations_prefetch
from apps.states.models import State

from .models import Mechanism, MechanismName, Participation, Region, Theme


def _related(name):
    """The model of a mechanism's reverse relation, such as its ``meetings`` or ``review_entries``.

    The apps above this one (meetings, reviews) attach those records to mechanisms; the reads of a
    mechanism's whole page take them through the relation, without importing the apps that own them.
    """
    return Mechanism._meta.get_field(name).related_model


def participations_in_year(queryset, year):
    """Participations that may have been in force during ``year`` (open ends count as ongoing)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return queryset.filter(
        Q(start_earliest__isnull=True) | Q(start_earliest__lte=last),
        Q(end_latest__isnull=True) | Q(end_latest__gte=first),
    )


def mechanisms_active_in_year(queryset, year):
    """Mechanisms that existed during ``year``: founded by its end, not ended before its start.

    A mechanism still expected (not yet launched) is active in no year.
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return queryset.exclude(status=Mechanism.Status.EXPECTED).filter(
        Q(founded_earliest__isnull=True) | Q(founded_earliest__lte=last),
        Q(ended_latest__isnull=True) | Q(ended_latest__gte=first),
    )



def discrepancies_prefetch(lookup="discrepancies"):
    """Discrepancies between places of public sources only (a review edition's once it is published)."""
    return Prefetch(
        lookup,
        queryset=_related("discrepancies").objects.filter(recorded_source__is_public=True,
                                                          conflicting_source__is_public=True)
        .select_related("recorded_source", "conflicting_source"),
    )


def participations_prefetch(lookup="participations"):
    return Prefetch(
        lookup,
        queryset=Participation.objects.select_related("state", "organization").prefetch_related(citations_prefetch()),
    )


def participation_rows(mechanism_ids):
    """The participations of these mechanisms as the API lists them, by mechanism id: one query, plain rows.

    The mechanisms list shows thousands of participations per page; building them from ``values_list``
    rather than model instances and nested serializers is most of the difference to the raw SQL baseline
    (bench/RESULTS.md).
    """
    rows = defaultdict(list)
    for (mechanism_id, alpha3, state_name, org_slug, org_acronym, org_name, org_kind, role, as_written, start,
         end) in Participation.objects.filter(mechanism_id__in=mechanism_ids).order_by(
            "mechanism_id", "role", "as_written", "pk").values_list(
            "mechanism_id", "state__alpha3", "state__name", "organization__slug", "organization__acronym",
            "organization__name", "organization__kind", "role", "as_written", "start", "end"):
        rows[mechanism_id].append({
            "state": {"alpha3": alpha3, "name": state_name} if alpha3 else None,
            "organization": {"slug": org_slug, "acronym": org_acronym, "name": org_name, "kind": org_kind}
            if org_slug else None,
            "role": role, "as_written": as_written, "start": start, "end": end,
        })
    return rows


def published_review_entries_prefetch(lookup="review_entries"):
    return Prefetch(
        lookup,
        queryset=_related("review_entries").objects.filter(edition__status="published")
        .select_related("edition", "region"),
    )


def mechanism_list():
    return Mechanism.objects.select_related("region", "parent_framework", "predecessor").prefetch_related(
        "themes", "successors"
    )


def mechanism_detail():
    return mechanism_list().prefetch_related(
        participations_prefetch(),
        Prefetch("meetings", queryset=_related("meetings").objects.select_related("host")
                 .prefetch_related(citations_prefetch())),
        "other_names",
        citations_prefetch(),
        published_review_entries_prefetch(),
        discrepancies_prefetch(),
        "documents__meeting",
    )


# ----- reads of the public pages ------------------------------------------------------------------
# The pages show only public data: citations into published editions, never a draft's, and never a
# curator note (the templates do not name it; the page tests look for it).


def state_participations_prefetch():
    """The states taking part in each mechanism, as ``state_participations``: what the matrix shows."""
    return Prefetch(
        "participations",
        queryset=Participation.objects.filter(state__isnull=False).select_related("state").order_by("state__name"),
        to_attr="state_participations",
    )


def short_names_prefetch(lookup="other_names"):
    """A mechanism's short names ('Colombo Process'), as ``short_names``: what a chart labels it with."""
    return Prefetch(
        lookup,
        queryset=MechanismName.objects.filter(kind=MechanismName.Kind.SHORT).order_by("valid_from", "name"),
        to_attr="short_names",
    )


def mechanism_directory():
    """Mechanisms for the public directory: its list, its timeline and its membership matrix."""
    return (
        Mechanism.objects.select_related("region")
        .prefetch_related("themes", short_names_prefetch(), state_participations_prefetch())
        .order_by("name")
    )


def mechanism_timeline():
    """Every mechanism with its region, in the order of the regions: the home page's figures and timeline."""
    return (
        Mechanism.objects.select_related("region")
        .prefetch_related(short_names_prefetch())
        .order_by("region__order", "region__name", "name")
    )


def mechanism_page():
    """One mechanism with everything its public page shows."""
    return Mechanism.objects.select_related("region", "parent_framework", "predecessor").prefetch_related(
        "themes",
        "successors",
        "other_names",
        citations_prefetch(),
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("state", "organization")
            .prefetch_related(citations_prefetch())
            # By recorded name, the same in every language and in the downloads: as the source writes them,
            # 'the Gambia' and 'the Niger' came after Togo.
            .order_by("start_earliest", Coalesce("state__name", "organization__name"), "pk"),
        ),
        Prefetch(
            "meetings",
            queryset=_related("meetings").objects.select_related("host").prefetch_related(citations_prefetch())
            .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug"),
        ),
        Prefetch("documents", queryset=_related("documents").objects.select_related("meeting")),
        published_review_entries_prefetch(),
        discrepancies_prefetch(),
    )


def regions():
    return Region.objects.all()


def themes():
    return Theme.objects.all()


def mechanism_choices():
    """Every mechanism by name, with what a form's list shows of it."""
    return Mechanism.objects.only("slug", "name", "acronym").order_by("name")


def participating_states():
    """States taking part in at least one mechanism, in any role, by name: the directory's state filter."""
    return State.objects.filter(participations__isnull=False).distinct().order_by("name")


# What of a mechanism a history table records, for the list of recent changes.
_CHANGE_PARTS = (
    (None, "id", "facts"),
    ("other_names", "mechanism_id", "other names"),
    ("participations", "mechanism_id", "participants"),
    ("meetings", "mechanism_id", "meetings"),
    ("documents", "mechanism_id", "outcome documents"),
)
# How a page names each part, in the visitor's language.
CHANGE_PART_LABELS = {
    "facts": gettext_lazy("facts"), "other names": gettext_lazy("other names"),
    "participants": gettext_lazy("participants"), "meetings": gettext_lazy("meetings"),
    "outcome documents": gettext_lazy("outcome documents"),
}


def recent_mechanism_changes(limit=10):
    """The ``limit`` latest changes to mechanisms, newest first, as ``[{mechanism, day, latest, parts}]``.

    A change is one part of one mechanism (its facts, participants, meetings…) changed on one day; the
    changes of one mechanism on one day are given together. One query reads them from the edit history
    of every part, one more the mechanisms. Who made a change and why are private and never read here;
    mechanisms deleted since are left out.
    """
    parts = [
        (_related(relation) if relation else Mechanism).history.annotate(
            mechanism_ref=F(key), day=TruncDate("history_date"), part=Value(part, output_field=CharField())
        )
        .values("mechanism_ref", "day", "part")
        .annotate(latest=Max("history_date"))
        .order_by()
        for relation, key, part in _CHANGE_PARTS
    ]
    rows = list(parts[0].union(*parts[1:], all=True).order_by("-latest", "mechanism_ref", "part")[:limit])
    mechanisms = Mechanism.objects.only("slug", "name", "acronym").in_bulk({row["mechanism_ref"] for row in rows})
    changes = {}
    for row in rows:
        if row["mechanism_ref"] not in mechanisms:
            continue
        change = changes.setdefault(
            (row["mechanism_ref"], row["day"]),
            {"mechanism": mechanisms[row["mechanism_ref"]], "day": row["day"], "latest": row["latest"], "parts": []},
        )
        change["parts"].append(row["part"])
    order = [part for _, _, part in _CHANGE_PARTS]
    for change in changes.values():
        change["parts"].sort(key=order.index)
    return list(changes.values())


# ----- reads of a state's page: the mechanisms it takes part in ---------------------------------


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
