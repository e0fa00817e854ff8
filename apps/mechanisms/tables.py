"""The mechanisms' lists as tables to download (apps/curation/tables.py): the directory, a mechanism's
participants, a state's participations. Values are the records' own codes and dates, as the API writes them."""

from apps.curation.tables import Column, Table

from .models import Participation


def _participant(participation):
    return participation.state.alpha3 if participation.state_id else participation.organization.slug


PARTICIPATION_COLUMNS = (
    Column("role", lambda p: p.role),
    Column("as_written", lambda p: p.as_written),
    Column("start", lambda p: p.start),
    Column("end", lambda p: p.end),
    Column("note", lambda p: p.note),
)

# The directory: rows of selectors.mechanism_directory().
DIRECTORY = Table(
    Column("slug", lambda m: m.slug),
    Column("acronym", lambda m: m.acronym),
    Column("name", lambda m: m.name),
    Column("kind", lambda m: m.kind),
    Column("governance", lambda m: m.governance),
    Column("region", lambda m: m.region.slug),
    Column("status", lambda m: m.status),
    Column("founded", lambda m: m.founded),
    Column("ended", lambda m: m.ended),
    Column("states_taking_part", lambda m: len({p.state_id for p in m.state_participations})),
    Column("themes", lambda m: "; ".join(theme.slug for theme in m.themes.all())),
)

# A mechanism's participants: its participations, with the state or organisation.
PARTICIPANTS = Table(
    Column("participant", _participant),
    Column("participant_type", lambda p: "state" if p.state_id else "organization"),
    Column("participant_name", lambda p: (p.state or p.organization).name),
    *PARTICIPATION_COLUMNS,
)

# A state's participations: its participations, with the mechanism.
PARTICIPATIONS = Table(
    Column("mechanism", lambda p: p.mechanism.slug),
    Column("mechanism_name", lambda p: p.mechanism.name),
    *PARTICIPATION_COLUMNS,
)


def by_role(participations):
    """Participations in the order the pages show them: by role, in the order of the roles, then as given."""
    order = {value: index for index, value in enumerate(Participation.Role.values)}
    return sorted(participations, key=lambda participation: order[participation.role])
