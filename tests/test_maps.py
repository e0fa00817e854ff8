"""The world maps of the public pages: who is drawn, in which colour, with which text; their size and cost."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from apps.mechanisms.models import Mechanism

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db
MAP_PAGE_LIMIT = 150 * 1024
DRAWING = ROOT / "static" / "world-map.svg"


@pytest.fixture
def visitor(db):
    return Client()


def drawn_states(html, map_id):
    figure = html[html.index(f'id="{map_id}-caption"'):]
    figure = figure[:figure.index("</figure>")]
    return set(re.findall(r'<g class="state" data-alpha3="([A-Z]{3})">', figure)), figure


def test_the_mechanism_map_draws_every_participating_state_coloured_by_role(visitor):
    html = visitor.get("/mechanisms/midwa/").content.decode()
    states, figure = drawn_states(html, "participants-map")
    members = set(Mechanism.objects.get(slug="midwa").participations.filter(state__isnull=False)
                  .values_list("state__alpha3", flat=True))
    assert states == members and len(members) == 17
    assert '<title id="participants-map-title">Map of the states taking part in Migration Dialogue for West Africa' \
        in figure
    # the text alternative, and the table behind the map
    assert "17 states take part: Member, chair or steering group, 15; Observer or expected member, 2." in figure
    assert figure.count('<tr><th scope="row">') == 17
    # Cape Verde and the Gambia are too small to see at world scale: each gets a ringed marker.
    for small in ("CPV", "GMB"):
        group = re.search(rf'<g class="state" data-alpha3="{small}">.*?</g>', figure).group(0)
        assert "<circle" in group
    assert '<g class="state" data-alpha3="SEN"><title>Senegal: Member, chair or steering group</title>' \
           '<use href="/static/world-map.svg#SEN"/>' in figure
    assert '<g class="state" data-alpha3="CHE"><title>Switzerland: Observer or expected member</title>' in figure
    # coloured by role: each colour once, around the states of that role
    members = figure[figure.index('<g fill="#1d5a9e">'):figure.index('<g fill="#5b9bd5">')]
    observers = figure[figure.index('<g fill="#5b9bd5">'):]
    assert 'data-alpha3="SEN"' in members and 'data-alpha3="CHE"' in observers and 'data-alpha3="SEN"' not in observers


def test_kosovo_is_drawn_on_the_prague_process_map(visitor):
    html = visitor.get("/mechanisms/prague-process/").content.decode()
    states, figure = drawn_states(html, "participants-map")
    assert "XKX" in states
    assert re.search(r'<g class="state" data-alpha3="XKX"><title>Kosovo: [^<]+</title>'
                     r'<use href="/static/world-map.svg#XKX"/>', figure)
    assert re.search(r'<path id="XKX" d="M[^"]+"/>', DRAWING.read_text())


def test_the_state_map_draws_the_state_and_the_states_it_sits_with(visitor):
    html = visitor.get("/fr/states/SEN/").content.decode()
    states, figure = drawn_states(html, "neighbours-map")
    assert "SEN" in states and len(states) == 13
    assert "Carte : Sénégal et les États avec lesquels il siège le plus souvent" in figure


def test_the_directory_map_counts_the_mechanisms_shown_for_each_state(visitor):
    html = visitor.get("/mechanisms/?kind=rcp&region=africa").content.decode()
    states, figure = drawn_states(html, "directory-map")
    assert {"SEN", "ZAF", "KEN"} <= states
    assert re.search(r'data-alpha3="SEN"><title>Senegal: 1 mechanism</title>', figure)


def test_the_directory_map_points_to_the_matrix_as_its_table_and_they_count_alike(visitor):
    """The directory's map does not repeat its table: the membership matrix above counts the same."""
    html = visitor.get("/mechanisms/?region=africa").content.decode()
    _states, figure = drawn_states(html, "directory-map")
    assert '<a href="#matrix-heading">membership matrix</a>' in figure and "<table" not in figure
    on_the_map = {code: int(count) for code, count in
                  re.findall(r'data-alpha3="([A-Z]{3})"><title>[^:<]+: (\d+) mechanisms?</title>', figure)}
    in_the_matrix = {code: int(count) for code, count in re.findall(
        r'<th scope="row"><a href="/states/([A-Z]{3})/">[^<]+</a></th>.*?<td class="matrix-count">(\d+)</td>', html)}
    assert on_the_map == in_the_matrix and len(on_the_map) > 40


