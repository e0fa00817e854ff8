"""Reads of mechanisms and participations, with the joins and prefetches each view needs."""

import datetime
from collections import Counter, defaultdict

from django.db.models import CharField, F, Max, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy

from apps.curation.compiled_reads import CompiledRead
from apps.curation.related_rows import RelatedRows, rows
from apps.curation.selectors import citation_shown, citations_by_id, citations_of, citations_of_each, citations_prefetch
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


def published_review_entries_prefetch(lookup="review_entries"):
    return Prefetch(
        lookup,
        queryset=_related("review_entries").objects.filter(edition__status="published")
        .select_related("edition", "region"),
    )


# ----- the API's list and detail as plain rows: one query each, whatever the number of rows -------------
# Each list a mechanism shows comes in the mechanism's own query as a JSON column (``RelatedRows``); the
# answer is built from those rows without a model instance or serializer per row. The serializers stay
# as the OpenAPI schema's description of the same shapes (tests/test_api_contract.py compares them).

_COLUMNS = (
    "id", "slug", "acronym", "name", "kind", "governance", "status", "founded", "ended", "region__slug",
    "region__name", "region__order", "parent_framework__slug", "parent_framework__acronym", "parent_framework__name",
    "parent_framework__kind", "predecessor__slug", "predecessor__acronym", "predecessor__name", "predecessor__kind",
)
_PARTICIPATION_COLUMNS = ("id", "state__alpha3", "state__name", "organization__slug", "organization__acronym",
                          "organization__name", "organization__kind", "role", "as_written", "start", "end")


def _lists_shown_in_the_list(mechanism):
    """What the list shows of each mechanism beside its own columns, as ``RelatedRows`` querysets."""
    return {
        "successor_rows": Mechanism.objects.filter(predecessor=mechanism).order_by("name", "pk")
        .values_list("slug", "acronym", "name", "kind"),
        "theme_rows": Mechanism.themes.through.objects.filter(mechanism=mechanism).order_by("theme__name", "theme")
        .values_list("theme__slug"),
    }


def _participations(mechanism, *more):
    return (Participation.objects.filter(mechanism=mechanism).order_by("role", "as_written", "pk")
            .values_list(*_PARTICIPATION_COLUMNS, *more))


def mechanism_rows():
    """Mechanisms as the rows ``mechanism_api_rows`` reads: a page of the list in one query."""
    mechanism = OuterRef("pk")
    related = {**_lists_shown_in_the_list(mechanism), "participation_rows": _participations(mechanism)}
    return Mechanism.objects.values(*_COLUMNS, **{name: RelatedRows(queryset) for name, queryset in related.items()})


def mechanism_api_rows(mechanisms, *, mechanism_url):
    """Rows of ``mechanism_rows`` as the API lists them (MechanismSerializer's shape); ``mechanism_url``
    turns a slug into the mechanism's absolute API address."""
    return [{**_shown_in_the_list(m, mechanism_url, [_participation_shown(*p) for p in rows(m["participation_rows"])]),
             "url": mechanism_url(m["slug"])} for m in mechanisms]


def _participation_shown(pk, alpha3, state_name, org_slug, org_acronym, org_name, org_kind, role, as_written, start,
                         end):
    return {
        "state": {"alpha3": alpha3, "name": state_name} if alpha3 else None,
        "organization": {"slug": org_slug, "acronym": org_acronym, "name": org_name, "kind": org_kind}
        if org_slug else None,
        "role": role, "as_written": as_written, "start": start, "end": end,
    }


def _shown_in_the_list(m, mechanism_url, participations):
    """A mechanism's fields the list and the detail share, in the serializers' order, but its URL."""

    def reference(slug, acronym, name, kind):
        return {"slug": slug, "acronym": acronym, "name": name, "kind": kind, "url": mechanism_url(slug)}

    return {
        "slug": m["slug"], "acronym": m["acronym"], "name": m["name"], "kind": m["kind"],
        "governance": m["governance"],
        "region": {"slug": m["region__slug"], "name": m["region__name"], "order": m["region__order"]},
        "status": m["status"], "founded": m["founded"], "ended": m["ended"],
        "parent_framework": {"slug": m["parent_framework__slug"], "acronym": m["parent_framework__acronym"],
                             "name": m["parent_framework__name"], "kind": m["parent_framework__kind"]}
        if m["parent_framework__slug"] else None,
        "predecessor": reference(m["predecessor__slug"], m["predecessor__acronym"], m["predecessor__name"],
                                 m["predecessor__kind"]) if m["predecessor__slug"] else None,
        "successors": [reference(*row) for row in rows(m["successor_rows"])],
        "themes": [slug for slug, in rows(m["theme_rows"])],
        "participations": participations,
    }


