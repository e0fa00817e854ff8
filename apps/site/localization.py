"""Names and dates in the visitor's language.

- States: CLDR's names of the territories (apps/states/names.py), Kosovo's included; a state CLDR does not
  name keeps its recorded English name, marked as English.
- Organisations: their recorded name, marked as English (no package names them in other languages).
- Mechanisms: a recorded other name of kind 'translation' in the page's language, else the recorded name.
- Regions, themes and the parts of a record: the site's own catalogue (the names listed below).
- Partial dates: '11 June 2012' / '11 juin 2012' / '11 de junio de 2012', 'June 2012' / 'juin 2012' /
  'junio de 2012', with Django's month names (apps/curation/partial_dates.in_words, which the dataset's
  sentences share).
"""

import unicodedata

from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

from apps.curation.partial_dates import PartialDate
from apps.states.names import territory_name

# Data the fixtures name, translated in the site's catalogue (locale/*/LC_MESSAGES/django.po).
REGION_NAMES = [
    gettext_noop("Africa (intra-African)"),
    gettext_noop("Africa with Europe"),
    gettext_noop("Americas and the Caribbean"),
    gettext_noop("Asia (intra-Asian)"),
    gettext_noop("The Arabian Peninsula in West Asia, with other Asia"),
    gettext_noop("Asia with Europe"),
    gettext_noop("Asia with Oceania"),
    gettext_noop("Europe with the African, Caribbean and Pacific Group of States"),
    gettext_noop("Europe with Australia, Canada, New Zealand and the United States"),
    gettext_noop("Europe with the former Soviet Union and selected neighbouring countries"),
    gettext_noop("Europe with Latin America"),
    gettext_noop("The Mediterranean"),
    gettext_noop("The Middle East and Africa"),  # added by the 2026 update (fixtures/updates/2026/regions.yaml)
]
THEME_NAMES = [
    gettext_noop("Asylum and refugee protection"),
    gettext_noop("Border management and visas"),
    gettext_noop("Capacity-building"),
    gettext_noop("Data, research and information exchange"),
    gettext_noop("Diaspora engagement"),
    gettext_noop("Environment and climate"),
    gettext_noop("Forced migration and displacement"),
    gettext_noop("Free movement and regional mobility"),
    gettext_noop("Identity, documents and civil registration"),
    gettext_noop("Integration and social inclusion"),
    gettext_noop("Irregular migration"),
    gettext_noop("Labour migration"),
    gettext_noop("Human rights of migrants"),
    gettext_noop("Migrant smuggling"),
    gettext_noop("Migration and development"),
    gettext_noop("Migration and health"),
    gettext_noop("Migration policy and governance"),
    gettext_noop("Mixed migration flows"),
    gettext_noop("Remittances"),
    gettext_noop("Return, readmission and reintegration"),
    gettext_noop("Migration and security"),
    gettext_noop("Skilled migration and brain drain"),
    gettext_noop("Trafficking in persons"),
    gettext_noop("Women, children and vulnerable migrants"),
]
CHANGE_PARTS = [
    gettext_noop("facts"), gettext_noop("other names"), gettext_noop("participants"), gettext_noop("meetings"),
    gettext_noop("outcome documents"),
]


def vocabulary(text):
    """A region's, a theme's or a record part's name in the active language (unchanged when not listed)."""
    return gettext(text) if text else text


def language():
    return (translation.get_language() or "en").split("-")[0]


def marked(text, text_language):
    """``text`` as HTML, in a span that says its language when it is not the page's (a name left in English
    on a French page: <span lang="en">)."""
    if text_language != language():
        return format_html('<span lang="{}">{}</span>', text_language, text)
    return format_html("{}", text)


def state_name(state, code=None):
    """(name, language of the name): CLDR's name in ``code`` (the active language), else the recorded one."""
    code = code or language()
    if code != "en":
        # The recorded alpha-2 code when the page loaded it (a deferred one would cost a query per state).
        alpha2 = None if "alpha2" in state.get_deferred_fields() else state.alpha2
        name = territory_name(state.alpha3, code, alpha2=alpha2)
        if name:
            return name, code
    return state.name, "en"


def state_sort_key(state):
    """Where a state goes in a list ordered by name: by the name the page shows, as a dictionary orders it
    (accents and case aside), so 'Allemagne' comes first in French and 'Égypte' with the E's."""
    name = state_name(state)[0]
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return folded.casefold(), name


def organization_name(organization):
    """(name, language): the recorded name with its acronym, in English, the language it is recorded in."""
    return str(organization), "en"


def mechanism_name(mechanism, code=None):
    """(name, language): a recorded translation of the name into ``code``, else the recorded name (English).

    Reads ``mechanism.other_names`` only when the page prefetched them (no query per mechanism).
    """
    code = code or language()
    if code != "en":
        prefetched = getattr(mechanism, "_prefetched_objects_cache", {}).get("other_names")
        for name in prefetched if prefetched is not None else ():
            if name.kind == "translation" and name.language == code:
                return name.name, code
    return mechanism.name, "en"


def parse_partial(value):
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None
