"""The public pages: what they show, what they never show, their errors, their structure and their cost."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.curation.history import recording
from apps.curation.models import ChangeSet, Citation
from apps.mechanisms import charts
from apps.mechanisms.models import Mechanism, MechanismName, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Discrepancy, ReviewEdition, ReviewEntry
from apps.site.views import mechanisms as views
from apps.states.models import Organization, State

from . import factories
from .html_forms import form_data

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parent.parent / "static"

PAGES = [
    "/",
    "/mechanisms/",
    "/mechanisms/?kind=rcp&region=africa",
    "/mechanisms/bali-process/",
    "/mechanisms/eppma/",
    "/states/IDN/",
    "/meetings/",
    "/meetings/?mechanism=bali-process",
    "/editions/",
    "/editions/2013/",
]


@pytest.fixture
def visitor(db):
    """An anonymous visitor of the public pages."""
    return Client()


class Page(HTMLParser):
    """What the tests read in a page: headings, form controls and labels, links, marked elements, text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.headings, self.controls, self.labels, self.links = [], [], set(), []
        self.slugs, self.bars, self.scripts, self.resources = [], [], 0, []
        self.feed(html if isinstance(html, str) else html.decode())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "select" or (tag == "input" and attrs.get("type") not in {"hidden", "submit", "button"}):
            self.controls.append(attrs.get("id"))
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "li" and "data-slug" in attrs:
            self.slugs.append(attrs["data-slug"])
        if tag == "g" and "bar" in attrs.get("class", "").split():
            self.bars.append(attrs)
        if tag == "script":
            self.scripts += 1
        # What the browser loads; a link to the page in another language (rel=alternate) is not loaded.
        if tag in {"link", "img", "script", "iframe", "source"} and attrs.get("rel") != "alternate":
            self.resources.append(attrs.get("href") or attrs.get("src") or "")


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return response.content.decode()


# ----- every page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_html_in_the_site_layout(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav aria-label="Main">' in html


@pytest.mark.parametrize("url", PAGES)
def test_headings_are_in_order_with_one_h1(visitor, url):
    levels = Page(page(visitor, url)).headings
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{url}: h{before} is followed by h{after}"


@pytest.mark.parametrize("url", ["/mechanisms/", "/meetings/", "/mechanisms/?region=nowhere"])
def test_every_form_control_has_a_label(visitor, url):
    parsed = Page(visitor.get(url).content)
    assert parsed.controls, "the page has its filter form"
    assert all(parsed.controls), "every control has an id"
    assert set(parsed.controls) <= parsed.labels, set(parsed.controls) - parsed.labels


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_script_and_load_nothing_from_elsewhere(visitor, url):
    parsed = Page(page(visitor, url))
    assert parsed.scripts == 0
    assert parsed.resources and all(resource.startswith(("/static/", "data:")) for resource in parsed.resources)


@pytest.mark.parametrize("url, api_url", [
    ("/mechanisms/", "/api/v1/mechanisms/"),
    ("/mechanisms/?kind=rcp&region=africa&q=", "/api/v1/mechanisms/?kind=rcp&region=africa"),
    ("/mechanisms/bali-process/", "/api/v1/mechanisms/bali-process/"),
    ("/states/IDN/", "/api/v1/states/IDN/"),
    ("/meetings/?mechanism=rcm", "/api/v1/meetings/?mechanism=rcm"),
    ("/editions/2013/", "/api/v1/editions/harns-2013/"),
])
def test_each_page_links_to_the_same_record_in_the_api(visitor, url, api_url):
    assert api_url in Page(page(visitor, url)).links


# ----- the mechanism directory --------------------------------------------------------------------

def test_the_directory_filters_to_the_four_african_rcps(visitor):
    html = page(visitor, "/mechanisms/?kind=rcp&region=africa")
    assert Page(html).slugs == ["comesa-rcp", "igad-rcp", "midsa", "midwa"]
    assert "4 mechanisms match these filters" in html
    # the form shows the filters applied, so the visitor sees and can change them
    applied = form_data(html)
    assert (applied["kind"], applied["region"], applied.get("participant")) == ("rcp", "africa", None)


