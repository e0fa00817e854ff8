"""Reads of mechanisms and participations, with the joins and prefetches each view needs."""

import datetime

from django.db.models import Prefetch, Q

from apps.meetings.models import Meeting
from apps.reviews.models import Citation, ReviewEntry

from .models import Mechanism, Participation


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


def citations_prefetch(lookup="sources"):
    return Prefetch(lookup, queryset=Citation.objects.select_related("edition").order_by("position", "pk"))


def participations_prefetch(lookup="participations"):
    return Prefetch(
        lookup,
        queryset=Participation.objects.select_related("state", "organization").prefetch_related(citations_prefetch()),
    )


def published_review_entries_prefetch(lookup="review_entries"):
    return Prefetch(
        lookup,
        queryset=ReviewEntry.objects.filter(edition__status="published").select_related("edition", "region"),
    )


def mechanism_list():
    return Mechanism.objects.select_related("region", "parent_framework", "predecessor").prefetch_related(
        "themes", "successors"
    )


def mechanism_detail():
    return mechanism_list().prefetch_related(
        participations_prefetch(),
        Prefetch("meetings", queryset=Meeting.objects.select_related("host").prefetch_related(citations_prefetch())),
        "other_names",
        citations_prefetch(),
        published_review_entries_prefetch(),
        "discrepancies__recorded_edition",
        "discrepancies__conflicting_edition",
        "documents__meeting",
    )