def test_france_is_coloured_without_french_guiana_which_the_data_records_apart(visitor):
    """Natural Earth draws French Guiana (and Réunion, Martinique…) inside France; the data records them as
    territories of their own (fixtures/states.yaml). The rule: a state is coloured as its own territory, and a
    territory only when the data records it taking part."""
    html = visitor.get("/mechanisms/rabat-process/").content.decode()
    states, _figure = drawn_states(html, "participants-map")
    assert "FRA" in states and "GUF" not in states
    drawing = DRAWING.read_text()
    france = _box(re.search(r'<path id="FRA" d="([^"]+)"', drawing).group(1))
    guiana = _box(re.search(r'<path id="GUF" d="([^"]+)"', drawing).group(1))
    (west, north), (east, south) = _project(-5.5, 51.5), _project(10, 41)  # metropolitan France and Corsica
    assert west <= france[0] and france[2] <= east and north <= france[1] and france[3] <= south
    (west, north), (east, south) = _project(-55, 6), _project(-51, 2)
    assert west <= guiana[0] and guiana[2] <= east and north <= guiana[1] and guiana[3] <= south
    world = json.loads((ROOT / "apps" / "site" / "world_map.json").read_text())
    for territory in ("GLP", "MTQ", "MYT", "REU"):  # too small to see: a marker where the island is
        assert world["states"][territory]["small"]
        assert not france[0] <= world["states"][territory]["x"] <= france[2]


def _points(d):
    """The absolute points of a path as scripts/build_world_map.py writes it (M, m and l, one decimal)."""
    points, x, y = [], 0.0, 0.0
    for command, numbers in re.findall(r"([Mml])([^Mmlz]*)", d):
        values = [float(n) for n in numbers.split()]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        for index, (dx, dy) in enumerate(pairs):
            x, y = (dx, dy) if command == "M" and index == 0 else (x + dx, y + dy)
            points.append((x, y))
    return points


