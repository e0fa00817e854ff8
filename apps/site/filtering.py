"""What every public page shares: filters read from the query string by the API's own FilterSets."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext
from django.views import View

from apps.curation.tables import DOWNLOAD_FORMATS


@dataclass(frozen=True)
class FilterProblem:
    """A filter value the page cannot apply, with the same page's address without it."""

    name: str
    label: str
    value: str
    message: str
    without_url: str


def filter_problems(request, filterset, labels):
    """What is wrong with the query string's filters, for a person to read; empty when all are valid."""
    if filterset.is_valid():
        return []
    problems = []
    for name, errors in filterset.form.errors.as_data().items():
        problems.append(FilterProblem(
            name=name,
            label=labels.get(name, name),
            value=request.GET.get(name, ""),
            message=" ".join(_message(error) for error in errors),
            without_url=url_without(request, name),
        ))
    return problems


def _message(error):
    if error.code == "invalid_choice":
        return gettext("It is not one of the choices offered: pick one from the list.")
    return " ".join(error.messages)


def url_without(request, name):
    """The address of the same page without the query parameter ``name``."""
    without = request.GET.copy()
    without.pop(name, None)
    return f"{request.path}?{without.urlencode()}" if without else request.path


def api_query(request, filterset):
    """The filters of the query string that the API reads too, so a page can link to the same list there."""
    pairs = [(name, request.GET[name]) for name in filterset.filters if request.GET.get(name, "").strip()]
    return f"?{urlencode(pairs)}" if pairs else ""


def download_format(request):
    """'csv' or 'json' when the query string asks for the page as a download, else ''."""
    return request.GET.get("format", "")


def format_problem(request):
    """The FilterProblem of a ``format`` the pages cannot download, or None."""
    value = download_format(request)
    if not value or value in DOWNLOAD_FORMATS:
        return None
    return FilterProblem("format", gettext("Download format"), value, gettext("Choose 'csv' or 'json'."),
                         url_without(request, "format"))


def download_links(request):
    """{format: the address of this page, with its filters, as that download}."""
    links = {}
    for name in DOWNLOAD_FORMATS:
        query = request.GET.copy()
        query["format"] = name
        links[name] = f"{request.path}?{query.urlencode()}"
    return links


def filter_values(request, filterset):
    """{filter name: the value given}, for the form to show what is applied."""
    return {name: request.GET.get(name, "") for name in filterset.filters}


class FilteredListView(View):
    """A public list filtered by the query string through the API's own FilterSet.

    A page names its template, FilterSet, queryset and filter labels; ``choices`` gives what its form
    offers, ``own_problems`` the faults of its own parameters, and ``shown`` what it draws from the
    records found. Faulty filters give the form back with every problem named, and a 400. With
    ``format=csv`` or ``format=json`` the records found download as ``table`` (named ``download_name``).
    """

    template_name = ""
    section = ""
    filterset_class = None
    labels = {}
    table = None
    download_name = ""

    def get_queryset(self):
        raise NotImplementedError

    def choices(self):
        return {}

    def own_problems(self):
        return []

    def shown(self, records):
        return {}

    def get(self, request):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset())
        problems = filter_problems(request, filterset, self.labels) + self.own_problems()
        problems += [problem for problem in [format_problem(request)] if problem]
        context = {
            "section": self.section,
            "values": filter_values(request, filterset),
            "labels": self.labels,
            **self.choices(),
            "problems": problems,
            "invalid": {problem.name for problem in problems},
            "api_query": api_query(request, filterset),
        }
        if problems:
            return render(request, self.template_name, context, status=400)
        records = list(filterset.qs)
        if download_format(request):
            return self.table.download(records, self.download_name, download_format(request))
        context["downloads"] = download_links(request)
        context.update({"is_filtered": bool(context["api_query"]), **self.shown(records)})
        return render(request, self.template_name, context)
