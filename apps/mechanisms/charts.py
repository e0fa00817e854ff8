"""The pictures of the public pages: a timeline of the mechanisms, meetings per year, a membership matrix.

Each chart is computed here as plain geometry and drawn as inline SVG (or, for the matrix, an HTML table)
by a template in templates/charts/: no script, nothing loaded from the internet. Each comes with a
sentence saying what it shows, the text alternative, and the rows of the table behind it.
"""

import calendar
import datetime
import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from apps.curation.partial_dates import text_in_words, when_in_words

from .classification import Kind, Status, within_sentence
from .models import Participation

# The colour of each kind. Each has at least 4.5:1 contrast against white, and white text on it has the
# same, so the bars, the legend and any label on them pass WCAG AA.
KIND_COLOURS = {Kind.RCP: "#1d5a9e", Kind.IRF: "#9c4a00", Kind.GLOBAL: "#2d6a31", Kind.OTHER: "#4d4d4d"}
MEETING_COLOUR = "#1d5a9e"
# "{count} RCP(s)" etc., in the active language.
KIND_COUNTS = {
    Kind.RCP: lambda n: ngettext("%(count)s RCP", "%(count)s RCPs", n) % {"count": n},
    Kind.IRF: lambda n: ngettext("%(count)s IRF", "%(count)s IRFs", n) % {"count": n},
    Kind.GLOBAL: lambda n: ngettext("%(count)s global process", "%(count)s global processes", n) % {"count": n},
    Kind.OTHER: lambda n: ngettext("%(count)s other", "%(count)s others", n) % {"count": n},
}

Role = Participation.Role
# The letters of a role in the matrix, in the page's language: each language's letters come from its own
# names of the roles (the legend under the matrix spells them out), and differ from one another.
ROLE_ABBREVIATIONS = {
    Role.MEMBER: pgettext_lazy("membership matrix: abbreviation of 'Member'", "M"),
    Role.EXPECTED_MEMBER: pgettext_lazy("membership matrix: abbreviation of 'Expected member'", "EM"),
    Role.SUSPENDED_MEMBER: pgettext_lazy("membership matrix: abbreviation of 'Suspended member'", "SM"),
    Role.OBSERVER: pgettext_lazy("membership matrix: abbreviation of 'Observer'", "O"),
    Role.EXPECTED_OBSERVER: pgettext_lazy("membership matrix: abbreviation of 'Expected observer'", "EO"),
    Role.INTERMITTENT_OBSERVER: pgettext_lazy("membership matrix: abbreviation of 'Intermittent observer'", "IO"),
    Role.PARTNER: pgettext_lazy("membership matrix: abbreviation of 'Partner'", "P"),
    Role.SECRETARIAT: pgettext_lazy("membership matrix: abbreviation of 'Secretariat'", "S"),
    Role.CHAIR: pgettext_lazy("membership matrix: abbreviation of 'Chair or co-chair'", "C"),
    Role.STEERING_GROUP: pgettext_lazy("membership matrix: abbreviation of 'Steering group'", "SG"),
}
# How strongly a role ties a state to a mechanism: a cell is shaded by the strongest of its roles.
ROLE_TONES = {
    Role.MEMBER: "member", Role.CHAIR: "member", Role.STEERING_GROUP: "member", Role.SUSPENDED_MEMBER: "member",
    Role.EXPECTED_MEMBER: "observer", Role.OBSERVER: "observer", Role.EXPECTED_OBSERVER: "observer",
    Role.INTERMITTENT_OBSERVER: "observer",
    Role.PARTNER: "partner", Role.SECRETARIAT: "partner",
}
TONE_ORDER = ("member", "observer", "partner")


def chart_name(mechanism, length=24):
    """The name people know a mechanism by, short enough for a chart.

    Its short name ('Colombo Process') when one fits in ``length`` characters, else its acronym, else its
    name. ``mechanism`` carries ``short_names`` (selectors.short_names_prefetch).
    """
    fitting = [name.name for name in mechanism.short_names if len(name.name) <= length]
    return (fitting[0] if fitting else None) or mechanism.acronym or mechanism.name


def _year_fraction(day):
    """A day as a year with a fraction, so a bar starts where in its year the date falls."""
    days_in_year = 366 if calendar.isleap(day.year) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days_in_year


