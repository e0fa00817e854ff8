"""A state's name in another language, from CLDR's territory names (through Babel).

CLDR's names are reviewed by speakers of each language, where pycountry's gettext catalogues of ISO 3166-1
misspell some ('Costa de Marfíl', 'Burquina Faso'); CLDR also names Kosovo, which ISO leaves out. pycountry
stays the source of the ISO codes themselves.
"""

import functools
import gettext

import babel
import pycountry

# Where CLDR's default name tells less than ISO's and the English pages' (CLDR: 'Palestinian Territories'; ISO
# 3166-1 and the UN: the State of Palestine, which the English pages call 'Palestine'), the ISO short name in
# that language is used, uninverted as the English one is ('Palestine, État de' -> 'Palestine').
ISO_NAMED = {"PS"}


@functools.cache
def _territories(language):
    try:
        return babel.Locale.parse(language).territories
    except (babel.UnknownLocaleError, ValueError):
        return {}


@functools.cache
def _alpha2(alpha3):
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


def territory_name(alpha3, language, alpha2=None):
    """CLDR's name in ``language`` of the state coded ``alpha3``, or None when CLDR has none.

    ``alpha2`` is the state's recorded alpha-2 code when the caller has it: the only way to the codes ISO
    does not assign (Kosovo's XK); without it the ISO code is looked up, which costs no query.
    """
    code = (alpha2 or _alpha2(alpha3.upper()) or "").upper()
    if code in ISO_NAMED:
        return _iso_short_name(code, language)
    return _territories(language).get(code) if code else None


@functools.cache
def _iso_short_name(alpha2, language):
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    return catalogue.gettext(pycountry.countries.get(alpha_2=alpha2).name).split(",")[0].strip()
