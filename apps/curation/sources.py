"""Writes of the source register that are more than a save."""

from .models import Source


def publish_registered(source):
    """Any source but a review edition is public once a curator registers it: the public may see citations
    of it (a correspondence only by its label). A review edition's source follows its edition instead
    (apps/reviews/services.py)."""
    if source.kind != Source.Kind.REVIEW_EDITION:
        source.is_public = True


def save_source(source):
    """Save a source a curator registers (the import, a citation form's new web page)."""
    publish_registered(source)
    source.save()
    return source
