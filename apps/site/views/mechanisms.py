"""The public pages of the registry: the home page, the mechanism directory and each mechanism's page."""

from collections import Counter

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from apps.dataset import citing
from apps.mechanisms import charts, selectors, tables
from apps.mechanisms.classification import Governance, Kind, Status
from apps.mechanisms.filtersets import MechanismFilterSet
from apps.mechanisms.models import Participation
from apps.meetings.selectors import meeting_count
from apps.reviews.selectors import latest_published_edition
from apps.site import localization, maps
from apps.site.filtering import FilteredListView, FilterProblem, download_format, download_links, url_without
from apps.site.views.citations import cite_links, mechanism_citation
from apps.site.views.meetings import meetings_by_year

FILTER_LABELS = {
    "q": _("Search"),
    "kind": _("Kind"),
    "governance": _("Governance"),
    "region": _("Region"),
    "status": _("Status"),
    "theme": _("Theme"),
    "participant": _("Participating state"),
    "role": _("In the role"),
    "founded_after": _("Founded on or after"),
    "founded_before": _("Founded on or before"),
    "active_in": _("Active in the year"),
}


def home(request):
    # A visitor from elsewhere whose browser asks for French or Spanish was sent on before this view
    # (apps/site/middleware.py).
    mechanisms = list(selectors.mechanism_timeline())
    return render(request, "home.html", {
        "section": "home",
        "mechanism_count": len(mechanisms),
        "kinds": _count_by_kind(mechanisms),
        **_count_by_region_and_kind(mechanisms),
        "state_count": selectors.participating_states().count(),
        "meeting_count": meeting_count(),
        "edition": latest_published_edition(),
        "changes": selectors.recent_mechanism_changes(limit=40),
        "timeline": charts.mechanism_timeline(mechanisms),
    })


KIND_PLURALS = {Kind.RCP: _("RCPs"), Kind.IRF: _("IRFs"), Kind.GLOBAL: _("Global processes"),
                Kind.OTHER: _("Other mechanisms")}


def _count_by_kind(mechanisms):
    """[(kind, plural label, count)] of the kinds that have any mechanism."""
    counts = Counter(mechanism.kind for mechanism in mechanisms)
    return [(kind, KIND_PLURALS[kind], counts[kind]) for kind in Kind.values if counts[kind]]


def _count_by_region_and_kind(mechanisms):
    """The table of mechanisms by region and kind: ``kind_labels``, the columns (the kinds that have any
    mechanism), and ``regions``, [(region, [count of each kind], total)] in the order of the regions,
    regions without any left out."""
    counts = Counter((mechanism.region, mechanism.kind) for mechanism in mechanisms)
    kinds = [kind for kind in Kind if any(mechanism.kind == kind for mechanism in mechanisms)]
    regions = dict.fromkeys(mechanism.region for mechanism in mechanisms)
    return {
        "kind_labels": [kind.label for kind in kinds],
        "regions": [(region, [counts[region, kind] for kind in kinds], sum(counts[region, kind] for kind in kinds))
                    for region in regions],
    }


class MechanismDirectory(FilteredListView):
    """Every mechanism, filtered by the query string through the API's own FilterSet; with its pictures."""

    template_name = "mechanisms/directory.html"
    section = "mechanisms"
    filterset_class = MechanismFilterSet
    labels = FILTER_LABELS
    table = tables.DIRECTORY
    download_name = "mechanisms"

    def get_queryset(self):
        return selectors.mechanism_directory()

    def matrix_order(self):
        return self.request.GET.get("matrix_order") or "mechanisms"

    def own_problems(self):
        if self.matrix_order() in charts.MATRIX_ORDERS:
            return []
        return [_matrix_order_problem(self.request, self.matrix_order())]

    def choices(self):
        return {
            "kinds": Kind.choices,
            "governances": Governance.choices,
            "statuses": Status.choices,
            "roles": Participation.Role.choices,
            "regions": selectors.regions(),
            "themes": selectors.themes(),
            "states": sorted(selectors.participating_states(), key=localization.state_sort_key),
        }

    def shown(self, mechanisms):
        for mechanism in mechanisms:
            mechanism.state_count = len({participation.state_id for participation in mechanism.state_participations})
        return {
            "mechanisms": mechanisms,
            "timeline": charts.mechanism_timeline(mechanisms),
            "matrix": charts.membership_matrix(mechanisms, order=self.matrix_order(),
                                              sort_key=localization.state_sort_key),
            "map": maps.directory_map(mechanisms),
            "matrix_order": self.matrix_order(),
            "matrix_orders": charts.MATRIX_ORDERS,
        }


def _matrix_order_problem(request, value):
    choices = _(" or ").join(f"'{name}'" for name in charts.MATRIX_ORDERS)
    message = _("Choose {choices}.").format(choices=choices)
    return FilterProblem("matrix_order", _("Order of the matrix"), value, message, url_without(request, "matrix_order"))


def mechanism_detail(request, slug):
    mechanism = get_object_or_404(selectors.mechanism_page(), slug=slug)
    participations = list(mechanism.participations.all())
    if download_format(request):
        return tables.PARTICIPANTS.download(tables.by_role(participations), f"{mechanism.slug}-participants",
                                            download_format(request))
    roles = participations_by_role(participations)
    meetings = list(mechanism.meetings.all())
    snapshot, citation = mechanism_citation(request, mechanism)
    return render(request, "mechanisms/detail.html", {
        "cited_snapshot": snapshot,
        "citations": citing.formatted(citation) if citation else None,
        "cite_links": cite_links("mechanisms:cite", mechanism.slug),
        "section": "mechanisms",
        "mechanism": mechanism,
        "roles": roles,
        "participants_map": maps.participants_map(mechanism, roles),
        "downloads": download_links(request),
        "meeting_years": meetings_by_year(meetings),
        "meetings_chart": charts.meetings_per_year(meetings),
        "meeting_count": len(meetings),
    })


def participations_by_role(participations):
    """[(role label, [participation…])] in the order of the roles, empty roles left out."""
    groups = {}
    for participation in participations:
        groups.setdefault(participation.role, []).append(participation)
    return [(label, groups[value]) for value, label in Participation.Role.choices if value in groups]

