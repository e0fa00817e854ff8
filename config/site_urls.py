"""The public web pages: read-only, anonymous, server-rendered from the same selectors as the API."""

from django.urls import include, path

from apps.mechanisms.views import home

urlpatterns = [
    path("", home, name="home"),
    path("mechanisms/", include("apps.mechanisms.urls")),
    path("states/", include("apps.states.urls")),
    path("meetings/", include("apps.meetings.urls")),
    path("editions/", include("apps.reviews.urls")),
]
