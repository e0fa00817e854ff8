"""World maps of the public pages, drawn on the server as inline SVG (templates/maps/world.html).

The outlines are Natural Earth's, reduced by scripts/build_world_map.py to apps/site/world_map.json (where a
marker goes, which state is too small to see) and static/world-map.svg (the outlines themselves). A page does
not repeat the outlines: its map draws the whole world grey from the static file, then each coloured state
over it, both by reference (``<use href="…/world-map.svg#FRA">``), so a map costs a few bytes per coloured
state. A state too small to see at world scale gets a ringed marker when coloured.

A state is coloured as its own territory: the territories ISO lists apart (French Guiana, Réunion, Svalbard…)
are drawn apart from their sovereign state, and coloured only when the data records them taking part.
Each map comes with its title, a sentence saying what it shows (the text alternative) and the table
behind it; it reads only what the page has already loaded, so it costs no query.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from apps.mechanisms.charts import ROLE_TONES, TONE_ORDER

from . import localization

WORLD = json.loads((Path(__file__).resolve().parent / "world_map.json").read_text())

# Fills with at least 3:1 contrast against the grey of the other states and the white of the sea.
TONE_COLOURS = {"member": "#1d5a9e", "observer": "#5b9bd5", "partner": "#b35900"}
TONE_LABELS = {
    "member": gettext_lazy("Member, chair or steering group"),
    "observer": gettext_lazy("Observer or expected member"),
    "partner": gettext_lazy("Partner or secretariat"),
}
SELF_COLOUR, NEIGHBOUR_COLOUR = "#9c4a00", "#1d5a9e"
# The directory: how many of the shown mechanisms a state takes part in.
COUNT_BUCKETS = [(1, 1, "#a6c8ea"), (2, 3, "#5b9bd5"), (4, 6, "#1d5a9e"), (7, None, "#0b2e57")]
BASE_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class Shape:
    alpha3: str
    outlined: bool  # static/world-map.svg has its outline (else only its marker is drawn)
    fill: str
    title: str
    x: float
    y: float
    small: bool


@dataclass(frozen=True)
class WorldMap:
    title: str  # as text, for the SVG's <title>
    caption: str  # the same as HTML, a name in another language than the page's marked with its own
    summary: str
    shapes: list  # [Shape] the coloured states
    drawing: str  # the address of static/world-map.svg
    legend: list  # [(label, colour)]
    rows: list  # [(state, label)]: the table behind the map
    column: str  # the heading of the table's second column
    width: int = WORLD["width"]
    height: int = WORLD["height"]

    @property
    def markers(self):
        return [shape for shape in self.shapes if shape.small]


def _map(title, summary, coloured, legend, rows, column, caption=None):
    """``coloured``: [(state, colour, label)]; ``caption``: the title as HTML, when it holds a name."""
    shapes = []
    for state, colour, label in coloured:
        outline = WORLD["states"].get(state.alpha3)
        if outline is None:
            continue
        name = localization.state_name(state)[0]
        label_text = pgettext("a state on the map, and what it is shown for", "{name}: {label}").format(
            name=name, label=label)
        shapes.append(Shape(state.alpha3, bool(outline["d"]), colour, label_text, outline["x"], outline["y"],
                            outline["small"]))
    return WorldMap(title, caption or format_html("{}", title), summary, shapes, static("world-map.svg"), legend,
                    rows, column)


def participants_map(mechanism, roles):
    """A mechanism's participating states coloured by their closest role. ``roles``: [(label, participations)]."""
    tones = {}
    states = {}
    for _label, participations in roles:
        for participation in participations:
            if participation.state_id is None:
                continue
            states[participation.state_id] = participation.state
            tone = ROLE_TONES[participation.role]
            current = tones.get(participation.state_id)
            if current is None or TONE_ORDER.index(tone) < TONE_ORDER.index(current):
                tones[participation.state_id] = tone
    if not states:
        return None
    ordered = sorted(states.items(), key=lambda item: (TONE_ORDER.index(tones[item[0]]),
                                                       localization.state_sort_key(item[1])))
    coloured = [(state, TONE_COLOURS[tones[pk]], str(TONE_LABELS[tones[pk]])) for pk, state in ordered]
    counts = {tone: sum(1 for pk in states if tones[pk] == tone) for tone in TONE_ORDER}
    summary = ngettext(
        "{count} state takes part: {detail}.", "{count} states take part: {detail}.", len(states)
    ).format(count=len(states), detail=pgettext("between the items of a list", "; ").join(
        f"{TONE_LABELS[tone]}, {counts[tone]}" for tone in TONE_ORDER if counts[tone]
    ))
    legend = [(str(TONE_LABELS[tone]), TONE_COLOURS[tone]) for tone in TONE_ORDER if counts[tone]]
    name, name_language = localization.mechanism_name(mechanism)
    title = _("Map of the states taking part in {name}")
    return _map(title.format(name=name), summary, coloured, legend,
                [(state, label) for state, _colour, label in coloured], _("Role"),
                caption=format_html(title, name=localization.marked(name, name_language)))


