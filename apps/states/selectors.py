"""Reads of states and organisations, with the joins and prefetches each view needs."""

from django.db.models import OuterRef

from apps.curation.compiled_reads import CompiledRead
from apps.curation.related_rows import RelatedRows, rows
from apps.curation.selectors import citation_shown, citations_by_id, citations_of, citations_of_each

from .models import Organization, OrganizationName, State, StateName


def state_list():
    return State.objects.select_related("sovereign")


def organization_list():
    return Organization.objects.select_related("state", "parent")


# ----- the API's details as plain rows: one query each, whatever the number of participations --------


def _state_rows(alpha3):
    state = OuterRef("pk")
    return State.objects.filter(alpha3=alpha3).values(
        "id", "alpha3", "alpha2", "numeric", "name", "official_name", "kind", "sovereign__alpha3",
        "sovereign__name", "note",
        name_rows=RelatedRows(_name_rows(StateName.objects.filter(state=state))),
        participation_rows=RelatedRows(_participation_rows(state=state)),
        **_citation_columns(State, state=state),
    )


def _organization_rows(slug):
    organization = OuterRef("pk")
    return Organization.objects.filter(slug=slug).values(
        "id", "slug", "acronym", "name", "kind", "state__alpha3", "state__name", "parent__slug", "parent__acronym",
        "parent__name", "parent__kind", "website",
        name_rows=RelatedRows(_name_rows(OrganizationName.objects.filter(organization=organization))),
        participation_rows=RelatedRows(_participation_rows(organization=organization)),
        **_citation_columns(Organization, organization=organization),
    )


_STATE = CompiledRead(State, _state_rows, cited=lambda: (State, _participation()))
_ORGANIZATION = CompiledRead(Organization, _organization_rows, cited=lambda: (Organization, _participation()))


def state_api_detail(alpha3, *, state_url, mechanism_url):
    """One state as the API's detail shows it (StateDetailSerializer's shape), or None.

    The state, its names, its participations and the citations of the state and of its participations
    come in one query (``RelatedRows``), compiled once (``CompiledRead``); no serializer or model instance
    per participation.
    """
    s = _STATE.first(alpha3)
    if s is None:
        return None
    return {
        "alpha3": s["alpha3"], "alpha2": s["alpha2"], "numeric": s["numeric"], "name": s["name"],
        "official_name": s["official_name"], "kind": s["kind"],
        "sovereign": {"alpha3": s["sovereign__alpha3"], "name": s["sovereign__name"]}
        if s["sovereign__alpha3"] else None,
        "note": s["note"], "url": state_url(s["alpha3"]),
        "names": _names(s["name_rows"]),
        "participations": _participations(s, mechanism_url),
        "sources": [citation_shown(*row) for row in rows(s["source_rows"])],
    }


def organization_api_detail(slug, *, organization_url, mechanism_url):
    """One organisation as the API's detail shows it (OrganizationDetailSerializer's shape), or None."""
    o = _ORGANIZATION.first(slug)
    if o is None:
        return None
    return {
        "slug": o["slug"], "acronym": o["acronym"], "name": o["name"], "kind": o["kind"],
        "state": {"alpha3": o["state__alpha3"], "name": o["state__name"]} if o["state__alpha3"] else None,
        "parent": {"slug": o["parent__slug"], "acronym": o["parent__acronym"], "name": o["parent__name"],
                   "kind": o["parent__kind"]} if o["parent__slug"] else None,
        "website": o["website"], "url": organization_url(o["slug"]),
        "other_names": _names(o["name_rows"]),
        "participations": _participations(o, mechanism_url),
        "sources": [citation_shown(*row) for row in rows(o["source_rows"])],
    }


def _participation():
    # Participations belong to the mechanisms app, above this one: reached through the relation it adds.
    return State._meta.get_field("participations").related_model


def _participation_rows(**participant):
    return (_participation().objects.filter(**participant).order_by("mechanism__name", "role", "start", "pk")
            .values_list("id", "mechanism__slug", "mechanism__acronym", "mechanism__name", "mechanism__kind", "role",
                         "as_written", "start", "end", "note"))


def _citation_columns(model, **participant):
    """The citations of the record and of its participations, as ``RelatedRows`` columns."""
    participations = _participation().objects.filter(**{name: OuterRef(ref) for name, ref in participant.items()})
    return {"source_rows": RelatedRows(citations_of(model)),
            "participation_source_rows": RelatedRows(citations_of_each(_participation(), participations.values("pk")))}


def _participations(record, mechanism_url):
    sources = citations_by_id(rows(record["participation_source_rows"]))
    return [{
        "mechanism": {"slug": slug, "acronym": acronym, "name": name, "kind": kind, "url": mechanism_url(slug)},
        "role": role, "as_written": as_written, "start": start, "end": end, "note": note,
        "sources": sources.get(pk, []),
    } for pk, slug, acronym, name, kind, role, as_written, start, end, note in rows(record["participation_rows"])]


def _name_rows(names):
    return names.order_by("valid_from", "name", "pk").values_list("name", "kind", "language", "valid_from",
                                                                  "valid_until")


def _names(value):
    return [{"name": name, "kind": kind, "language": language, "valid_from": valid_from, "valid_until": valid_until}
            for name, kind, language, valid_from, valid_until in rows(value)]
