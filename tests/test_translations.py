"""The site in English, French and Spanish: complete catalogues, translated pages, names and dates."""

import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.curation.partial_dates import in_words
from apps.mechanisms.models import Mechanism
from apps.site import localization
from apps.states.models import State

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["fr", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_catalogue_is_translated_and_none_is_fuzzy(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_mo_is_compiled_from_the_po(language):
    """The .mo the site reads says exactly what the .po says (run `manage.py compilemessages` after editing)."""
    folder = LOCALE / language / "LC_MESSAGES"
    po, mo = polib.pofile(str(folder / "django.po")), polib.mofile(str(folder / "django.mo"))

    def entries(catalogue):
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in catalogue if entry.msgid and not entry.obsolete
        }

    assert entries(mo) == entries(po)


# What a template may show untranslated: names of formats and standards, the same in every language.
UNTRANSLATED_NAMES = {"API", "CSV", "JSON", "CSL-JSON", "BibTeX", "RIS", "YAML (zip)", "Popolo JSON", "SHA-256", "UTC",
                      "ISBN"}
# Templates left in English on purpose: the admin's, and the review report, a document in English.
ENGLISH_TEMPLATES = {"admin", "report.html"}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "value"}


class _VisibleText(HTMLParser):
    """The text a visitor sees or hears in a template's HTML, once Django's tags and variables are gone."""

    def __init__(self):
        super().__init__()
        self.found, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")
        self.found += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.found.append(data)


