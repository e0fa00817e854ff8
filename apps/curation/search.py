"""One admin search box that finds any record: mechanisms, states, organisations, meetings, documents,
review editions and sources, by name, former name, acronym, code or slug."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse

from .models import Source
from .records import all_records

LIMIT = 25


def _kinds():
    """(model, the fields a query is looked for in): every record type whose declaration names them
    (``search`` in records.py), and the source register."""
    return [(spec.model, spec.search) for spec in all_records() if spec.search] + [(Source, ["title", "slug", "url"])]


def find(query, user):
    """[(kind, [(label, url)], more)] for each kind of record the user may view that has matches."""
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    groups = []
    for model, fields in _kinds():
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": query})
        matches = model.objects.filter(pk__in=model.objects.filter(condition).values("pk"))
        rows = list(matches.order_by(*opts.ordering or ["pk"])[:LIMIT + 1])
        if rows:
            url = f"admin:{opts.app_label}_{opts.model_name}_change"
            groups.append((str(opts.verbose_name_plural).capitalize(),
                           [(str(row), reverse(url, args=[row.pk])) for row in rows[:LIMIT]], len(rows) > LIMIT))
    return groups


def search_view(request):
    if not request.user.is_staff:
        raise PermissionDenied
    query = request.GET.get("q", "")
    groups = find(query, request.user)
    context = {**admin.site.each_context(request), "title": f"Find “{query}”" if query else "Find",
               "search_query": query, "groups": groups}
    return render(request, "admin/curation/search.html", context)
