"""Template filters of the public pages: partial dates as people read them, citations as people cite them."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from apps.curation.partial_dates import in_words, range_in_words
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
    return format_html('<time datetime="{}">{}</time>', str(date), in_words(date))


@register.filter
def meeting_date(meeting):
    """When a meeting took place. The English pages give the date as the source writes it ('22–23 March
    2010'); the others write the recorded start and end in their own words ('22–23 mars 2010'), and the
    source's English words, marked English, only when no date is recorded."""
    start = localization.parse_partial(meeting.start) if meeting.start else None
    if meeting.date_as_written and (start is None or localization.language() == "en"):
        return localization.marked(meeting.date_as_written, "en")
    if start is None:
        return gettext("Date not recorded")
    end = localization.parse_partial(meeting.end) if meeting.end else None
    return format_html('<time datetime="{}">{}</time>', str(start), range_in_words(start, end))


@register.filter
def state_name(state):
    """A state's name in the page's language (CLDR's names), else its recorded name marked English."""
    return localization.marked(*localization.state_name(state))


@register.filter
def state_name_text(state):
    """The same, as plain text: for titles, attributes and options."""
    return localization.state_name(state)[0]


@register.filter
def organization_name(organization):
    """An organisation's recorded name, marked English on the French and Spanish pages."""
    return localization.marked(*localization.organization_name(organization))


@register.filter
def mechanism_name(mechanism):
    """A mechanism's recorded translation into the page's language, else its recorded name marked English."""
    return localization.marked(*localization.mechanism_name(mechanism))


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
    """A mechanism's name short enough for a chart or a list ('Colombo Process'); see charts.chart_name.
    Marked with its language on a page in another (a short name's recorded one; else English, the language
    the names and acronyms are recorded in)."""
    name = mechanism_chart_name(mechanism)
    short = next((short for short in mechanism.short_names if short.name == name), None)
    return localization.marked(name, (short.language if short else "") or "en")
