"""Reads of review editions and snapshots for the public: published editions only."""

from django.db.models import Count, Prefetch, Subquery

from .models import ReviewEdition, ReviewEntry, Snapshot


def latest_published_edition():
    """The most recent published edition, or None; drafts and editions in review are never read."""
    return ReviewEdition.published_editions.order_by("-year", "-slug").first()


def published_edition_for_year(year):
    """The published edition of ``year`` (the latest, should a year have two), or None."""
    return ReviewEdition.published_editions.filter(year=year).order_by("-slug").first()


def edition_entries(edition):
    return edition.entries.select_related("mechanism", "region").order_by("section", "mechanism__name")


def edition_snapshots(edition):
    """The edition's snapshots, newest first, without their (large) content."""
    return Snapshot.objects.filter(edition=edition).defer("content").order_by("-created_at", "-pk")


def published_editions():
    """Published editions, newest first."""
    return ReviewEdition.published_editions.order_by("-year", "-slug")


def edition_api_list():
    return ReviewEdition.published_editions.annotate(entry_count=Count("entries"))


def edition_api_detail():
    return edition_api_list().prefetch_related(
        Prefetch("entries", queryset=ReviewEntry.objects.select_related("mechanism", "region")
                 .order_by("section", "mechanism__slug")),
        Prefetch("snapshots", queryset=Snapshot.objects.defer("content").order_by("created_at")),
    )


def public_snapshots():
    """Snapshots of published editions, with their edition; without their content unless asked."""
    return Snapshot.objects.public().select_related("edition")


def snapshot_holding(mechanism):
    """The latest public snapshot taken since ``mechanism`` was first recorded (so it holds the mechanism),
    without its content; None when there is none. One query."""
    first_recorded = mechanism.history.order_by("history_date").values("history_date")[:1]
    return (public_snapshots().defer("content").filter(as_of__gte=Subquery(first_recorded))
            .order_by("-created_at", "-pk").first())
