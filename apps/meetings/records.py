"""The meetings app's records in the dataset (apps/curation/records.py)."""

from apps.curation.records import CHOICE, DATE, REF, SOURCES, Field, Record, register

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
                Field("meeting", REF, to="meeting"), Field("url"), Field("note"), SOURCES),
    ),
)
