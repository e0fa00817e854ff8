"""Reads of review editions for the public pages: published editions only."""

from .models import ReviewEdition, Snapshot


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