def untranslated_text(source):
    """Words in a template outside {% translate %} and {% blocktranslate %}, other than UNTRANSLATED_NAMES."""
    for pattern in (r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", r"{#.*?#}",
                    r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", r"{%.*?%}", r"{{.*?}}"):
        source = re.sub(pattern, " ", source, flags=re.S)
    parser = _VisibleText()
    parser.feed(source)
    left = []
    for text in parser.found:
        for name in sorted(UNTRANSLATED_NAMES, key=len, reverse=True):
            text = text.replace(name, " ")
        if re.search(r"[^\W\d_]{2,}", text):
            left.append(" ".join(text.split()))
    return left


PUBLIC_TEMPLATES = sorted(
    path.relative_to(ROOT / "templates") for path in (ROOT / "templates").rglob("*.html")
    if not ENGLISH_TEMPLATES & set(path.relative_to(ROOT / "templates").parts)
)


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES, ids=str)
def test_every_word_of_a_public_template_goes_through_the_catalogue(template):
    """A string added without {% translate %} never reaches the catalogue, so the catalogue test cannot see it:
    the cite and download links were English on the French and Spanish pages."""
    assert untranslated_text((ROOT / "templates" / template).read_text()) == []


def test_the_template_check_finds_a_forgotten_string():
    assert untranslated_text('{% load i18n %}<p class="x">Download the citation: <a href="{{ url }}">BibTeX</a>'
                             '</p><a title="Open it">{% translate "Cite" %}</a>') == ["Download the citation:",
                                                                                     "Open it"]
    assert untranslated_text('{% blocktranslate %}Cite {{ it }}{% endblocktranslate %} <b>{{ n }}</b> · 2013'
                             ' <meta content="width=device-width">') == []


PAGES = ["/", "/mechanisms/", "/mechanisms/midwa/", "/states/IDN/", "/meetings/", "/editions/", "/editions/2013/",
         "/nowhere/"]
# Headings each page shows, in each language.
HEADINGS = {
    "en": {"/": "In figures", "/mechanisms/": "Membership matrix", "/mechanisms/midwa/": "Key facts",
           "/states/IDN/": "The mechanisms it takes part in", "/meetings/": "Meetings",
           "/editions/": "Review editions", "/editions/2013/": "The published report", "/nowhere/": "Page not found"},
    "fr": {"/": "En chiffres", "/mechanisms/": "Matrice des participations", "/mechanisms/midwa/": "L’essentiel",
           "/states/IDN/": "Les mécanismes auxquels il participe", "/meetings/": "Réunions",
           "/editions/": "Éditions de l’étude", "/editions/2013/": "Le rapport publié",
           "/nowhere/": "Page introuvable"},
    "es": {"/": "En cifras", "/mechanisms/": "Matriz de participación", "/mechanisms/midwa/": "Datos clave",
           "/states/IDN/": "Los mecanismos en los que participa", "/meetings/": "Reuniones",
           "/editions/": "Ediciones del estudio", "/editions/2013/": "El informe publicado",
           "/nowhere/": "Página no encontrada"},
}
# English interface phrases that must not be left in a French or Spanish page.
KEY_PHRASES = [
    "Skip to the content", "Key facts", "As the source writes it", "Apply filters", "Clear all filters",
    "Membership matrix", "Meetings per year", "The same record in the API", "Page not found", "What you can do",
    "Timeline of the mechanisms",
    "No end recorded", "drawn from founding to end", "take part, in some role", "counted by the year each started",
    "Any kind", "Recent changes", "In figures", "The mechanisms it takes part in", ">Member <", "Stand-alone",
    "Africa (intra-African)", "as a table", "Map of", "too small to see",
    "Snapshots to download", "Changes since the previous review",
    "Cite this mechanism", "Download the citation", "Atom feed", "Follow its changes", "Download it:",
    "Cite this edition", "Chicago author-date", "outcome documents",
]


def _prefixed(language, path):
    return path if language == "en" else f"/{language}{path}"


@pytest.fixture
def visitor(db):
    return Client()


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
@pytest.mark.parametrize("path", PAGES)
def test_each_page_in_each_language(visitor, language, path):
    response = visitor.get(_prefixed(language, path), HTTP_REFERER="http://testserver/")
    assert response.status_code == (404 if path == "/nowhere/" else 200)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert HEADINGS[language][path] in html
    if language != "en":
        left = [phrase for phrase in KEY_PHRASES if phrase in html]
        assert left == []


@pytest.mark.parametrize("path", ["/mechanisms/midwa/", "/states/IDN/", "/mechanisms/", "/"])
def test_a_page_costs_the_same_queries_in_every_language(visitor, path, settings):
    settings.SERVER_CACHE_TIMEOUT = 0  # each page built, not read back from the server-side cache
    counts = []
    for language in ["en", *LANGUAGES]:
        visitor.get(_prefixed(language, path), HTTP_REFERER="http://testserver/")  # warm: data version, caches
        with CaptureQueriesContext(connection) as queries:
            visitor.get(_prefixed(language, path), HTTP_REFERER="http://testserver/", HTTP_CACHE_CONTROL="no-cache")
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_every_page_links_its_versions_in_the_other_languages(visitor):
    html = visitor.get("/fr/mechanisms/midwa/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/mechanisms/midwa/">' in html
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/mechanisms/midwa/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/mechanisms/midwa/">' in html
    assert '<a href="http://testserver/es/mechanisms/midwa/" hreflang="es" lang="es">Español</a>' in html


def test_the_switcher_keeps_the_filters(visitor):
    html = visitor.get("/mechanisms/?kind=rcp").content.decode()
    assert 'href="http://testserver/fr/mechanisms/?kind=rcp"' in html


@pytest.mark.parametrize(("accept", "location"), [("fr-FR,fr;q=0.9,en;q=0.5", "/fr/"), ("es", "/es/")])
def test_the_home_page_honours_the_browsers_language(visitor, accept, location):
    response = visitor.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert (response.status_code, response["Location"]) == (302, location)
    assert "Accept-Language" in response["Vary"]


def test_an_english_browser_and_a_visitor_moving_within_the_site_stay_on_the_page_asked_for(visitor):
    assert visitor.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en").status_code == 200
    # The switcher's 'English' from a French page: the visitor's choice beats the browser's.
    response = visitor.get("/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_REFERER="http://testserver/fr/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_api_stays_language_neutral(visitor):
    response = visitor.get("/api/v1/mechanisms/midwa/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response.json()["name"] == "Migration Dialogue for West Africa"
    assert visitor.get("/fr/api/v1/mechanisms/").status_code == 404
    names = visitor.get("/api/v1/mechanisms/fibemyd/").json()["other_names"]
    assert {"name": "Foro Iberoamericano, Migración y Desarrollo", "kind": "translation", "language": "es",
            "valid_from": "", "valid_until": ""} in names


@pytest.mark.parametrize(("language", "month", "day"), [
    ("en", "June 2013", "11 June 2013"), ("fr", "juin 2013", "11 juin 2013"),
    ("es", "junio de 2013", "11 de junio de 2013"),
])
def test_partial_dates_are_written_as_each_language_writes_them(language, month, day):
    with translation.override(language):
        assert in_words(localization.parse_partial("2013-06")) == month
        assert in_words(localization.parse_partial("2013-06-11")) == day
        assert in_words(localization.parse_partial("2013")) == "2013"
    with translation.override("fr"):
        assert in_words(localization.parse_partial("2013-06-01")) == "1er juin 2013"


def test_states_are_named_in_the_visitors_language_kosovo_included(db):
    assert localization.state_name(State.objects.get(alpha3="DEU"), "fr") == ("Allemagne", "fr")
    assert localization.state_name(State.objects.get(alpha3="DEU"), "es") == ("Alemania", "es")
    assert localization.state_name(State.objects.get(alpha3="XKX"), "fr") == ("Kosovo", "fr")
    assert localization.state_name(State.objects.get(alpha3="XKX"), "es") == ("Kosovo", "es")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_of_the_record_has_a_name_in_french_and_spanish(db, language):
    """None falls back to its English name, marked English: CLDR names every state the record holds."""
    english = [state.alpha3 for state in State.objects.all() if localization.state_name(state, language)[1] != language]
    assert english == []


def test_the_spanish_pages_spell_the_west_african_states_as_spanish_does(visitor):
    """pycountry's Spanish catalogue wrote 'Costa de Marfíl' and 'Burquina Faso'; CLDR's names are reviewed."""
    html = unescape(visitor.get("/es/mechanisms/midwa/").content.decode())
    for name in ("Côte d’Ivoire", "Burkina Faso", "Níger"):
        assert f">{name}</a>" in html
    for misspelt in ("Marfíl", "Burquina", ">Niger<"):
        assert misspelt not in html
    html = unescape(visitor.get("/fr/states/XKX/").content.decode())
    assert "<h1>Kosovo</h1>" in html  # a French name, read with a French voice


@pytest.mark.parametrize(("language", "name"), [("fr", "Palestine"), ("es", "Palestina")])
def test_palestine_is_named_as_iso_and_the_english_pages_name_it_not_as_territories(db, language, name):
    """CLDR's default name is 'Territoires palestiniens'; ISO 3166-1 names the State of Palestine, which the
    English pages call 'Palestine'."""
    assert localization.state_name(State.objects.get(alpha3="PSE"), language) == (name, language)


def test_a_mechanism_with_a_recorded_spanish_name_shows_it_to_spanish_visitors(visitor):
    html = visitor.get("/es/mechanisms/fibemyd/").content.decode()
    assert "<h1>Foro Iberoamericano, Migración y Desarrollo" in html
    html = visitor.get("/fr/mechanisms/fibemyd/").content.decode()
    assert '<h1><span lang="en">Ibero-American Forum on Migration and Development</span>' in html


@pytest.mark.parametrize("path", ["/fr/", "/es/mechanisms/", "/fr/states/IDN/"])
def test_the_pages_in_french_and_spanish_are_cached_like_the_english_ones(visitor, path):
    response = visitor.get(path)
    assert response["Cache-Control"].startswith("public, max-age=")
    assert visitor.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_name_the_same_in_french_is_marked_french_not_english(visitor):
    """'France', 'Mali', 'Togo' are French names too: marked English, a French screen reader read them with an
    English voice."""
    assert localization.state_name(State.objects.get(alpha3="FRA"), "fr") == ("France", "fr")
    assert localization.state_name(State.objects.get(alpha3="MLI"), "es") == ("Mali", "es")
    html = visitor.get("/fr/mechanisms/midwa/").content.decode()
    assert '<a href="/fr/states/MLI/">Mali</a>' in html and '<span lang="en">Mali</span>' not in html


def test_the_members_are_listed_by_their_recorded_names_in_every_language_as_in_the_download(visitor):
    """They were listed as the source writes them, so 'the Gambia' and 'the Niger' came after Togo. The order
    is the same on every page and in the download (tests/test_downloads.py)."""
    expected = {"": ["Benin", "Burkina Faso", "Cabo Verde", "Côte d'Ivoire", "Gambia", "Ghana"],
                "/fr": ["Bénin", "Burkina Faso", "Cap-Vert", "Côte d’Ivoire", "Gambie", "Ghana"]}
    codes = []
    for language in ("", "/fr", "/es"):
        html = visitor.get(f"{language}/mechanisms/midwa/").content.decode()
        table = html[html.index('id="role-1"'):]
        table = table[:table.index("</table>")]
        rows = re.findall(r'<th scope="row"><a href="[^"]*/states/([A-Z]{3})/">(?:<span lang="en">)?([^<]+)<', table)
        codes.append([code for code, _name in rows])
        if language in expected:
            assert [unescape(name) for _code, name in rows][:6] == expected[language]
    assert codes[0] == codes[1] == codes[2] and len(codes[0]) == 15
    recorded = dict(State.objects.filter(alpha3__in=codes[0]).values_list("alpha3", "name"))
    assert [recorded[code] for code in codes[0]] == sorted(recorded[code] for code in codes[0])


def test_a_french_list_puts_a_space_before_its_semicolons(visitor):
    html = visitor.get("/fr/mechanisms/midwa/").content.decode()
    assert "17 États participent : Membre, présidence ou groupe de pilotage, 15 ; Observateur" in html
    html = visitor.get("/es/mechanisms/midwa/").content.decode()
    assert "grupo directivo, 15; Observador" in html


def test_the_feeds_speak_the_language_of_their_address(visitor):
    response = visitor.get("/fr/feeds/editions/")
    assert response.status_code == 200
    feed = response.content.decode()
    assert 'xml:lang="fr"' in feed
    assert "<title>Mécanismes régionaux de consultation sur la migration : éditions et instantanés</title>" in feed
    assert "<title>Mecanismos regionales de consulta sobre migración: cambios</title>" in visitor.get(
        "/es/feeds/changes/").content.decode()


def test_a_citation_is_written_in_the_terms_of_the_page(visitor):
    """The titles stay as recorded; what the citation says around them follows the page's language."""
    html = visitor.get("/fr/mechanisms/midwa/").content.decode()
    assert "[Instantané du jeu de données harns-2013-" in html
    assert re.search(r"«\s?Migration Dialogue for West Africa\s?»", html)  # Chicago, with French quotation marks
    html = visitor.get("/es/mechanisms/midwa/").content.decode()
    assert "[Instantánea del conjunto de datos harns-2013-" in html and ". En <i>" in html
    assert "[Data set snapshot harns-2013-" in visitor.get("/mechanisms/midwa/").content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", {"Membre": "M", "Membre pressenti": "MP", "Partenaire": "P", "Présidence ou coprésidence": "Pr",
            "Groupe de pilotage": "GP"}),
    ("es", {"Miembro": "M", "Miembro previsto": "MP", "Socio": "So", "Presidencia o copresidencia": "P",
            "Grupo directivo": "GD"}),
])
def test_the_matrix_writes_each_role_with_the_letters_of_the_pages_language(visitor, language, expected):
    html = unescape(visitor.get(f"/{language}/mechanisms/").content.decode())
    pairs = re.findall(r'<dt class="tone-\w+">([^<]+)</dt><dd>([^<]+)</dd>', html)
    legend = {label: letters for letters, label in pairs}
    assert len(legend) == 10 and len(set(legend.values())) == 10  # every role spelt out, no two alike
    assert {label: legend[label] for label in expected} == expected
    cells = {letters for cell in re.findall(r"<td class=tone-\w+>([^<]+)", html) for letters in cell.split()}
    assert legend["Membre" if language == "fr" else "Miembro"] in cells
    assert cells <= set(legend.values())  # each cell in the letters its legend explains: no English 'C' or 'SG'


