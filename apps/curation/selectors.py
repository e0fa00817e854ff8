"""Reads every curated record shares: its citations, as the public may see them."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

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


def citation_rows(model, ids):
    """{record id: [citation as the API shows it]} for records of ``model``, as plain rows in one query."""
    return citations_by_record({model: ids})[model]


def citations_by_record(records):
    """{model: {record id: [citation as the API shows it]}} for ``{model: record ids}``: one query for all.

    A detail answer cites the record and its parts (a mechanism and its participations): one read.
    """
    models = {ContentType.objects.get_for_model(model).pk: model for model in records}
    found = {model: defaultdict(list) for model in records}
    wanted = Q()
    for content_type, model in models.items():
        wanted |= Q(content_type_id=content_type, object_id__in=list(records[model]))
    rows = public_citations().filter(wanted).order_by("content_type_id", "object_id", "position", "pk").values_list(
        "content_type_id", "object_id", "source__slug", "locator", "quotation", "covers")
    for content_type, object_id, source, locator, quotation, covers in rows:
        found[models[content_type]][object_id].append({
            "edition": source, "source": source, "locator": locator, "quotation": quotation,
            "covers": [name for name in (c.strip() for c in covers.split(",")) if name]})
    return found