def neighbours_map(state, neighbours):
    """A state and the states it sits with most often. ``neighbours``: [(state, [mechanism…])]."""
    if not neighbours:
        return None
    name, name_language = localization.state_name(state)
    coloured = [(state, SELF_COLOUR, name)] + [
        (other, NEIGHBOUR_COLOUR, ngettext("{count} mechanism shared", "{count} mechanisms shared",
                                           len(mechanisms)).format(count=len(mechanisms)))
        for other, mechanisms in neighbours
    ]
    summary = ngettext(
        "{name} and the state it sits with most often, in the mechanisms it takes part in.",
        "{name} and the {count} states it sits with most often, in the mechanisms it takes part in.",
        len(neighbours),
    ).format(name=name, count=len(neighbours))
    legend = [(name, SELF_COLOUR), (_("The states it sits with most often"), NEIGHBOUR_COLOUR)]
    title = _("Map of {name} and the states it sits with most often")
    return _map(title.format(name=name), summary, coloured, legend,
                [(other, label) for other, _colour, label in coloured[1:]], _("Mechanisms shared"),
                caption=format_html(title, name=localization.marked(name, name_language)))


def directory_map(mechanisms):
    """How many of the shown mechanisms each state takes part in (``state_participations`` prefetched)."""
    counts, states = {}, {}
    for mechanism in mechanisms:
        for state_id in {participation.state_id for participation in mechanism.state_participations}:
            counts[state_id] = counts.get(state_id, 0) + 1
        for participation in mechanism.state_participations:
            states[participation.state_id] = participation.state
    if not counts:
        return None

    def colour(count):
        return next(fill for low, high, fill in COUNT_BUCKETS if count >= low and (high is None or count <= high))

    ordered = sorted(states.items(), key=lambda item: (-counts[item[0]], localization.state_sort_key(item[1])))
    coloured = [
        (state, colour(counts[pk]), ngettext("{count} mechanism", "{count} mechanisms", counts[pk]).format(
            count=counts[pk]))
        for pk, state in ordered
    ]
    most = max(counts.values())
    summary = ngettext(
        "{count} state takes part in the mechanisms shown; the most, {most}, by {names}.",
        "{count} states take part in the mechanisms shown; the most, {most}, by {names}.", len(counts),
    ).format(count=len(counts), most=most, names=", ".join(
        localization.state_name(state)[0] for pk, state in ordered if counts[pk] == most))
    legend = [
        (str(low) if high == low else (f"{low}–{high}" if high else f"{low}+"), fill)
        for low, high, fill in COUNT_BUCKETS
    ]
    return _map(_("Map of how many of the mechanisms shown each state takes part in"), summary, coloured, legend,
                [(state, label) for state, _colour, label in coloured], _("Mechanisms"))