@pytest.mark.parametrize("query", [
    "kind=irf",
    "governance=pillar&status=active",
    "theme=labour-migration",
    "participant=IDN",
    "participant=FRA&role=observer",
    "role=secretariat",
    "active_in=2005",
    "founded_after=2008-01-01",
    "q=process",
    "q=S%C3%B6derk%C3%B6ping",
])
def test_the_directory_lists_what_the_api_lists_for_the_same_query(visitor, api, query):
    """Same FilterSet, same answer: a page's query string is a valid API query."""
    listed = Page(page(visitor, f"/mechanisms/?{query}")).slugs
    expected = sorted(
        item["slug"] for item in api.get(f"/api/v1/mechanisms/?{query}&page_size=500").json()["results"]
    )
    assert listed and sorted(listed) == expected


def test_no_match_says_so_and_offers_to_clear_the_filters(visitor):
    html = page(visitor, "/mechanisms/?kind=other&region=africa")
    assert "0 mechanisms match these filters" in html
    assert "No mechanism matches all these filters" in html


@pytest.mark.parametrize("url, named", [
    ("/mechanisms/?region=nowhere", "Region"),
    ("/mechanisms/?kind=club", "Kind"),
    ("/mechanisms/?active_in=soon", "Active in the year"),
    ("/mechanisms/?founded_after=2011-13", "Founded on or after"),
    ("/mechanisms/?participant=XYZ", "Participating state"),
    ("/mechanisms/?role=president", "In the role"),
    ("/mechanisms/?matrix_order=sideways", "Order of the matrix"),
    ("/meetings/?year=last", "Year"),
    ("/meetings/?host=XYZ", "Host state"),
    ("/meetings/?mechanism=no-such-process", "Mechanism"),
])
def test_an_invalid_filter_is_a_clear_message_not_an_error(visitor, url, named):
    html = page(visitor, url, status=400)
    assert "The filters could not be applied" in html
    assert f"<strong>{named}</strong>" in html
    assert "Show the list without this filter" in html
    assert 'data-slug="' not in html  # no list pretends the filter was applied
    # the form control holding the wrong value says so to assistive technology (two have no control)
    assert html.count('aria-invalid="true"') == (named not in {"Order of the matrix", "Founded on or after"})


MATRIX_ROW = re.compile(r'<th scope="row"><a href="/states/([A-Z]{3})/">([^<]+)</a></th>.*?'
                        r'<td class="matrix-count">(\d+)</td>', re.S)


def test_the_matrix_counts_each_states_mechanisms_and_sorts_by_the_query_string(visitor):
    by_count = MATRIX_ROW.findall(page(visitor, "/mechanisms/?region=africa"))
    by_name = MATRIX_ROW.findall(page(visitor, "/mechanisms/?region=africa&matrix_order=name"))
    taking_part = Participation.objects.filter(mechanism__region__slug="africa", state__isnull=False)
    expected = {code: len(set(taking_part.filter(state__alpha3=code).values_list("mechanism", flat=True)))
                for code in taking_part.values_list("state__alpha3", flat=True)}
    assert {code: int(count) for code, _, count in by_count} == expected
    assert [int(count) for _, _, count in by_count] == sorted(expected.values(), reverse=True)
    assert [name for _, name, _ in by_name] == sorted(name for _, name, _ in by_count)
    assert max(expected.values()) > 1  # the picture shows overlaps at all


def test_the_matrix_names_the_overlaps_the_review_warns_about(visitor):
    html = page(visitor, "/mechanisms/?q=process&matrix_order=name")
    summary = re.search(r'id="matrix-summary">([^<]*)<', html).group(1)
    assert "Budapest Process and Prague Process" in summary


