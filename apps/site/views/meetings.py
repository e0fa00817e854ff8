"""The public meetings page: meetings by year, filtered by the API's own FilterSet."""

from django.utils.translation import gettext_lazy as _

from apps.mechanisms.charts import meetings_per_year
from apps.mechanisms.selectors import mechanism_choices
from apps.meetings import selectors, tables
from apps.meetings.filtersets import MeetingFilterSet
from apps.meetings.models import Meeting
from apps.site import localization
from apps.site.filtering import FilteredListView

FILTER_LABELS = {
    "mechanism": _("Mechanism"),
    "year": _("Year"),
    "date_from": _("From"),
    "date_to": _("Until"),
    "host": _("Host state"),
    "kind": _("Kind of meeting"),
    "status": _("Status"),
}


class MeetingList(FilteredListView):
    """Meetings by year, filtered by the query string through the API's own FilterSet."""

    template_name = "meetings/list.html"
    section = "meetings"
    filterset_class = MeetingFilterSet
    labels = FILTER_LABELS
    table = tables.MEETINGS
    download_name = "meetings"

    def get_queryset(self):
        return selectors.meeting_list()

    def choices(self):
        return {
            "mechanisms": mechanism_choices(),
            "hosts": sorted(selectors.host_states(), key=localization.state_sort_key),
            "kinds": Meeting.Kind.choices,
            "statuses": Meeting.Status.choices,
        }

    def shown(self, meetings):
        return {"meetings": meetings, "meeting_years": meetings_by_year(meetings), "chart": meetings_per_year(meetings)}


def meetings_by_year(meetings):
    """[(year or None, [meeting…])] in the order given; None holds the undated meetings."""
    groups = {}
    for meeting in meetings:
        groups.setdefault(meeting.year, []).append(meeting)
    return list(groups.items())
