"""The meetings list as a table to download (apps/curation/tables.py): rows of selectors.meeting_list()."""

from apps.curation.tables import Column, Table

MEETINGS = Table(
    Column("slug", lambda m: m.slug),
    Column("mechanism", lambda m: m.mechanism.slug),
    Column("title", lambda m: m.title),
    Column("kind", lambda m: m.kind),
    Column("status", lambda m: m.status),
    Column("start", lambda m: m.start),
    Column("end", lambda m: m.end),
    Column("date_as_written", lambda m: m.date_as_written),
    Column("city", lambda m: m.city),
    Column("host", lambda m: m.host.alpha3 if m.host_id else ""),
    Column("theme", lambda m: m.theme),
)