def test_the_directory_timeline_draws_each_dated_mechanism_in_its_kind(visitor):
    parsed = Page(page(visitor, "/mechanisms/?region=africa"))
    drawn = {bar["data-slug"]: bar["data-kind"] for bar in parsed.bars}
    dated = Mechanism.objects.filter(region__slug="africa", founded_earliest__isnull=False)
    assert drawn == {mechanism.slug: mechanism.kind for mechanism in dated}


# ----- a mechanism's page --------------------------------------------------------------------------

def test_a_mechanism_page_shows_its_facts_with_citations_and_its_participants_by_role(visitor):
    html = page(visitor, "/mechanisms/bali-process/")
    mechanism = Mechanism.objects.get(slug="bali-process")
    assert f"<h1>{mechanism.name}" in html
    assert re.search(r"<dt>Kind</dt><dd><a [^>]*>RCP</a> <span class=\"sources\">\(<cite>Harns 2013</cite>, Annex D",
                     html)
    assert re.search(r'<h3 id="role-\d+">Member <span class="count">\(\d+\)</span></h3>', html)
    indonesia = Participation.objects.get(mechanism=mechanism, state__alpha3="IDN", role="member")
    assert '<a href="/states/IDN/">Indonesia</a>' in html
    assert f"<td data-label=\"As written\">{indonesia.as_written}</td>" in html


def test_a_mechanism_page_shows_its_meetings_as_a_timeline_with_their_chart(visitor):
    html = page(visitor, "/mechanisms/bali-process/")
    meetings = Meeting.objects.filter(mechanism__slug="bali-process")
    years = sorted({meeting.year for meeting in meetings if meeting.year})
    drawn = {int(bar["data-year"]): int(bar["data-count"]) for bar in Page(html).bars}
    assert {year: count for year, count in drawn.items() if count} == {
        year: sum(meeting.year == year for meeting in meetings) for year in years
    }
    positions = [html.index(f"<h3>{year}</h3>") for year in years]
    assert positions == sorted(positions)
    assert "/meetings/?mechanism=bali-process" in html


def test_a_mechanism_page_links_its_predecessor_and_successor(visitor):
    assert '<a href="/mechanisms/cbcp/">' in page(visitor, "/mechanisms/eppma/")
    assert '<a href="/mechanisms/eppma/">' in page(visitor, "/mechanisms/cbcp/")


def test_a_mechanism_page_shows_its_parent_framework_and_documents(visitor):
    mechanism = Mechanism.objects.filter(parent_framework__isnull=False, documents__isnull=False).first()
    html = page(visitor, f"/mechanisms/{mechanism.slug}/")
    assert f"/api/v1/organizations/{mechanism.parent_framework.slug}/" in html
    for document in mechanism.documents.all():
        assert document.title.replace("'", "&#x27;") in html


def test_a_mechanism_page_shows_its_classification_in_each_published_edition(visitor):
    entry = ReviewEntry.objects.select_related("edition").get(mechanism__slug="bali-process",
                                                              edition__slug="harns-2013")
    html = page(visitor, "/mechanisms/bali-process/")
    assert re.search(rf"<th scope=\"row\"><cite>Harns 2013</cite></th><td>{re.escape(entry.section)}</td><td>RCP</td>",
                     html)


def test_an_unknown_mechanism_is_the_sites_404_page(visitor):
    html = page(visitor, "/mechanisms/no-such-process/", status=404)
    assert "<h1>Page not found</h1>" in html
    assert 'href="/mechanisms/"' in html and '<nav aria-label="Main">' in html


# ----- a state's page -------------------------------------------------------------------------------

