"""The review report of a snapshot: the review's four annexes regenerated from the data, the changes
since the previous edition, and two simple charts. Rendered by templates/reviews/report.html."""

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from apps.curation.partial_dates import parse_or_none_lenient
from apps.mechanisms.charts import MEETING_COLOUR, meetings_per_year
from apps.reviews.models import LeftOut, ReviewEdition, Snapshot

from . import snapshots
from .diff import compare
from .yaml_format import parse_citation

KIND_LABELS = {"rcp": "RCP", "irf": "IRF", "global": "Global process", "other": "Other"}
ROLE_GROUPS = (
    ("Members", ("member", "expected-member", "suspended-member")),
    ("Observers and partners", ("observer", "expected-observer", "intermittent-observer", "partner")),
    ("Chairs and steering group", ("chair", "steering-group")),
    ("Secretariat", ("secretariat",)),
)


def _label(kind, governance):
    return KIND_LABELS[kind] + (", pillar" if governance == "pillar" else "")


@dataclass(frozen=True)
class MemberBar:
    label: str
    count: int
    y: int
    width: float


@dataclass(frozen=True)
class MembersPerMechanism:
    bars: list
    width: int
    height: int
    label_width: int
    summary: str
    colour: str = MEETING_COLOUR


def members_per_mechanism(pairs, *, row=18, label_width=150, plot=520):
    """Horizontal bars: (label, members) pairs, longest first."""
    top = max((count for _label, count in pairs), default=0) or 1
    bars = [MemberBar(label, count, index * row, round(count / top * plot, 1)) for index, (label, count) in
            enumerate(pairs)]
    largest = pairs[0] if pairs else ("", 0)
    summary = (f"Members of each of the {len(pairs)} mechanisms; the largest is {largest[0]} with {largest[1]}. "
               "A bloc (such as the EU) counts as one member.") if pairs else "No mechanism has members recorded."
    return MembersPerMechanism(bars, label_width + plot + 40, len(pairs) * row + 4, label_width, summary)


def _year(text):
    value = parse_or_none_lenient(text)
    return value.year if value else None


def _earliest(text):
    value = parse_or_none_lenient(text)
    return value.earliest if value else None


def previous_snapshot(snapshot):
    """The latest snapshot of the latest published edition before this snapshot's edition."""
    earlier = ReviewEdition.published_editions.filter(year__lt=snapshot.edition.year, snapshots__isnull=False)
    edition = earlier.order_by("-year", "-slug").first()
    if edition is None:
        return None
    return Snapshot.objects.filter(edition=edition).order_by("-created_at").first()


def _reviewed(dataset, edition):
    """(mechanism, classification) for every mechanism the snapshot holds: as the edition's entry classifies
    it, or, where the edition has no entry for it, as the dataset does, with the reason the edition left it
    out (``left_out``; empty when it gave none, as an edition published before reasons were asked)."""
    regions = {r["slug"]: r for r in dataset["regions"]}
    reasons = dict(LeftOut.objects.filter(edition=edition).values_list("mechanism__slug", "reason"))
    reviewed_successors = {m["predecessor"]: m for m in dataset["mechanisms"] if m.get("predecessor") and any(
        e["edition"] == edition.slug for e in m["review_entries"])}
    rows = []
    for mechanism in dataset["mechanisms"]:
        entry = next((e for e in mechanism["review_entries"] if e["edition"] == edition.slug), None)
        classification = entry or {"kind": mechanism["kind"], "governance": mechanism["governance"],
                                   "region": mechanism["region"], "section": ""}
        rows.append((mechanism, {
            **classification, "region_name": regions[classification["region"]]["name"],
            "region_order": regions[classification["region"]]["order"],
            "label": _label(classification["kind"], classification["governance"]),
            "has_entry": entry is not None, "left_out": "" if entry else reasons.get(mechanism["slug"], ""),
            "covered_by": None if entry else reviewed_successors.get(mechanism["slug"]),
        }))
    return rows


EXPECTED_ROLES = ("expected-member", "expected-observer")


def _participants(mechanism, roles):
    """Who holds one of ``roles``; an expected role that has ended (it became a membership, or lapsed) is not one."""
    return [p["as_written"] or p.get("state") or p.get("organization")
            for p in mechanism["participations"]
            if p["role"] in roles and not (p["role"] in EXPECTED_ROLES and p["end"])]


# The keys of a record that name a place in a source (a discrepancy's two sides).
PLACES = ("recorded_source", "conflicting_source")


