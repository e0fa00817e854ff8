"""Reads of meetings for the public pages, with the joins each page needs."""

from django.db.models import F

from apps.curation.selectors import citation_rows, citations_prefetch
from apps.mechanisms.selectors import short_names_prefetch
from apps.states.models import State

from .models import Meeting


def meeting_list():
    """Meetings with their mechanism (and its short names), host and citations, oldest first; undated last."""
    return (
        Meeting.objects.select_related("mechanism", "host")
        .prefetch_related(citations_prefetch(), short_names_prefetch("mechanism__other_names"))
        .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug")
    )


def host_states():
    """States that hosted at least one meeting, by name: the meetings page's host filter."""
    return State.objects.filter(hosted_meetings__isnull=False).distinct().order_by("name")


MEETING_FIELDS = ("id", "slug", "title", "kind", "status", "start", "end", "date_as_written", "city",
                  "venue_as_written", "theme", "note", "mechanism__slug", "mechanism__acronym", "mechanism__name",
                  "mechanism__kind", "host__alpha3", "host__name")


def meeting_api_rows(meetings, *, meeting_url, mechanism_url):
    """Meetings read with ``.values(*MEETING_FIELDS)``, as the API lists them (MeetingSerializer's shape).

    The meetings list is the API's busiest read at scale; plain rows and one citations query for the
    page replace a model instance and four nested serializers per meeting (bench/RESULTS.md). The URL
    arguments turn a slug into the record's absolute API address.
    """
    sources = citation_rows(Meeting, [m["id"] for m in meetings])
    return [
        {
            "slug": m["slug"], "title": m["title"], "kind": m["kind"], "status": m["status"], "start": m["start"],
            "end": m["end"], "date_as_written": m["date_as_written"], "city": m["city"],
            "host": {"alpha3": m["host__alpha3"], "name": m["host__name"]} if m["host__alpha3"] else None,
            "venue_as_written": m["venue_as_written"], "theme": m["theme"], "note": m["note"],
            "mechanism": {"slug": m["mechanism__slug"], "acronym": m["mechanism__acronym"],
                          "name": m["mechanism__name"], "kind": m["mechanism__kind"],
                          "url": mechanism_url(m["mechanism__slug"])},
            "sources": sources.get(m["id"], []), "url": meeting_url(m["slug"]),
        }
        for m in meetings
    ]


def meetings_hosted_by(state):
    return (
        Meeting.objects.filter(host=state)
        .select_related("mechanism")
        .prefetch_related(short_names_prefetch("mechanism__other_names"))
        .order_by(F("start_earliest").asc(nulls_last=True), "start", "slug")
    )
