"""The reviews app's records in the dataset (apps/curation/records.py)."""

from django.utils.translation import gettext_lazy as _

from apps.curation.records import CHOICE, DATE, INTEGER, NAMES, PLACE, REF, SOURCES, Field, Record, register
from apps.curation.text_search import SearchIndex, register_search

from .models import Discrepancy, ReviewEdition, ReviewEntry

register(
    Record(
        "edition", ReviewEdition, key="slug", table="editions", order=("year", "slug"),
        search=("title", "slug", "isbn"),
        description="Published review editions. Authors are separated by '; '.",
        layout=(
            Field("slug", required=True), Field("year", INTEGER, required=True), Field("title"),
            Field("authors", NAMES, default=()), Field("publisher"), Field("series"), Field("series_number"),
            Field("isbn"), Field("issn"), Field("published", DATE), Field("url"),
            Field("status", CHOICE, default="published", tabled=False), SOURCES,  # a snapshot's are all published
        ),
    ),
    Record(
        "review_entry", ReviewEntry, key="edition", owner="mechanism", table="review_entries", order=("edition",),
        table_key=("edition", "mechanism"),
        description="How each published edition classified and described each mechanism.",
        layout=(
            Field("edition", REF, to="edition", required=True), Field("section"), Field("kind", CHOICE, required=True),
            Field("governance", CHOICE, required=True), Field("region", REF, to="region", required=True),
            Field("background"), Field("agenda"), Field("linkages"), Field("taxonomic_placement"),
        ),
    ),
    Record(
        "discrepancy", Discrepancy, key="", owner="mechanism", table="discrepancies", order=("position",),
        table_key=("mechanism", "position"),
        description="Places where the source contradicts itself, with the value recorded and the other one.",
        layout=(
            Field("subject"), Field("recorded"), Field("recorded_source", PLACE), Field("conflicting"),
            Field("conflicting_source", PLACE), Field("note"),
        ),
    ),
)


@register_search
class ReviewEntrySearch(SearchIndex):
    """What the published editions wrote of each mechanism; never a draft's or an edition in review."""

    name, label, model = "review_entry", _("In the review editions"), ReviewEntry
    fields = (("background", "B"), ("agenda", "B"), ("linkages", "C"), ("taxonomic_placement", "C"))
    related = ("mechanism", "edition")

    def public(self, queryset):
        return queryset.filter(edition__status=ReviewEdition.Status.PUBLISHED)

    def title(self, row):
        return f"{row.mechanism.short_name} · {row.edition}"

    def url(self, row):
        return row.mechanism.get_absolute_url() + "#editions-heading"