def _matrix_rows(html, language):
    matrix = html[html.index('<table class="matrix"'):]
    return re.findall(rf'<th scope="row"><a href="/{language}/states/[A-Z]{{3}}/">(?:<span lang="\w+">)?([^<]+)<',
                      matrix[:matrix.index("</table>")])


def test_ordered_by_name_the_french_matrix_and_choices_follow_the_french_names(visitor):
    """'Allemagne' with the A's, not where 'Germany' goes; 'Égypte' with the E's, not after 'Zimbabwe'."""
    html = unescape(visitor.get("/fr/mechanisms/?matrix_order=name").content.decode())
    names = _matrix_rows(html, "fr")
    assert names.index("Afrique du Sud") < names.index("Allemagne") < names.index("Belgique")
    assert names.index("Égypte") < names.index("Espagne") < names.index("États-Unis") < names.index("Éthiopie")
    select = html[html.index('name="participant"'):]
    options = re.findall(r'<option value="[A-Z]{3}"[^>]*>([^<]+)</option>', select[:select.index("</select>")])
    assert options.index("Allemagne") < options.index("Belgique") < options.index("Égypte") < options.index("France")


def test_organisations_keep_their_recorded_english_name_marked_english(visitor):
    """No package names organisations in French or Spanish: their recorded name is read with an English voice."""
    html = unescape(visitor.get("/fr/mechanisms/midwa/").content.decode())
    assert '<span lang="en">Economic Community of West African States (ECOWAS)</span>' in html
    html = unescape(visitor.get("/mechanisms/midwa/").content.decode())
    assert "<th scope=\"row\">Economic Community of West African States (ECOWAS)</th>" in html  # English: unmarked


