"""Reads of review editions for the public pages: published editions only."""

from .models import ReviewEdition


def latest_published_edition():
    """The most recent published edition, or None; drafts and editions in review are never read."""
    return ReviewEdition.published_editions.order_by("-year", "-slug").first()
