"""The mechanisms app's records in the dataset (apps/curation/records.py)."""

from django.utils.translation import gettext_lazy as _

from apps.curation.records import (
    CHOICE,
    DATE,
    INTEGER,
    NAME_LAYOUT,
    REF,
    REFS,
    SOURCES,
    Children,
    Field,
    Record,
    register,
)
from apps.curation.text_search import SearchIndex, register_search

from .models import Mechanism, MechanismName, Participation, Region, Theme

register(
    Record(
        "region", Region, key="slug", table="regions", order=("order", "slug"),
        description="The review's regional groupings (Annex A).",
        layout=(Field("slug", required=True), Field("name"), Field("order", INTEGER, default=0), SOURCES),
    ),
    Record(
        "theme", Theme, key="slug", table="themes", order=("slug",),
        description="The controlled vocabulary of themes.",
        layout=(Field("slug", required=True), Field("name"), Field("description")),
    ),
    Record(
        "mechanism", Mechanism, key="slug", table="mechanisms", order=("slug",),
        search=("name", "acronym", "slug", "other_names__name"),
        description="Regional consultative processes, interregional forums and other mechanisms.",
        layout=(
            Field("slug", required=True), Field("acronym"), Field("name"),
            Children("other_names", "mechanism_name", "other_names"),
            Field("region", REF, to="region", required=True), Field("kind", CHOICE, required=True),
            Field("governance", CHOICE, required=True), Field("status", CHOICE, default="active"),
            Field("status_note"), Field("founded", DATE), Field("ended", DATE),
            Field("parent_framework", REF, to="organization"), Field("predecessor", REF, to="mechanism"),
            Field("website"), Field("objectives"), Field("secretariat_note"),
            Field("themes", REFS, to="theme", default=()), SOURCES,
            Children("participations", "participation", "participations"),
            Children("meetings", "meeting", "meetings"),
            Children("documents", "document", "documents"),
            Children("review_entries", "review_entry", "review_entries"),
            Children("discrepancies", "discrepancy", "discrepancies"),
        ),
    ),
    Record(
        "mechanism_name", MechanismName, key="name", owner="mechanism", table="mechanism_names",
        table_key=("mechanism", "name"),
        order=("valid_from", "name"), description="Other names of mechanisms.", layout=NAME_LAYOUT,
    ),
    Record(
        "participation", Participation, key="", owner="mechanism", table="participations", table_key=("key",),
        order=("role", "state", "organization", "start"),
        description="Who takes part in each mechanism, in which role and when.",
        layout=(
            Field("state", REF, to="state", written_when_empty=False),
            Field("organization", REF, to="organization", written_when_empty=False),
            Field("role", CHOICE, required=True), Field("as_written"), Field("start", DATE), Field("end", DATE),
            Field("note"), SOURCES,
        ),
    ),
)


@register_search
class MechanismSearch(SearchIndex):
    """A mechanism's names, what it is for and how it is run; its page is public."""

    name, label, model = "mechanism", _("Mechanisms"), Mechanism
    fields = (("name", "A"), ("acronym", "A"), ("objectives", "B"), ("secretariat_note", "C"), ("status_note", "C"))


@register_search
class MechanismNameSearch(SearchIndex):
    """A mechanism's former and other names lead to the mechanism's page."""

    name, label, model = "mechanism_name", _("Other and former names"), MechanismName
    fields = (("name", "A"),)
    related = ("mechanism",)

    def title(self, row):
        return f"{row.name} ({row.mechanism.short_name})"

    def url(self, row):
        return row.mechanism.get_absolute_url()
