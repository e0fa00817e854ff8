"""Write the database out in the dataset format (docs/dataset-format.md).

The output is canonical: records in a fixed order, keys in the documented order, every key present.
Importing an export into an empty database and exporting again gives the same bytes. Private curation
fields (curator notes, verification dates) are not part of the dataset and are never written.
"""

from collections import defaultdict
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from apps.mechanisms.models import Mechanism, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Citation, ReviewEdition, ReviewEntry
from apps.states.models import Organization, State

from . import yaml_format as fmt


class _Citations:
    """Every citation, loaded in one query, grouped by the record it belongs to."""

    def __init__(self):
        self._by_subject = defaultdict(list)
        for citation in Citation.objects.select_related("edition").order_by("position", "pk"):
            self._by_subject[(citation.content_type_id, citation.object_id)].append(citation)
        self._content_types = {}

    def of(self, instance):
        model = type(instance)
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).id
        return [
            fmt.format_citation(c.edition.slug, c.locator, c.covered_fields)
            for c in self._by_subject[(self._content_types[model], instance.pk)]
        ]


def _names(names, citations):
    return [
        {"name": n.name, "kind": n.kind, "valid_from": fmt.partial_date(n.valid_from),
         "valid_until": fmt.partial_date(n.valid_until),
         "sources": citations.of(n)}
        for n in sorted(names, key=lambda n: (n.valid_from, n.name))
    ]


def _slug(instance):
    return instance.slug if instance is not None else ""


def export_files():
    """The dataset as {relative file name: YAML text}."""
    citations = _Citations()
    files = {
        fmt.REGIONS_FILE: fmt.dump(
            [{"slug": r.slug, "name": r.name, "order": r.order, "sources": citations.of(r)}
             for r in Region.objects.order_by("order", "slug")],
            fmt.HEADERS[fmt.REGIONS_FILE],
        ),
        fmt.THEMES_FILE: fmt.dump(
            [{"slug": t.slug, "name": t.name, "description": t.description} for t in Theme.objects.order_by("slug")],
            fmt.HEADERS[fmt.THEMES_FILE],
        ),
        fmt.EDITIONS_FILE: fmt.dump([_edition(e, citations) for e in ReviewEdition.objects.order_by("year", "slug")],
                                    fmt.HEADERS[fmt.EDITIONS_FILE]),
        fmt.STATES_FILE: fmt.dump(
            [_state(s, citations) for s in State.objects.select_related("sovereign").prefetch_related("names")
             .order_by("alpha3")],
            fmt.HEADERS[fmt.STATES_FILE],
        ),
        fmt.ORGANIZATIONS_FILE: fmt.dump(
            [_organization(o, citations) for o in Organization.objects.select_related("state", "parent")
             .prefetch_related("other_names").order_by("slug")],
            fmt.HEADERS[fmt.ORGANIZATIONS_FILE],
        ),
    }
    mechanisms = Mechanism.objects.select_related("region", "parent_framework", "predecessor").prefetch_related(
        "themes",
        "other_names",
        Prefetch("participations", queryset=Participation.objects.select_related("state", "organization")),
        Prefetch("meetings", queryset=Meeting.objects.select_related("host")),
        Prefetch("documents", queryset=Document.objects.select_related("meeting")),
        Prefetch("review_entries", queryset=ReviewEntry.objects.select_related("edition", "region")),
        "discrepancies__recorded_edition",
        "discrepancies__conflicting_edition",
    )
    for mechanism in mechanisms.order_by("slug"):
        files[f"{fmt.MECHANISMS_DIR}/{mechanism.slug}.yaml"] = fmt.dump(_mechanism(mechanism, citations))
    return files


def write_folder(path):
    """Write the export under ``path``; return the number of files written."""
    root = Path(path)
    (root / fmt.MECHANISMS_DIR).mkdir(parents=True, exist_ok=True)
    files = export_files()
    for stale in (root / fmt.MECHANISMS_DIR).glob("*.yaml"):
        if f"{fmt.MECHANISMS_DIR}/{stale.name}" not in files:
            stale.unlink()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return len(files)