def _cited_slugs(value, found):
    """Add to ``found`` the slug of every source a record (and the rows inside it) cites."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                found.update(parse_citation(citation)[0] for citation in item)
            elif key in PLACES and item:
                found.add(parse_citation(item)[0])
            else:
                _cited_slugs(item, found)
    elif isinstance(value, list):
        for item in value:
            _cited_slugs(item, found)
    return found


@dataclass(frozen=True)
class Reference:
    slug: str
    authors: str
    year: str
    title: str
    details: str  # publisher, series, kind of document
    url: str
    archive_url: str
    accessed: str


def references(dataset):
    """The sources the dataset's citations use, as a reference list ordered by author (or title) and date:
    review editions and, in a snapshot made since they have a table, the other sources (public fields only)."""
    cited = set()
    for key, value in dataset.items():
        if key != "sources":
            _cited_slugs(value, cited)
    found = []
    for edition in dataset["editions"]:
        if edition["slug"] in cited:
            series = ", ".join(part for part in (edition.get("series"), edition.get("series_number")) if part)
            found.append(Reference(edition["slug"], "; ".join(edition.get("authors", ())), str(edition["year"]),
                                   edition["title"], ". ".join(p for p in (edition.get("publisher"), series) if p),
                                   edition.get("url", ""), "", ""))
    for source in dataset.get("sources", ()):
        if source["slug"] in cited:
            found.append(Reference(source["slug"], "; ".join(source["authors"]), source["date"], source["title"],
                                   source["publisher"] or source["document_type"].replace("-", " ").capitalize(),
                                   source["url"], source["archive_url"], source["accessed"]))
    return sorted(found, key=lambda r: ((r.authors or r.title).casefold(), r.year, r.slug))


def context(snapshot):
    dataset = snapshots.content(snapshot)
    edition = snapshot.edition
    reviewed = _reviewed(dataset, edition)
    kind_order = {(kind, governance): index for index, (kind, governance) in enumerate(
        (kind, governance) for kind in KIND_LABELS for governance in ("stand-alone", "pillar"))}

    by_region = defaultdict(list)
    for mechanism, classification in sorted(
        reviewed, key=lambda r: (r[1]["region_order"], kind_order[(r[1]["kind"], r[1]["governance"])], r[0]["name"])
    ):
        by_region[classification["region_name"]].append((mechanism, classification))

    previous = previous_snapshot(snapshot)
    period_start = previous.edition.year if previous else min(
        (y for m, _c in reviewed for x in m["meetings"] if (y := _year(x["start"]))), default=edition.year)

    annex_b = [
        {"region": region, "mechanisms": [
            {"mechanism": m, "classification": c,
             "groups": [(label, _participants(m, roles)) for label, roles in ROLE_GROUPS if _participants(m, roles)],
             "dates": f"{m['founded'] or 'not yet launched'} – {m['ended'] or '(ongoing)'}"}
            for m, c in rows]}
        for region, rows in by_region.items()
    ]
    annex_c = []
    for rows in by_region.values():
        for m, c in rows:
            meetings = [x for x in m["meetings"] if (y := _year(x["start"])) and period_start <= y <= edition.year]
            annex_c.append({"mechanism": m, "classification": c, "meetings": sorted(
                meetings, key=lambda x: x["start"], reverse=True)})
    annex_d = sorted(reviewed, key=lambda r: (r[0]["acronym"] or r[0]["name"]).lower())

    dated = [SimpleNamespace(start_earliest=_earliest(x["start"])) for m, _c in reviewed for x in m["meetings"]]
    members = sorted(((m["acronym"] or m["slug"], len(_participants(m, ("member",)))) for m, _c in reviewed),
                     key=lambda pair: (-pair[1], pair[0]))
    changes = None
    if previous is not None:
        changes = compare(previous, dataset).sections
    return {
        "snapshot": snapshot, "edition": edition, "counts": snapshot.counts,
        "annex_a": list(by_region.items()), "annex_b": annex_b, "annex_c": annex_c, "annex_d": annex_d,
        "not_reviewed": [(m, c) for m, c in annex_d if not c["has_entry"]],
        "has_global": any(c["kind"] == "global" for _m, c in reviewed),
        "period": (period_start, edition.year), "previous": previous, "changes": changes,
        "meetings_chart": meetings_per_year(dated),
        "members_chart": members_per_mechanism(members),
        "references": references(dataset),
    }
