"""The public page of a review edition: its entries, its snapshots to download and verify, and what
changed since the previous edition."""

from django.http import Http404
from django.shortcuts import render

from apps.dataset import citing, exports, public_changes, snapshots
from apps.dataset.report import previous_snapshot
from apps.reviews import selectors
from apps.site.views.citations import cite_links


def edition_index(request):
    editions = selectors.published_editions()
    return render(request, "reviews/editions.html", {"section": "editions", "editions": editions})


def edition_detail(request, year):
    edition = selectors.published_edition_for_year(year)
    if edition is None:
        raise Http404(f"No edition of the review was published in {year}.")
    snapshot_list = list(selectors.edition_snapshots(edition))
    latest = snapshot_list[0] if snapshot_list else None
    previous = previous_snapshot(latest) if latest else None
    changes = None
    if latest and previous:
        latest_content = selectors.public_snapshots().get(pk=latest.pk)  # the one snapshot whose content is read
        # In the page's language, the mechanisms by the names the pages give them; the API's diff, linked
        # from the page, stays language-neutral.
        changes = public_changes.sections(snapshots.content(previous), snapshots.content(latest_content))
    return render(request, "reviews/edition.html", {
        "section": "editions",
        "edition": edition,
        "entries": list(selectors.edition_entries(edition)),
        "snapshots": snapshot_list,
        "latest": latest,
        "previous": previous,
        "changes": changes,
        "formats": exports.FORMATS,
        "other_editions": selectors.published_editions().exclude(pk=edition.pk),
        "citations": citing.formatted(citing.edition_item(edition)),
        "cite_links": cite_links("editions:cite", edition.year),
        **(_snapshot_citation(request, latest) if latest else {}),
    })


def _snapshot_citation(request, snapshot):
    item = citing.snapshot_item(snapshot, citing.snapshot_url(request, snapshot))
    return {"snapshot_citations": citing.formatted(item),
            "snapshot_cite_links": cite_links("editions:cite-snapshot", snapshot.edition.year, snapshot.slug)}
