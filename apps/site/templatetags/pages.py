"""Template filters of the public pages: partial dates as people read them, citations as people cite them."""

import calendar

from django import template
from django.utils.html import format_html

from apps.curation.partial_dates import PartialDate
from apps.mechanisms.charts import chart_name as mechanism_chart_name

register = template.Library()


@register.filter
def partial_date(value):
    """'2012-06-11' as '11 June 2012', '2012-06' as 'June 2012', in a <time> element; '' stays ''."""
    if not value:
        return ""
    try:
        date = PartialDate.parse(value)
    except ValueError:
        return value
    text = str(date.year)
    if date.month:
        text = f"{calendar.month_name[date.month]} {text}"
    if date.day:
        text = f"{date.day} {text}"
    return format_html('<time datetime="{}">{}</time>', str(date), text)


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