def _year_step(span, most=12):
    """The smallest of 1, 2, 5, 10, 20… years that gives at most ``most`` ticks over ``span`` years."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if span / step <= most:
            return step
    return 100


# ----- the timeline of mechanisms ------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineBar:
    mechanism: object
    label: str
    title: str
    colour: str
    x: float
    y: float
    width: float
    ongoing: bool  # no end recorded while the mechanism goes on: drawn to today, ending in an arrow
    end_unknown: bool  # ended or succeeded at a date not recorded: only its founding is marked

    @property
    def text_y(self):
        return self.y + 16

    @property
    def bar_y(self):
        return self.y + 4

    @property
    def middle_y(self):
        return self.y + 11

    @property
    def end_x(self):
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Timeline:
    bars: list
    undated: list  # mechanisms without a founding date (not yet launched), listed under the chart
    ticks: list
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: int
    summary: str
    legend: list  # [(label, colour)]

    @property
    def label_x(self):
        return self.plot_left - 8

    @property
    def tick_label_y(self):
        return self.axis_y + 18

    @property
    def rows(self):
        """The table behind the chart: every mechanism, in the chart's order, undated ones last."""
        return [bar.mechanism for bar in self.bars] + list(self.undated)


TIMELINE_WIDTH, TIMELINE_LABELS, TIMELINE_ROW, TIMELINE_TOP, TIMELINE_BOTTOM = 800, 200, 24, 12, 30


def _label(mechanism, length=26):
    text = chart_name(mechanism)
    return text if len(text) <= length else text[: length - 1] + "…"


def mechanism_timeline(mechanisms, *, today=None):
    """Each mechanism as a bar from its founding to its end, or to ``today`` when it goes on; by kind."""
    today = today or datetime.date.today()
    mechanisms = list(mechanisms)
    dated = sorted(
        (m for m in mechanisms if m.founded_earliest), key=lambda m: (m.founded_earliest, m.name)
    )
    undated = sorted((m for m in mechanisms if not m.founded_earliest), key=lambda m: m.name)
    height = TIMELINE_TOP + len(dated) * TIMELINE_ROW + TIMELINE_BOTTOM
    plot_left, plot_right = TIMELINE_LABELS, TIMELINE_WIDTH - 16
    shown = {m.kind for m in mechanisms}  # a kind no mechanism has is not in the legend
    legend = [(label, KIND_COLOURS[value]) for value, label in Kind.choices if value in shown]
    if not dated:
        return Timeline([], undated, [], TIMELINE_WIDTH, height, plot_left, plot_right, TIMELINE_TOP,
                        _timeline_summary([], undated, None, today), legend)

    step = _year_step(today.year + 1 - dated[0].founded_earliest.year)
    first = dated[0].founded_earliest.year // step * step
    last = today.year + 1

    def x(year):
        return round(plot_left + (year - first) / (last - first) * (plot_right - plot_left), 1)

    bars = []
    for index, mechanism in enumerate(dated):
        start = _year_fraction(mechanism.founded_earliest)
        ended = mechanism.ended_latest
        end_unknown = not ended and mechanism.status in {Status.DISSOLVED, Status.SUCCEEDED}
        ongoing = not ended and not end_unknown
        end = _year_fraction(ended + datetime.timedelta(days=1)) if ended else _year_fraction(today)
        bars.append(TimelineBar(
            mechanism=mechanism,
            label=_label(mechanism),
            title=_timeline_title(mechanism, ongoing, end_unknown),
            colour=KIND_COLOURS.get(mechanism.kind, KIND_COLOURS[Kind.OTHER]),
            x=x(start),
            y=TIMELINE_TOP + index * TIMELINE_ROW,
            width=0 if end_unknown else max(round(x(end) - x(start), 1), 2),
            ongoing=ongoing,
            end_unknown=end_unknown,
        ))
    ticks = [Tick(x(year), str(year)) for year in range(first, last + 1, step)]
    axis_y = TIMELINE_TOP + len(dated) * TIMELINE_ROW
    return Timeline(bars, undated, ticks, TIMELINE_WIDTH, height, plot_left, plot_right, axis_y,
                    _timeline_summary(dated, undated, bars, today), legend)


def _timeline_title(mechanism, ongoing, end_unknown):
    values = {"name": mechanism.name, "kind": within_sentence(mechanism.get_kind_display()),
              "founded": when_in_words(mechanism.founded), "status": mechanism.get_status_display().lower(),
              "ended": when_in_words(mechanism.ended)}
    if ongoing:
        return _("{name}: {kind}, founded {founded}, no end recorded ({status})").format(**values)
    if end_unknown:
        return _("{name}: {kind}, founded {founded}, {status} at a date not recorded").format(**values)
    return _("{name}: {kind}, founded {founded}, ended {ended}").format(**values)


