"""What every public page shares: filters read from the query string by the API's own FilterSets."""

from dataclasses import dataclass
from urllib.parse import urlencode


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
        return "It is not one of the choices offered: pick one from the list."
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


def filter_values(request, filterset):
    """{filter name: the value given}, for the form to show what is applied."""
    return {name: request.GET.get(name, "") for name in filterset.filters}
