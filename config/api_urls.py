"""The public API, version 1: read-only resources, the OpenAPI schema and its documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.dataset.api.views import SnapshotViewSet
from apps.mechanisms.api.views import MechanismViewSet, RegionViewSet, StateParticipationsView, ThemeViewSet
from apps.meetings.api.views import DocumentViewSet, MeetingViewSet
from apps.reviews.api.sources import SourceViewSet
from apps.reviews.api.views import ReviewEditionViewSet
from apps.states.api.views import OrganizationViewSet, StateViewSet

router = DefaultRouter()
router.register("mechanisms", MechanismViewSet, basename="mechanism")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("documents", DocumentViewSet, basename="document")
router.register("states", StateViewSet, basename="state")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("themes", ThemeViewSet, basename="theme")
router.register("regions", RegionViewSet, basename="region")
router.register("editions", ReviewEditionViewSet, basename="edition")
router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("sources", SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the docs run under a strict CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # A state's participations live with the mechanisms (the states app knows nothing of them).
    re_path(r"^states/(?P<alpha3>[A-Za-z]{3})/participations/$", StateParticipationsView.as_view(),
            name="state-participations"),
    *router.urls,
]