def _timeline_summary(dated, undated, bars, today):
    if not dated:
        text = _("No mechanism shown has a founding date recorded, so none is drawn.")
    else:
        kinds = Counter(m.kind for m in dated)
        ongoing = sum(bar.ongoing for bar in bars)
        text = (
            ngettext("{count} mechanism drawn from founding to end, {first} to {last}: {kinds}.",
                     "{count} mechanisms drawn from founding to end, {first} to {last}: {kinds}.", len(dated)).format(
                count=len(dated), first=dated[0].founded_earliest.year, last=today.year,
                kinds=", ".join(KIND_COUNTS[kind](kinds[kind]) for kind in Kind.values if kinds[kind]))
            + " "
            + _("The earliest is {earliest} ({earliest_founded}), the latest {latest} ({latest_founded}).").format(
                earliest=chart_name(dated[0]), earliest_founded=text_in_words(dated[0].founded),
                latest=chart_name(dated[-1]), latest_founded=text_in_words(dated[-1].founded))
            + " " + ngettext("{count} has no recorded end.", "{count} have no recorded end.", ongoing).format(
                count=ongoing)
        )
    if undated:
        names = ", ".join(chart_name(m) for m in undated)
        text += " " + _("Not drawn, having no founding date: {names}.").format(names=names)
    return text


# ----- meetings per year ---------------------------------------------------------------------------

@dataclass(frozen=True)
class YearBar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # whether the year is written under the bar (every year, or every other when crowded)

    @property
    def centre(self):
        return round(self.x + self.width / 2, 1)

    @property
    def count_y(self):
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class MeetingsPerYear:
    bars: list
    gridlines: list  # [Tick]: position is the y of the line
    undated: int
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: int
    summary: str
    colour: str = MEETING_COLOUR

    @property
    def grid_label_x(self):
        return self.plot_left - 6

    @property
    def year_label_y(self):
        return self.axis_y + 18

    @property
    def rows(self):
        return [(bar.year, bar.count) for bar in self.bars]


YEARS_WIDTH, YEARS_LEFT, YEARS_TOP, YEARS_PLOT, YEARS_BOTTOM = 760, 40, 22, 150, 30


def meetings_per_year(meetings, *, subject="meetings"):
    """Meetings counted by the year they started, every year from the first to the last; None if none dated."""
    meetings = list(meetings)
    counts = Counter(meeting.start_earliest.year for meeting in meetings if meeting.start_earliest)
    undated = sum(1 for meeting in meetings if not meeting.start_earliest)
    if not counts:
        return None
    years = list(range(min(counts), max(counts) + 1))
    top = max(counts.values())
    step = _year_step(top, most=5)
    scale_max = math.ceil(top / step) * step
    plot_right = YEARS_WIDTH - 10
    slot = (plot_right - YEARS_LEFT) / len(years)
    bar_width = min(slot * 0.7, 40)
    label_every = 1 if slot >= 34 else 2 if slot >= 17 else 5
    axis_y = YEARS_TOP + YEARS_PLOT
    bars = []
    for index, year in enumerate(years):
        height = round(counts[year] / scale_max * YEARS_PLOT, 1)
        bars.append(YearBar(
            year=year,
            count=counts[year],
            x=round(YEARS_LEFT + index * slot + (slot - bar_width) / 2, 1),
            y=round(axis_y - height, 1),
            width=round(bar_width, 1),
            height=height,
            labelled=year % label_every == 0 or len(years) == 1,
        ))
    gridlines = [Tick(round(axis_y - value / scale_max * YEARS_PLOT, 1), str(value))
                 for value in range(0, scale_max + 1, step)]
    busiest = max(years, key=lambda year: (counts[year], -year))
    total = sum(counts.values())
    summary = ngettext(
        "{count} meeting dated from {first} to {last}, counted by the year each started; "
        "the busiest year is {busiest} with {busiest_count}.",
        "{count} meetings dated from {first} to {last}, counted by the year each started; "
        "the busiest year is {busiest} with {busiest_count}.", total,
    ).format(count=total, first=years[0], last=years[-1], busiest=busiest, busiest_count=counts[busiest])
    if undated:
        summary += " " + ngettext(
            "{count} undated meeting is not counted.", "{count} undated meetings are not counted.", undated
        ).format(count=undated)
    return MeetingsPerYear(bars, gridlines, undated, YEARS_WIDTH, axis_y + YEARS_BOTTOM, YEARS_LEFT, plot_right,
                           axis_y, summary)