def _detail_rows(slug):
    """The mechanism of ``slug`` with every list its API detail shows, as JSON columns."""
    mechanism = OuterRef("pk")
    related = {
        **_lists_shown_in_the_list(mechanism),
        "participation_rows": _participations(mechanism, "note"),
        "name_rows": MechanismName.objects.filter(mechanism=mechanism).order_by("valid_from", "name", "pk")
        .values_list("name", "kind", "language", "valid_from", "valid_until"),
        "meeting_rows": _related("meetings").objects.filter(mechanism=mechanism).order_by()
        .values_list("status", "start_earliest", "start"),
        "document_rows": _related("documents").objects.filter(mechanism=mechanism)
        .order_by("date_earliest", "title", "pk").values_list("slug", "title", "kind", "date", "meeting__slug", "url"),
        "review_rows": _related("review_entries").objects.filter(mechanism=mechanism, edition__status="published")
        .order_by("edition__year", "section", "pk")
        .values_list("edition__slug", "edition__year", "section", "kind", "governance", "region__slug", "background",
                     "agenda", "linkages", "taxonomic_placement"),
        "discrepancy_rows": _related("discrepancies").objects.filter(
            mechanism=mechanism, recorded_source__is_public=True, conflicting_source__is_public=True)
        .order_by("position", "pk")
        .values_list("subject", "recorded", "recorded_source__slug", "recorded_locator", "conflicting",
                     "conflicting_source__slug", "conflicting_locator", "note"),
        "source_rows": citations_of(Mechanism),
        "participation_source_rows": citations_of_each(
            Participation, Participation.objects.filter(mechanism=OuterRef(mechanism)).values("pk")),
    }
    return Mechanism.objects.filter(slug=slug).values(
        *_COLUMNS, "status_note", "website", "objectives", "secretariat_note",
        **{name: RelatedRows(queryset) for name, queryset in related.items()},
    )


_DETAIL = CompiledRead(Mechanism, _detail_rows, cited=lambda: (Mechanism, Participation))


def mechanism_api_detail(slug, *, mechanism_url, absolute_url):
    """One mechanism as the API's detail shows it (MechanismDetailSerializer's shape), or None: one query.

    The record, every list it shows and the citations of it and of its participations come in one query
    (``RelatedRows``: one JSON column per list), compiled once (``CompiledRead``); the URL arguments make
    absolute addresses (a mechanism's from its slug, any other from its path). A detail prefetched the ORM
    way took 13 queries and a model instance and serializer per row (bench/RESULTS.md).
    """
    m = _DETAIL.first(slug)
    if m is None:
        return None
    sources = citations_by_id(rows(m["participation_source_rows"]))
    participations = [{**_participation_shown(*row[:-1]), "note": row[-1], "sources": sources.get(row[0], [])}
                      for row in rows(m["participation_rows"])]
    return {
        **_shown_in_the_list(m, mechanism_url, participations),
        "status_note": m["status_note"], "website": m["website"], "objectives": m["objectives"],
        "secretariat_note": m["secretariat_note"],
        "other_names": [{"name": name, "kind": kind, "language": language, "valid_from": valid_from,
                         "valid_until": valid_until}
                        for name, kind, language, valid_from, valid_until in rows(m["name_rows"])],
        "meetings": meeting_summary(rows(m["meeting_rows"]), absolute_url(f"/api/v1/meetings/?mechanism={m['slug']}")),
        "documents": [{"slug": slug, "title": title, "kind": kind, "date": date, "meeting": meeting, "link": url}
                      for slug, title, kind, date, meeting, url in rows(m["document_rows"])],
        "review_entries": [dict(zip(_REVIEW_ENTRY, row, strict=True)) for row in rows(m["review_rows"])],
        "discrepancies": [{"subject": subject, "recorded": recorded,
                           "recorded_source": f"{recorded_source} {recorded_locator}", "conflicting": conflicting,
                           "conflicting_source": f"{conflicting_source} {conflicting_locator}", "note": note}
                          for (subject, recorded, recorded_source, recorded_locator, conflicting, conflicting_source,
                               conflicting_locator, note) in rows(m["discrepancy_rows"])],
        "sources": [citation_shown(*row) for row in rows(m["source_rows"])],
        "url": mechanism_url(m["slug"]),
    }


_REVIEW_ENTRY = ("edition", "year", "section", "kind", "governance", "region", "background", "agenda", "linkages",
                 "taxonomic_placement")


def meeting_summary(meetings, list_url):
    """A mechanism's meetings counted, from ``(status, start_earliest, start)`` rows (ISO dates as text)."""
    starts = sorted((earliest, start) for _, earliest, start in meetings if earliest)
    per_year = Counter(str(int(earliest[:4])) for _, earliest, _ in meetings if earliest)
    return {
        "count": len(meetings),
        "held": sum(status == "held" for status, _, _ in meetings),
        "forthcoming": sum(status == "forthcoming" for status, _, _ in meetings),
        "first": starts[0][1] if starts else None,
        "last": starts[-1][1] if starts else None,
        "per_year": dict(sorted(per_year.items())),
        "list_url": list_url,
    }


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
        .only("mechanism", "state__alpha3", "state__alpha2", "state__name")
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
