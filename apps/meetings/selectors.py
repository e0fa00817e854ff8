"""Reads of meetings for the public pages, with the joins each page needs."""

from django.db.models import F

from apps.mechanisms.selectors import citations_prefetch, short_names_prefetch
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
