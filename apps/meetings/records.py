"""The meetings app's records in the dataset (apps/curation/records.py)."""

from django.utils.translation import gettext_lazy as _

from apps.curation.records import CHOICE, DATE, REF, SOURCES, Field, Record, register
from apps.curation.text_search import SearchIndex, register_search

from .models import Document, Meeting

register(
    Record(
        "meeting", Meeting, key="slug", owner="mechanism", table="meetings", order=("start", "slug"),
        search=("title", "slug", "city"),
        description="Meetings of the mechanisms.",
        layout=(
            Field("slug", required=True), Field("title"), Field("kind", CHOICE, default="other"),
            Field("status", CHOICE, default="held"), Field("start", DATE), Field("end", DATE),
            Field("date_as_written", compared=False), Field("city"), Field("host", REF, to="state"),
            Field("venue_as_written", compared=False), Field("theme"), Field("note", compared=False), SOURCES,
        ),
    ),
    Record(
        "document", Document, key="slug", owner="mechanism", table="documents", order=("date", "slug"),
        search=("title", "slug"),
        description="Outcome documents.",
        layout=(Field("slug", required=True), Field("title"), Field("kind", CHOICE), Field("date", DATE),
                Field("meeting", REF, to="meeting"), Field("url"), Field("note"),
                # The register's entry for this document (a source of kind 'document'), when one is linked.
                Field("source_entry", REF, to="source", written_when_empty=False), SOURCES),
    ),
)


@register_search
class MeetingSearch(SearchIndex):
    """Meetings, on their mechanism's page."""

    name, label, model = "meeting", _("Meetings"), Meeting
    fields = (("title", "A"), ("theme", "B"), ("city", "C"), ("note", "D"))
    related = ("mechanism",)

    def title(self, row):
        return f"{row} · {row.mechanism.short_name}"

    def url(self, row):
        return row.mechanism.get_absolute_url() + "#meetings-heading"


@register_search
class DocumentSearch(SearchIndex):
    """Outcome documents, on their mechanism's page."""

    name, label, model = "document", _("Outcome documents"), Document
    fields = (("title", "A"), ("note", "D"))
    related = ("mechanism",)

    def title(self, row):
        return f"{row.title} · {row.mechanism.short_name}"

    def url(self, row):
        return row.mechanism.get_absolute_url() + "#documents-heading"
