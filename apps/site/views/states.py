"""The public page of a state: the mechanisms it takes part in and the states it sits with."""

from django.shortcuts import get_object_or_404, redirect, render

from apps.mechanisms import tables
from apps.mechanisms.selectors import neighbours_of, state_page
from apps.meetings.selectors import meetings_hosted_by
from apps.site import maps
from apps.site.filtering import download_format, download_links
from apps.site.views.mechanisms import participations_by_role


def state_detail(request, alpha3):
    if alpha3 != alpha3.upper():
        return redirect("states:detail", alpha3=alpha3.upper(), permanent=True)
    state = get_object_or_404(state_page(), alpha3=alpha3)
    participations = list(state.participations.all())
    if download_format(request):
        return tables.PARTICIPATIONS.download(tables.by_role(participations), f"{state.alpha3}-participations",
                                              download_format(request))
    roles = participations_by_role(participations)
    neighbours = neighbours_of(state)
    return render(request, "states/detail.html", {
        "section": "mechanisms",
        "state": state,
        "roles": roles,
        "downloads": download_links(request),
        "mechanism_count": len({participation.mechanism_id for participation in participations}),
        "neighbours": neighbours,
        "neighbours_map": maps.neighbours_map(state, neighbours),
        "hosted": list(meetings_hosted_by(state)),
    })

