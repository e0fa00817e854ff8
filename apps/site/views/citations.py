"""Citations to download: an edition, a snapshot, a mechanism as of a snapshot; as CSL-JSON, BibTeX or RIS."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from apps.dataset import citing
from apps.mechanisms.models import Mechanism
from apps.reviews import selectors


def cite_links(view_name, *args):
    """{format: the address of the citation's download}, keyed for templates (csl_json, bibtex, ris)."""
    return {name.replace("-", "_"): reverse(view_name, args=[*args, name]) for name in citing.FORMATS}


def _download(item, file_format, name):
    write, content_type, extension = citing.FORMATS[file_format]
    response = HttpResponse(write(item), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def cite_edition(request, year, file_format):
    edition = selectors.published_edition_for_year(year)
    if edition is None:
        raise Http404(f"No edition of the review was published in {year}.")
    return _download(citing.edition_item(edition), file_format, edition.slug)


def cite_snapshot(request, year, slug, file_format):
    snapshot = get_object_or_404(selectors.public_snapshots().defer("content"), slug=slug, edition__year=year)
    item = citing.snapshot_item(snapshot, citing.snapshot_url(request, snapshot))
    return _download(item, file_format, snapshot.slug)


def mechanism_citation(request, mechanism):
    """(the snapshot a mechanism is cited as of, its CSL-JSON item), or (None, None) before any snapshot."""
    snapshot = selectors.snapshot_holding(mechanism)
    if snapshot is None:
        return None, None
    return snapshot, citing.mechanism_item(mechanism, snapshot, citing.snapshot_url(request, snapshot))


def cite_mechanism(request, slug, file_format):
    mechanism = get_object_or_404(Mechanism, slug=slug)
    snapshot, item = mechanism_citation(request, mechanism)
    if snapshot is None:
        raise Http404("No snapshot holds this mechanism yet: it cannot be cited as of one.")
    return _download(item, file_format, f"{mechanism.slug}-{snapshot.slug}")