def test_a_state_page_lists_its_mechanisms_by_role_and_its_neighbours(visitor):
    html = page(visitor, "/states/IDN/")
    assert "<h1>Indonesia</h1>" in html
    for participation in Participation.objects.filter(state__alpha3="IDN").select_related("mechanism"):
        assert f'<a href="/mechanisms/{participation.mechanism.slug}/">{participation.mechanism.name}</a>' in html
    mechanisms = set(Participation.objects.filter(state__alpha3="IDN").values_list("mechanism", flat=True))
    shared = {}
    for alpha3, mechanism in Participation.objects.filter(mechanism__in=mechanisms, state__isnull=False).exclude(
            state__alpha3="IDN").values_list("state__alpha3", "mechanism"):
        shared.setdefault(alpha3, set()).add(mechanism)
    most = max(len(value) for value in shared.values())
    table = html[html.index('<table class="neighbours">'):]
    first = re.search(r'<th scope="row"><a href="/states/([A-Z]{3})/">[^<]+</a></th><td>(\d+)</td>', table)
    assert int(first.group(2)) == most and len(shared[first.group(1)]) == most


def test_a_state_page_lists_the_meetings_it_hosted(visitor):
    host = Meeting.objects.filter(host__isnull=False).values_list("host__alpha3", flat=True).first()
    html = page(visitor, f"/states/{host}/")
    for meeting in Meeting.objects.filter(host__alpha3=host):
        assert meeting.title.replace("'", "&#x27;") in html


def test_a_state_code_in_lower_case_redirects_and_an_unknown_one_is_404(visitor):
    response = visitor.get("/states/idn/")
    assert (response.status_code, response["Location"]) == (301, "/states/IDN/")
    assert "Page not found" in page(visitor, "/states/XYZ/", status=404)


def test_a_state_taking_part_nowhere_still_has_its_page(visitor):
    state = State.objects.filter(participations__isnull=True, hosted_meetings__isnull=True).first()
    html = page(visitor, f"/states/{state.alpha3}/")
    assert "takes part in no mechanism of this record" in html


# ----- meetings --------------------------------------------------------------------------------------

def test_the_meetings_page_groups_meetings_by_year_and_filters_them(visitor, api):
    html = page(visitor, "/meetings/?mechanism=rcm")
    expected = api.get("/api/v1/meetings/?mechanism=rcm&page_size=500").json()
    assert f"{expected['count']} meetings match these filters" in html
    assert sum(int(bar["data-count"]) for bar in Page(html).bars) == sum(
        1 for item in expected["results"] if item["start"])
    assert html.count('<li class="meeting">') == expected["count"]


def test_the_meetings_page_filters_by_host_and_kind(visitor):
    meeting = Meeting.objects.filter(host__isnull=False).select_related("host").first()
    html = page(visitor, f"/meetings/?host={meeting.host.alpha3}&kind={meeting.kind}")
    count = Meeting.objects.filter(host=meeting.host, kind=meeting.kind).count()
    assert (f"{count} meetings match these filters" if count != 1 else "1 meeting matches these filters") in html
    assert html.count('<li class="meeting">') == count


# ----- the home page ----------------------------------------------------------------------------------

def test_the_home_page_gives_the_headline_figures_and_the_latest_edition(visitor):
    html = page(visitor, "/")
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]*>)?(\d+)", html))
    assert int(figures["Mechanisms"]) == Mechanism.objects.count()
    assert int(figures["RCPs"]) == Mechanism.objects.filter(kind="rcp").count()
    assert int(figures["States taking part"]) == State.objects.filter(participations__isnull=False).distinct().count()
    assert int(figures["Meetings recorded"]) == Meeting.objects.count()
    assert "Regional Inter-State Consultation Mechanisms on Migration" in html
    bars = Page(html).bars
    assert len(bars) == Mechanism.objects.filter(founded_earliest__isnull=False).count()


def test_recent_changes_name_the_mechanism_and_the_part_changed_newest_first(visitor):
    mechanism = Mechanism.objects.get(slug="midwa")
    with recording(kind=ChangeSet.Kind.EDIT, reason="A test edit"):
        factories.participation(mechanism, "MRT", "observer", as_written="Mauritania")
    html = page(visitor, "/")
    changes = html[html.index('id="changes-heading"'):]
    day, link, parts = re.search(
        r"<li><time datetime=\"([\d-]+)\">[^<]+</time>: <a href=\"([^\"]+)\">[^<]+</a>, its ([^<]+)</li>", changes
    ).groups()
    assert (day, link) == (datetime.date.today().isoformat(), "/mechanisms/midwa/")
    assert "participants" in parts.split(", ")


