"""Template filters of the public pages: partial dates as people read them, citations as people cite them."""

from django import template
from django.utils.html import format_html

from apps.mechanisms.charts import chart_name as mechanism_chart_name
from apps.mechanisms.selectors import CHANGE_PART_LABELS
from apps.site import localization

register = template.Library()


@register.filter
def partial_date(value):
    """'2012-06-11' as '11 June 2012' ('11 juin 2012', '11 de junio de 2012'), '2012-06' as 'June 2012'
    ('juin 2012', 'junio de 2012'), in a <time> element; '' stays ''."""
    if not value:
        return ""
    date = localization.parse_partial(value)
    if date is None:
        return value
    return format_html('<time datetime="{}">{}</time>', str(date), localization.partial_date_text(date))


def _marked(text, language):
    """``text``, in a span that says its language when it is not the page's."""
    if language != localization.language():
        return format_html('<span lang="{}">{}</span>', language, text)
    return text


@register.filter
def state_name(state):
    """A state's name in the page's language (CLDR's names), else its recorded name marked English."""
    return _marked(*localization.state_name(state))


@register.filter
def state_name_text(state):
    """The same, as plain text: for titles, attributes and options."""
    return localization.state_name(state)[0]


@register.filter
def organization_name(organization):
    """An organisation's recorded name, marked English on the French and Spanish pages."""
    return _marked(*localization.organization_name(organization))


@register.filter
def mechanism_name(mechanism):
    """A mechanism's recorded translation into the page's language, else its recorded name marked English."""
    return _marked(*localization.mechanism_name(mechanism))


@register.filter
def mechanism_name_text(mechanism):
    return localization.mechanism_name(mechanism)[0]


@register.filter
def vocabulary(text):
    """A region's or a theme's name (or a part of a record) in the page's language."""
    return localization.vocabulary(str(text))


@register.filter
def change_part(part):
    """A changed part of a mechanism's record ('participants', 'meetings'…) in the page's language."""
    return CHANGE_PART_LABELS.get(part, part)


@register.filter
def region_name(region):
    return localization.vocabulary(region.name)


@register.filter
def edition_label(edition):
    """An edition as it is cited: its first author's surname and its year, e.g. 'Harns 2013'."""
    if edition.authors:
        return f"{edition.authors[0].split()[-1]} {edition.year}"
    return f"{edition.title} ({edition.year})"


@register.filter
def cited_for(citations, fields):
    """The citations that support any of the comma-separated ``fields``; with '' those for the whole record."""
    wanted = {name.strip() for name in fields.split(",") if name.strip()}
    if not wanted:
        return [citation for citation in citations if not citation.covered_fields]
    return [citation for citation in citations if wanted & set(citation.covered_fields)]


@register.filter
def chart_name(mechanism):
    """A mechanism's name short enough for a chart or a list ('Colombo Process'); see charts.chart_name."""
    return mechanism_chart_name(mechanism)
