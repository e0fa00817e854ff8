"""The site-wide search page: the published text of every kind of record, ranked, the passage highlighted."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.curation import text_search


def search_page(request):
    text = request.GET.get("q", "")
    context = {"section": "search", "query": text, "groups": None, "problem": ""}
    status = 200
    if text.strip():
        try:
            context["groups"] = text_search.search(text)
        except ValidationError:
            context["problem"] = _("A search may hold at most %(limit)s characters, and no control characters.") % {
                "limit": text_search.MAX_LENGTH}
            status = 400
        else:
            if not text_search.parse(text).has_words:
                context["problem"] = _("Give at least one word to search for; common words such as “the” are "
                                       "left out.")
    context["total"] = sum(len(hits) for _index, hits in context["groups"] or [])
    context["limit"] = text_search.LIMIT
    return render(request, "search.html", context, status=status)
