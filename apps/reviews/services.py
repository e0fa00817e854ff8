"""Writes of review editions that are more than a save."""

from apps.curation.models import Source


def sync_edition_source(edition):
    """Create or update ``edition``'s entry in the source register; call it before saving the edition.

    Citations of an edition point to its source, which shows the edition as it is cited: its slug,
    title, authors, date and address. They are public once the edition is published.
    """
    source = edition.source if edition.source_id else Source(kind=Source.Kind.REVIEW_EDITION)
    values = {
        "slug": edition.slug, "title": edition.title, "authors": list(edition.authors),
        "date": edition.published or str(edition.year), "url": edition.url,
        "is_public": edition.status == edition.Status.PUBLISHED,
    }
    if source.pk is None or any(getattr(source, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(source, name, value)
        source.save()
    edition.source = source
    return source


def save_edition(edition):
    """Save ``edition`` together with its source."""
    sync_edition_source(edition)
    edition.save()
    return edition
