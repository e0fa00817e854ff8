"""Reads every curated record shares: its citations, as the public may see them."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch

from .models import Citation

# What an app above this one links to a source and the pages show with it (the meetings app: the outcome
# document a source is, with its mechanism), as lookups from the source; read with the citation, in the
# same query.
_source_links = []


def show_with_sources(*lookups):
    """Read ``lookups`` (relations of a source, e.g. 'outcome_document__mechanism') with every public citation."""
    _source_links.extend(lookup for lookup in lookups if lookup not in _source_links)


def public_citations():
    """Citations of public sources only: where an unpublished edition cites a record is not public yet."""
    return (Citation.objects.current().filter(source__is_public=True)
            .select_related("source", *(f"source__{lookup}" for lookup in _source_links)).order_by("position", "pk"))


def citations_prefetch(lookup="sources"):
    """A record's public citations, prefetched as its ``sources``."""
    return Prefetch(lookup, queryset=public_citations())


# ----- citations as the API shows them, read in the record's own query (apps/curation/related_rows.py) ----

_CITATION_COLUMNS = ("source__slug", "locator", "quotation", "covers")


def citation_shown(source, locator, quotation, covers):
    """A citation as the API shows it, from the columns the reads below give."""
    return {"edition": source, "source": source, "locator": locator, "quotation": quotation,
            "covers": [name for name in (c.strip() for c in covers.split(",")) if name]}


def citations_of(model, record=None):
    """The public citations of one record of ``model`` (by default the outer query's record), in their
    order, as rows for ``RelatedRows``: ``citation_shown(*row)`` gives each as the API shows it."""
    return (public_citations().filter(content_type_id=ContentType.objects.get_for_model(model).pk,
                                      object_id=OuterRef("pk") if record is None else record)
            .order_by("position", "pk").values_list(*_CITATION_COLUMNS))


def citations_of_each(model, ids):
    """The public citations of the records of ``model`` whose ids ``ids`` (a subquery) gives, as rows for
    ``RelatedRows``, each led by the id of the record it cites: ``citations_by_id`` groups them."""
    return (public_citations().filter(content_type_id=ContentType.objects.get_for_model(model).pk,
                                      object_id__in=ids)
            .order_by("object_id", "position", "pk").values_list("object_id", *_CITATION_COLUMNS))


def citations_by_id(rows):
    """{record id: [citation as the API shows it]} from the rows of ``citations_of_each``."""
    found = defaultdict(list)
    for object_id, *citation in rows:
        found[object_id].append(citation_shown(*citation))
    return found
