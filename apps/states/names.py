"""A state's name in another language, from CLDR's territory names (through Babel).

CLDR's names are reviewed by speakers of each language, where pycountry's gettext catalogues of ISO 3166-1
misspell some ('Costa de Marfíl', 'Burquina Faso'); CLDR also names Kosovo, which ISO leaves out. pycountry
stays the source of the ISO codes themselves.
"""

import functools

import babel
import pycountry


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
    code = alpha2 or _alpha2(alpha3.upper())
    return _territories(language).get(code.upper()) if code else None