def _box(d):
    xs, ys = zip(*_points(d), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def test_no_outline_crosses_the_whole_map():
    """Russia and Fiji reach past the antimeridian: a ring drawn from one edge to the other drew a line across
    the Arctic of every map."""
    for code, d in re.findall(r'<path id="([A-Z]{3})" d="([^"]+)"', DRAWING.read_text()):
        steps = [float(dx) for dx in re.findall(r"(-?[0-9.]+) -?[0-9.]+", d.split("l", 1)[-1])]
        assert all(abs(dx) < 500 for dx in steps), code


def test_the_static_drawing_is_the_one_the_asset_describes():
    """static/world-map.svg is written from the same build as world_map.json (scripts/build_world_map.py)."""
    code = ("import sys, json; sys.path.insert(0, 'scripts'); import build_world_map as b; "
            "print(b.drawing(json.load(open('apps/site/world_map.json'))), end='')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == DRAWING.read_text()
    assert DRAWING.stat().st_size < 48 * 1024


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
@pytest.mark.parametrize("path", ["/mechanisms/", "/mechanisms/bali-process/", "/mechanisms/midwa/", "/states/IDN/",
                                  "/states/AUS/"])
def test_a_map_page_stays_under_150_kb(visitor, language, path):
    """The HTML of the page; the outlines are the static drawing, fetched once and cached (its size is tested
    below). The unfiltered directory, which draws every mechanism and state, is the heaviest."""
    response = visitor.get(language + path)
    assert response.status_code == 200
    assert len(response.content) < MAP_PAGE_LIMIT


def test_the_map_asset_is_small_and_covers_every_state_of_the_dataset():
    asset = ROOT / "apps" / "site" / "world_map.json"
    world = json.loads(asset.read_text())
    assert asset.stat().st_size < 64 * 1024
    import yaml  # noqa: PLC0415  (only this test reads the fixture file directly)

    codes = {row["alpha3"] for row in yaml.safe_load((ROOT / "fixtures" / "states.yaml").read_text())}
    assert codes - set(world["states"]) == {"ATA"}  # Antarctica is off the map
    assert "Natural Earth" in world["source"]


def test_the_build_script_reduces_a_topojson_to_the_asset_format(tmp_path):
    """The build step runs: a square 'country' (ISO 250) and a speck (ISO 798) in a TopoJSON of two arcs."""
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [0, 0]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "MultiPolygon", "arcs": [[[0]], [[2]]], "id": "250", "properties": {"name": "France"}},
            {"type": "Polygon", "arcs": [[1]], "id": "798", "properties": {"name": "Tuvalu"}},
        ]}},
        "arcs": [
            [[0, 0], [1000, 0], [0, 1000], [-1000, 0], [0, -1000]],
            [[17900, -850], [1, 0], [0, 1], [-1, 0], [0, -1]],
            [[-5400, 300], [200, 0], [0, 200], [-200, 0], [0, -200]],  # 2°×2° at 54°W 3°N: French Guiana
        ],
    }
    source = tmp_path / "countries.json"
    source.write_text(json.dumps(topology))
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import build_world_map as b, json; "
        f"print(json.dumps(b.build({str(source)!r})))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    world = json.loads(result.stdout)
    assert world["states"]["FRA"]["d"].startswith("M") and not world["states"]["FRA"]["small"]
    assert world["states"]["FRA"]["d"].count("M") == 1  # the square alone: French Guiana is drawn apart
    assert world["states"]["GUF"]["d"].startswith("M") and world["states"]["GUF"]["x"] < 400
    assert world["states"]["TUV"]["small"]


NUMERIC_ATTRIBUTE = re.compile(r'\s(?:cx|cy|r|x|y|x1|x2|y1|y2|width|height)="([^"]*)"')


def _project(lon, lat):
    """The asset's projection (scripts/build_world_map.py): plate carrée, 1000 px wide, from 84°N."""
    scale = 1000 / 360
    return (lon + 180) * scale, (84 - lat) * scale


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
def test_cabo_verde_and_the_gambia_are_marked_where_they_are_in_every_language(visitor, language):
    """French and Spanish write decimals with a comma: "434,3" is no SVG coordinate, and the browser drew the
    marker at the map's top-left corner. Every marker must stand inside its state's box of longitudes and
    latitudes, in every language."""
    html = visitor.get(f"{language}/mechanisms/midwa/").content.decode()
    _states, figure = drawn_states(html, "participants-map")
    boxes = {"CPV": (-25.5, -22.5, 14.7, 17.3), "GMB": (-17.0, -13.6, 13.0, 13.9)}
    for alpha3, (west, east, south, north) in boxes.items():
        group = re.search(rf'<g class="state" data-alpha3="{alpha3}">.*?</g>', figure).group(0)
        circle = re.search(r'<circle cx="([^"]+)" cy="([^"]+)"', group)
        x, y = float(circle.group(1)), float(circle.group(2))
        (left, top), (right, bottom) = _project(west, north), _project(east, south)
        assert left <= x <= right and top <= y <= bottom, (alpha3, x, y)


@pytest.mark.parametrize("language", ["/fr", "/es"])
@pytest.mark.parametrize("path", ["/mechanisms/", "/mechanisms/bali-process/", "/states/SEN/"])
def test_the_drawings_numbers_are_written_with_a_point_in_every_language(visitor, language, path):
    html = visitor.get(language + path).content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert svgs
    for svg in svgs:
        for value in NUMERIC_ATTRIBUTE.findall(svg):
            assert re.fullmatch(r"-?[0-9]+(\.[0-9]+)?%?", value), value