def test_french_puts_a_space_before_the_colon_of_a_map_label_and_the_semicolons_between_names(visitor):
    html = unescape(visitor.get("/fr/mechanisms/bali-process/").content.decode())
    assert "Cambodge : Membre, présidence ou groupe de pilotage" in html
    assert "Cambodge: " not in html
    assert re.search(r"\(autre nom\)</span> ; <span", html)
    html = unescape(visitor.get("/es/mechanisms/bali-process/").content.decode())
    assert "Camboya: Miembro, presidencia o grupo directivo" in html


def test_a_caption_marks_the_english_name_of_a_mechanism_the_title_of_the_drawing_cannot(visitor):
    """'Carte des États qui participent à Bali Process…': a French screen reader read the name with a French
    voice. The SVG's own title is text only, so it keeps the name unmarked."""
    name = localization.mechanism_name(Mechanism.objects.get(slug="bali-process"), "fr")[0]
    html = visitor.get("/fr/mechanisms/bali-process/").content.decode()
    marked = f'Carte des États qui participent à <span lang="en">{escape(name)}</span>'
    assert f"<figcaption id=\"participants-map-caption\">{marked}</figcaption>" in html
    assert f"{marked}</caption>" in html
    assert f'<title id="participants-map-title">Carte des États qui participent à {escape(name)}</title>' in html
    html = visitor.get("/es/mechanisms/fibemyd/").content.decode()
    assert ">Mapa de los Estados que participan en Foro Iberoamericano, Migración y Desarrollo</figcaption>" in html


