"""The public web pages: read-only, anonymous, server-rendered from the same selectors as the API."""

from django.urls import include, path, re_path

from . import feeds
from .views import citations, editions, mechanisms, meetings, search, states

CITE = r"cite/(?P<file_format>csl-json|bibtex|ris)/$"

mechanism_pages = [
    path("", mechanisms.MechanismDirectory.as_view(), name="directory"),
    path("<slug:slug>/", mechanisms.mechanism_detail, name="detail"),
    re_path(r"^(?P<slug>[-a-zA-Z0-9_]+)/" + CITE, citations.cite_mechanism, name="cite"),
    path("<slug:slug>/feed/", feeds.MechanismFeed(), name="feed"),
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
    re_path(r"^(?P<year>[0-9]+)/" + CITE, citations.cite_edition, name="cite"),
    re_path(r"^(?P<year>[0-9]+)/snapshots/(?P<slug>[-a-z0-9]+)/" + CITE, citations.cite_snapshot,
            name="cite-snapshot"),
]

urlpatterns = [
    path("", mechanisms.home, name="home"),
    path("mechanisms/", include((mechanism_pages, "mechanisms"))),
    path("states/", include((state_pages, "states"))),
    path("meetings/", include((meeting_pages, "meetings"))),
    path("editions/", include((edition_pages, "editions"))),
    path("search/", search.search_page, name="search"),
    path("feeds/editions/", feeds.EditionsFeed(), name="feed-editions"),
    path("feeds/changes/", feeds.ChangesFeed(), name="feed-changes"),
]
