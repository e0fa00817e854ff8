"""The public meetings page: meetings by year, filtered by the API's own FilterSet."""

from django.shortcuts import render

from apps.mechanisms.charts import meetings_per_year
from apps.mechanisms.models import Mechanism
from apps.meetings import selectors
from apps.meetings.filtersets import MeetingFilterSet
from apps.meetings.models import Meeting
from apps.site.filtering import api_query, filter_problems, filter_values

FILTER_LABELS = {
    "mechanism": "Mechanism",
    "year": "Year",
    "date_from": "From",
    "date_to": "Until",
    "host": "Host state",
    "kind": "Kind of meeting",
    "status": "Status",
}


def meeting_list(request):
    filterset = MeetingFilterSet(request.GET, queryset=selectors.meeting_list())
    problems = filter_problems(request, filterset, FILTER_LABELS)
    context = {
        "section": "meetings",
        "values": filter_values(request, filterset),
        "labels": FILTER_LABELS,
        "mechanisms": Mechanism.objects.only("slug", "name", "acronym").order_by("name"),
        "hosts": selectors.host_states(),
        "kinds": Meeting.Kind.choices,
        "statuses": Meeting.Status.choices,
        "problems": problems,
        "invalid": {problem.name for problem in problems},
        "api_query": api_query(request, filterset),
    }
    if problems:
        return render(request, "meetings/list.html", context, status=400)
    meetings = list(filterset.qs)
    context.update({
        "meetings": meetings,
        "meeting_years": meetings_by_year(meetings),
        "chart": meetings_per_year(meetings),
        "is_filtered": bool(context["api_query"]),
    })
    return render(request, "meetings/list.html", context)


def meetings_by_year(meetings):
    """[(year or None, [meeting…])] in the order given; None holds the undated meetings."""
    groups = {}
    for meeting in meetings:
        groups.setdefault(meeting.year, []).append(meeting)
    return list(groups.items())