def test_a_mechanism_named_short_in_a_list_is_marked_english_on_the_french_pages(visitor):
    html = visitor.get("/fr/states/THA/").content.decode()
    assert 'title="Bali Process on People Smuggling, Trafficking in Persons and Related Transnational Crime">' \
           '<span lang="en">Bali Process</span></a>' in html
    html = visitor.get("/states/THA/").content.decode()
    assert '<span lang="en">Bali Process</span>' not in html


def test_a_meeting_date_is_written_in_the_pages_language_the_english_page_keeping_the_sources_words(visitor):
    """The French and Spanish pages showed the source's English words ('22–23 March 2010')."""
    html = visitor.get("/fr/mechanisms/bali-process/").content.decode()
    assert '<time datetime="2010-03-22">22–23 mars 2010</time>' in html and "22–23 March 2010" not in html
    html = visitor.get("/es/mechanisms/bali-process/").content.decode()
    assert '<time datetime="2010-03-22">22–23 de marzo de 2010</time>' in html
    assert "22–23 March 2010" in visitor.get("/mechanisms/bali-process/").content.decode()


def test_the_timeline_says_when_a_mechanism_was_founded_and_ended_in_words(visitor):
    """Its bars' titles read 'fondé en 2011-12-08', 'terminé en 2011-12-08' and '(Autre, …'."""
    for name, field, value in [("Cross-Border Cooperation Process", "ended", "2011-12-08"),
                               ("Eastern Partnership Panel on Migration and Asylum", "founded", "2011-05-26")]:
        mechanism = Mechanism.objects.get(name=name)
        setattr(mechanism, field, value)
        mechanism.save()
    html = unescape(visitor.get("/fr/mechanisms/").content.decode())
    assert "Cross-Border Cooperation Process : PCR, fondé en 2001, terminé le 8 décembre 2011" in html
    assert "Tripoli Process : FIR, fondé en novembre 2006, sans fin enregistrée (actif)" in html
    assert "ASEAN Forum on Migrant Labour : autre, fondé en 2007, sans fin enregistrée (actif)" in html
    assert "le plus récent EPPMA (26 mai 2011)" in html
    html = unescape(visitor.get("/es/mechanisms/").content.decode())
    assert "Cross-Border Cooperation Process: PCR, fundado en 2001, terminado el 8 de diciembre de 2011" in html