# ----- private data never shows ------------------------------------------------------------------------

SECRET = "zz-private-4471"


def test_no_page_shows_curator_notes_drafts_users_or_change_reasons(visitor, django_user_model):
    bali = Mechanism.objects.get(slug="bali-process")
    editor = django_user_model.objects.create_user(username=f"{SECRET}-user", password="not-used")
    with recording(kind=ChangeSet.Kind.EDIT, user=editor, reason=f"{SECRET}-reason"):
        for model in (Mechanism, Participation, Meeting, Document, MechanismName, State, Organization, Region,
                      Theme, Discrepancy):
            model.objects.update(curator_note=f"{SECRET}-note")
        bali.status_note = bali.status_note + " "
        bali.save()
    ReviewEntry.objects.update(reviewer_comment=f"{SECRET}-comment", responsible=editor)
    draft = factories.edition(slug="draft-2030", year=2030, title=f"{SECRET} draft title",
                                         authors=[f"{SECRET} Author"], status="draft")
    ReviewEntry.objects.create(edition=draft, mechanism=bali, section="9.9", kind="irf", governance="pillar",
                               region=bali.region, background=f"{SECRET} draft background")
    Citation.objects.create(source=draft.source, locator=f"{SECRET} locator",
                            content_type=ContentType.objects.get_for_model(Mechanism), object_id=bali.pk)
    Discrepancy.objects.create(mechanism=bali, subject=f"{SECRET} subject", recorded="a", conflicting="b",
                               recorded_source=draft.source, recorded_locator="x", conflicting_source=draft.source,
                               conflicting_locator="y")
    indonesia = Participation.objects.get(mechanism=bali, state__alpha3="IDN", role="member")
    Citation.objects.create(source=draft.source, locator=f"{SECRET} participation locator",
                            content_type=ContentType.objects.get_for_model(Participation), object_id=indonesia.pk)

    for url in [*PAGES, "/mechanisms/?q=bali", "/meetings/?mechanism=bali-process", "/states/IDN/", "/nowhere/"]:
        response = visitor.get(url)
        assert SECRET not in response.content.decode(), url
    assert "Regional Inter-State Consultation Mechanisms on Migration" in page(visitor, "/")  # not the draft


# ----- errors --------------------------------------------------------------------------------------------