def _edition(edition, citations):
    return {
        "slug": edition.slug, "year": edition.year, "title": edition.title, "authors": list(edition.authors),
        "publisher": edition.publisher, "series": edition.series, "series_number": edition.series_number,
        "isbn": edition.isbn, "issn": edition.issn, "published": fmt.partial_date(edition.published),
        "url": edition.url, "status": edition.status, "sources": citations.of(edition),
    }


def _state(state, citations):
    return {
        "alpha3": state.alpha3, "alpha2": state.alpha2, "numeric": state.numeric, "name": state.name,
        "official_name": state.official_name, "kind": state.kind,
        "sovereign": state.sovereign.alpha3 if state.sovereign else "", "note": state.note,
        "names": _names(state.names.all(), citations), "sources": citations.of(state),
    }


def _organization(organization, citations):
    return {
        "slug": organization.slug, "acronym": organization.acronym, "name": organization.name,
        "kind": organization.kind, "state": organization.state.alpha3 if organization.state else "",
        "parent": _slug(organization.parent), "website": organization.website,
        "other_names": _names(organization.other_names.all(), citations), "sources": citations.of(organization),
    }


def _participation(p, citations):
    participant = {"state": p.state.alpha3} if p.state else {"organization": p.organization.slug}
    return {
        **participant, "role": p.role, "as_written": p.as_written,
        "start": fmt.partial_date(p.start), "end": fmt.partial_date(p.end),
        "note": p.note, "sources": citations.of(p),
    }


def _meeting(m, citations):
    return {
        "slug": m.slug, "title": m.title, "kind": m.kind, "status": m.status,
        "start": fmt.partial_date(m.start), "end": fmt.partial_date(m.end),
        "date_as_written": m.date_as_written, "city": m.city, "host": m.host.alpha3 if m.host else "",
        "venue_as_written": m.venue_as_written, "theme": m.theme, "note": m.note, "sources": citations.of(m),
    }


def _document(d, citations):
    return {
        "slug": d.slug, "title": d.title, "kind": d.kind, "date": fmt.partial_date(d.date), "meeting": _slug(d.meeting),
        "url": d.url, "note": d.note, "sources": citations.of(d),
    }


def _mechanism(m, citations):
    role_order = {role: index for index, role in enumerate(Participation.Role.values)}

    def participation_order(p):
        # States first (by code), then organisations (by slug), each by start.
        participant = (0, p.state.alpha3) if p.state else (1, p.organization.slug)
        return (role_order[p.role], participant, p.start)

    return {
        "slug": m.slug, "acronym": m.acronym, "name": m.name,
        "other_names": _names(m.other_names.all(), citations),
        "region": m.region.slug, "kind": m.kind, "governance": m.governance, "status": m.status,
        "status_note": m.status_note,
        "founded": fmt.partial_date(m.founded), "ended": fmt.partial_date(m.ended),
        "parent_framework": _slug(m.parent_framework), "predecessor": _slug(m.predecessor),
        "website": m.website, "objectives": m.objectives, "secretariat_note": m.secretariat_note,
        "themes": sorted(t.slug for t in m.themes.all()),
        "sources": citations.of(m),
        "participations": [
            _participation(p, citations)
            for p in sorted(m.participations.all(), key=participation_order)
        ],
        "meetings": [
            _meeting(x, citations)
            for x in sorted(m.meetings.all(), key=lambda x: (str(x.start_earliest or ""), x.start, x.slug))
        ],
        "documents": [
            _document(d, citations) for d in sorted(m.documents.all(), key=lambda d: (d.date, d.slug))
        ],
        "review_entries": [
            {
                "edition": e.edition.slug, "section": e.section, "kind": e.kind, "governance": e.governance,
                "region": e.region.slug, "background": e.background, "agenda": e.agenda,
                "linkages": e.linkages, "taxonomic_placement": e.taxonomic_placement,
            }
            for e in sorted(m.review_entries.all(), key=lambda e: (e.edition.year, e.edition.slug))
        ],
        "discrepancies": [
            {
                "subject": d.subject, "recorded": d.recorded,
                "recorded_source": f"{d.recorded_edition.slug} {d.recorded_locator}",
                "conflicting": d.conflicting,
                "conflicting_source": f"{d.conflicting_edition.slug} {d.conflicting_locator}", "note": d.note,
            }
            for d in sorted(m.discrepancies.all(), key=lambda d: (d.position, d.pk))
        ],
    }
