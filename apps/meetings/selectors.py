"""Reads of meetings for the public pages, with the joins each page needs."""

from django.db.models import F

from apps.curation.records import REF, record
from apps.curation.related_rows import RelatedRows, rows
from apps.curation.selectors import citation_shown, citations_of, citations_prefetch
from apps.mechanisms.selectors import short_names_prefetch
from apps.states.models import State

from .models import Document, Meeting


def meeting_list():
    """Meetings with their mechanism (and its short names), host and citations, oldest first; undated last."""
    return (
        Meeting.objects.select_related("mechanism", "host")
        .prefetch_related(citations_prefetch(), short_names_prefetch("mechanism__other_names"))
        .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug")
    )


def meeting_api_list():
    return Meeting.objects.select_related("mechanism", "host").prefetch_related(citations_prefetch())


def meeting_rows():
    """Meetings as plain rows of the columns ``meeting_api_rows`` reads, each with its citations (a JSON
    column): a page of the list in one query."""
    return Meeting.objects.values(*meeting_fields(), source_rows=RelatedRows(citations_of(Meeting)))


def document_api_list():
    return Document.objects.select_related("mechanism", "meeting").prefetch_related(citations_prefetch())


def meeting_count():
    return Meeting.objects.count()


def host_states():
    """States that hosted at least one meeting, by name: the meetings page's host filter."""
    return State.objects.filter(hosted_meetings__isnull=False).distinct().order_by("name")


def meeting_fields():
    """The columns ``meeting_api_rows`` reads: the meeting's declared fields (a referred state by its code
    and name), its mechanism's reference, and its id for the citations."""
    columns = ["id"]
    for field in record("meeting").fields:
        columns += [f"{field.name}__alpha3", f"{field.name}__name"] if field.kind == REF else [field.name]
    return (*columns, "mechanism__slug", "mechanism__acronym", "mechanism__name", "mechanism__kind")


def meeting_api_rows(meetings, *, meeting_url, mechanism_url):
    """Rows of ``meeting_rows``, as the API lists them (MeetingSerializer's shape).

    The meetings list is the API's busiest read at scale; plain rows, their citations read with them,
    replace a model instance and four nested serializers per meeting (bench/RESULTS.md). The URL
    arguments turn a slug into the record's absolute API address.
    """
    fields = record("meeting").fields
    shown = []
    for m in meetings:
        row = {}
        for field in fields:
            if field.kind == REF:  # a state: the host
                code = m[f"{field.name}__alpha3"]
                row[field.name] = {"alpha3": code, "name": m[f"{field.name}__name"]} if code else None
            else:
                row[field.name] = m[field.name]
        row["mechanism"] = {"slug": m["mechanism__slug"], "acronym": m["mechanism__acronym"],
                            "name": m["mechanism__name"], "kind": m["mechanism__kind"],
                            "url": mechanism_url(m["mechanism__slug"])}
        row["sources"] = [citation_shown(*citation) for citation in rows(m["source_rows"])]
        row["url"] = meeting_url(m["slug"])
        shown.append(row)
    return shown


def meetings_hosted_by(state):
    return (
        Meeting.objects.filter(host=state)
        .select_related("mechanism")
        .prefetch_related(short_names_prefetch("mechanism__other_names"))
        .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug")
    )