def test_a_server_error_is_the_sites_500_page(visitor, monkeypatch):
    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views.selectors, "mechanism_directory", broken)
    cache.clear()  # the directory is kept built; this test needs it built again
    visitor.raise_request_exception = False
    response = visitor.get("/mechanisms/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong on our side</h1>" in html
    assert "the database went away" not in html and '<nav aria-label="Main">' in html


# ----- query counts ----------------------------------------------------------------------------------------

# Exact query counts per page, each explained; they must not grow with the data. The first query of every
# public page reads the data version (its ETag and Last-Modified).
PAGE_QUERIES = {
    # mechanisms with regions, their short names, participating states, meetings, latest edition,
    # recent changes (one union over the history tables), the mechanisms they name
    "/": 8,
    # region, theme and state options; mechanisms, their themes, short names, state participations
    "/mechanisms/": 8,
    # the same, plus checking region, theme and participant in the query string
    "/mechanisms/?kind=rcp&region=africa&theme=labour-migration&participant=SEN&role=member&active_in=2012&q=t": 11,
    # the same options and checks, then the error message: no list is read
    "/mechanisms/?region=nowhere": 5,
    # the mechanism, themes, successors, other names, citations, participations + citations,
    # meetings + citations, documents, review entries, discrepancies, the snapshot it is cited as of
    "/mechanisms/grow-0/": 14,
    # the state, its names, participations + citations, neighbours, their mechanisms + short names,
    # meetings hosted + their mechanisms' short names
    "/states/SEN/": 10,
    # mechanism and host options; meetings, their citations, their mechanisms' short names
    "/meetings/": 6,
    # the same, plus checking mechanism and host
    "/meetings/?mechanism=grow-0&host=SEN&year=2012&kind=ministerial": 8,
}


def grow(count):
    """Add ``count`` mechanisms, each with participants, meetings, documents, names, citations, entries."""
    iom = Organization.objects.get(slug="iom")
    edition = ReviewEdition.objects.get(slug="harns-2013")
    theme = Theme.objects.get(slug="labour-migration")
    mechanism_type = ContentType.objects.get_for_model(Mechanism)
    for _ in range(count):
        first = not Mechanism.objects.filter(slug="grow-0").exists()
        mechanism = factories.mechanism(**({"slug": "grow-0"} if first else {}), founded="2010")
        mechanism.themes.add(theme)
        mechanism.other_names.create(name=f"Grown Process {mechanism.pk}", kind="short")
        for alpha3 in ("SEN", "FRA", "IDN"):
            participation = factories.participation(mechanism, alpha3, "member")
            Citation.objects.create(source=edition.source, locator="Annex B", object_id=participation.pk,
                                    content_type=ContentType.objects.get_for_model(Participation))
        mechanism.participations.create(organization=iom, role="secretariat", as_written="IOM")
        for _ in range(2):
            meeting = factories.meeting(mechanism, start="2012-06", kind="ministerial",
                                        host=State.objects.get(alpha3="SEN"))
            mechanism.documents.create(slug=f"doc-{meeting.slug}", title="Declaration", kind="declaration",
                                       meeting=meeting)
        Citation.objects.create(source=edition.source, locator="Annex D", covers="kind", content_type=mechanism_type,
                                object_id=mechanism.pk)
        ReviewEntry.objects.create(edition=edition, mechanism=mechanism, section="3.1.9", kind="rcp",
                                   governance="stand-alone", region=mechanism.region)
        mechanism.discrepancies.create(subject="founded", recorded="2010", recorded_source=edition.source,
                                       recorded_locator="Annex B", conflicting="2009",
                                       conflicting_source=edition.source, conflicting_locator="section 3.1.9")


def queries_for(client, url):
    client.get(url)  # the first request of a process fills caches (content types); count the next
    cache.clear()  # built, not served from the server-side cache of the directory pages
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in {200, 400}, (url, response.content[:300])
    return len(captured)


@pytest.mark.parametrize("url, expected", PAGE_QUERIES.items())
def test_query_count_is_exact_and_does_not_grow_with_the_data(visitor, url, expected):
    grow(2)
    small = queries_for(visitor, url)
    grow(10)
    large = queries_for(visitor, url)
    assert (small, large) == (expected, expected)


# ----- the charts and their colours ------------------------------------------------------------------------

def _mechanism(slug, kind="rcp", founded="", ended="", status="active", short=()):
    mechanism = Mechanism(slug=slug, name=slug.title(), acronym="", kind=kind, status=status, founded=founded,
                          ended=ended)
    for field in ("founded", "ended"):
        Mechanism._meta.get_field(field).fill_bounds(mechanism)
    mechanism.short_names = [MechanismName(name=name) for name in short]
    return mechanism


def test_the_timeline_draws_from_founding_to_end_or_today_and_lists_the_undated():
    today = datetime.date(2013, 6, 30)
    timeline = charts.mechanism_timeline([
        _mechanism("old", founded="1990", ended="1999"),
        _mechanism("going", kind="irf", founded="2000-07", short=["Going Process"]),
        _mechanism("gone", founded="1995", status="succeeded"),
        _mechanism("expected", status="expected"),
    ], today=today)
    old, gone, going = timeline.bars
    assert [bar.mechanism.slug for bar in timeline.bars] == ["old", "gone", "going"]
    assert [m.slug for m in timeline.undated] == ["expected"]
    assert [tick.label for tick in timeline.ticks] == [str(year) for year in range(1990, 2015, 2)]
    assert (old.x, old.ongoing, going.ongoing, gone.end_unknown) == (timeline.plot_left, False, True, True)
    year_2000 = next(tick.position for tick in timeline.ticks if tick.label == "2000")
    assert old.x + old.width == pytest.approx(year_2000, abs=0.2)  # to the end of 1999
    assert going.label == "Going Process" and going.colour == charts.KIND_COLOURS["irf"]
    assert "Not drawn, having no founding date: Expected." in timeline.summary
    assert [m.slug for m in timeline.rows] == ["old", "gone", "going", "expected"]


def test_meetings_per_year_counts_every_year_between_the_first_and_the_last():
    meetings = [Meeting(start=start) for start in ("2010-05", "2010", "2013-01-02", "")]
    for meeting in meetings:
        Meeting._meta.get_field("start").fill_bounds(meeting)
    chart = charts.meetings_per_year(meetings)
    assert chart.rows == [(2010, 2), (2011, 0), (2012, 0), (2013, 1)]
    assert chart.undated == 1
    tallest = chart.bars[0]
    assert tallest.y == chart.gridlines[-1].position and tallest.height > chart.bars[3].height > 0
    assert charts.meetings_per_year([]) is None


def test_the_matrix_keeps_every_role_and_finds_the_largest_overlaps():
    states = {code: State(pk=index, alpha3=code, name=name)
              for index, (code, name) in enumerate([("AAA", "Alpha"), ("BBB", "Bravo"), ("CCC", "Charlie")])}

    def taking_part(mechanism, *roles):
        mechanism.state_participations = [Participation(state=states[code], role=role) for code, role in roles]
        return mechanism

    first = taking_part(_mechanism("first"), ("AAA", "member"), ("AAA", "chair"), ("BBB", "member"))
    second = taking_part(_mechanism("second"), ("BBB", "observer"), ("CCC", "member"))
    third = taking_part(_mechanism("third"), ("BBB", "partner"), ("AAA", "observer"))
    matrix = charts.membership_matrix([first, second, third])
    assert [row.state.alpha3 for row in matrix.rows] == ["BBB", "AAA", "CCC"]
    alpha = matrix.rows[1]
    assert [(cell.abbreviation, cell.tone) for cell in alpha.cells] == [("M C", "member"), ("", ""),
                                                                        ("O", "observer")]
    assert [(pair.first.slug, pair.second.slug, pair.shared) for pair in matrix.overlaps] == [
        ("first", "third", 2), ("first", "second", 1), ("second", "third", 1)]
    by_name = charts.membership_matrix([first, second, third], order="name")
    assert [row.state.name for row in by_name.rows] == ["Alpha", "Bravo", "Charlie"]


def _luminance(colour):
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_pass_wcag_aa_contrast():
    css = (STATIC / "site.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    white = "#ffffff"
    pairs = [
        ("text", "background"), ("muted", "background"), ("link", "background"), ("link-visited", "background"),
        ("text", "panel"), ("muted", "panel"), ("link", "panel"), ("link-visited", "panel"),
        ("header-text", "header"), ("problem", "problem-background"), ("text", "problem-background"),
        ("tone-member-text", "tone-member"), ("tone-observer-text", "tone-observer"),
        ("tone-partner-text", "tone-partner"),
    ]
    for text, background in pairs:
        assert contrast(colours[text], colours[background]) >= 4.5, (text, background)
    for name in ("rcp", "irf", "global", "other", "link"):  # white text on badges and buttons
        assert contrast(white, colours[name]) >= 4.5, name
    for kind, colour in charts.KIND_COLOURS.items():  # the chart and the page agree, and pass on white
        assert colours[kind] == colour and contrast(colour, white) >= 4.5
    # focus outlines are visible against what they sit on (WCAG 1.4.11: 3:1)
    assert contrast(colours["focus"], colours["background"]) >= 3
    assert contrast(colours["focus-on-dark"], colours["header"]) >= 3