# ----- the membership matrix -----------------------------------------------------------------------

@dataclass(frozen=True)
class MatrixCell:
    roles: tuple  # role values, in the order of Participation.Role
    abbreviation: str = ""  # their letters in the page's language ('M C'; 'M Pr' in French)

    @property
    def label(self):
        return ", ".join(Role(role).label.lower() for role in self.roles)

    @property
    def tone(self):
        tones = {ROLE_TONES[role] for role in self.roles}
        return next((tone for tone in TONE_ORDER if tone in tones), "")


@dataclass(frozen=True)
class MatrixColumn:
    mechanism: object
    label: str


@dataclass(frozen=True)
class MatrixRow:
    state: object
    cells: list  # one per column; a cell with no roles where the state does not take part
    count: int  # mechanisms of the matrix the state takes part in


@dataclass(frozen=True)
class Overlap:
    first: object
    second: object
    shared: int


@dataclass(frozen=True)
class MembershipMatrix:
    columns: list
    rows: list
    overlaps: list
    summary: str
    legend: list  # [(abbreviation, role label, tone)]


MATRIX_ORDERS = {"mechanisms": gettext_lazy("most mechanisms first"), "name": gettext_lazy("state name")}


def membership_matrix(mechanisms, *, order="mechanisms", overlaps=5, sort_key=None):
    """States against mechanisms: who takes part where, in which role, and which mechanisms overlap most.

    ``mechanisms`` carry ``state_participations`` and ``short_names`` (their selectors' prefetches). Rows are
    ordered by ``order``, a key of MATRIX_ORDERS; states by name, through ``sort_key(state)`` when given (the
    page orders them by the names it shows, in its language), else by their recorded names.
    """
    sort_key = sort_key or (lambda state: state.name)
    columns = list(mechanisms)
    roles = {}  # (state id, column index) -> set of roles
    states = {}
    members = [set() for _ in columns]
    for index, mechanism in enumerate(columns):
        for participation in mechanism.state_participations:
            states[participation.state_id] = participation.state
            roles.setdefault((participation.state_id, index), set()).add(participation.role)
            members[index].add(participation.state_id)
    role_order = [value for value, _ in Role.choices]
    # The letters are looked up in the catalogue once per matrix, not once per cell (some 1,500 are filled).
    letters = {value: str(ROLE_ABBREVIATIONS[value]) for value in role_order}
    empty = MatrixCell(())
    rows = []
    for state_id, state in states.items():
        cells = []
        for index in range(len(columns)):
            held = tuple(sorted(roles.get((state_id, index), ()), key=role_order.index))
            cells.append(MatrixCell(held, " ".join(letters[role] for role in held)) if held else empty)
        rows.append(MatrixRow(state, cells, sum(1 for cell in cells if cell.roles)))
    if order == "name":
        rows.sort(key=lambda row: sort_key(row.state))
    else:
        rows.sort(key=lambda row: (-row.count, sort_key(row.state)))
    pairs = [
        Overlap(columns[a], columns[b], len(members[a] & members[b]))
        for a, b in combinations(range(len(columns)), 2)
    ]
    pairs = sorted((pair for pair in pairs if pair.shared),
                   key=lambda pair: (-pair.shared, pair.first.name, pair.second.name))[:overlaps]
    legend = [(letters[value], label, ROLE_TONES[value]) for value, label in Role.choices]
    return MembershipMatrix([MatrixColumn(mechanism, chart_name(mechanism)) for mechanism in columns], rows, pairs,
                            _matrix_summary(columns, rows, pairs), legend)


def _matrix_summary(columns, rows, pairs):
    if not rows:
        return _("No state takes part in the mechanisms shown.")
    several = sum(1 for row in rows if row.count > 1)
    text = (
        ngettext("{count} state takes part, in some role,", "{count} states take part, in some role,",
                 len(rows)).format(count=len(rows))
        + " " + ngettext("in the {count} mechanism shown;", "in the {count} mechanisms shown;",
                         len(columns)).format(count=len(columns))
        + " " + _("{count} of them in more than one.").format(count=several)
    )
    if pairs:
        separator = pgettext("between the items of a list", "; ")
        text += " " + _("The mechanisms sharing the most states:") + " " + separator.join(
            _("{first} and {second} ({shared})").format(
                first=chart_name(pair.first), second=chart_name(pair.second), shared=pair.shared)
            for pair in pairs
        ) + "."
    return text
