"""The public web pages: read-only, anonymous, server-rendered from the same selectors as the API."""

from django.urls import include, path, re_path

from .views import editions, mechanisms, meetings, states

mechanism_pages = [
    path("", mechanisms.MechanismDirectory.as_view(), name="directory"),
    path("<slug:slug>/", mechanisms.mechanism_detail, name="detail"),
]
state_pages = [
    re_path(r"^(?P<alpha3>[A-Za-z]{3})/$", states.state_detail, name="detail"),
]
meeting_pages = [
    path("", meetings.MeetingList.as_view(), name="list"),
]
edition_pages = [
    path("", editions.edition_index, name="index"),
    path("<int:year>/", editions.edition_detail, name="detail"),
]

urlpatterns = [
    path("", mechanisms.home, name="home"),
    path("mechanisms/", include((mechanism_pages, "mechanisms"))),
    path("states/", include((state_pages, "states"))),
    path("meetings/", include((meeting_pages, "meetings"))),
    path("editions/", include((edition_pages, "editions"))),
]
