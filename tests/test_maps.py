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
    assert '<g class="state" data-alpha3="SEN"><title>Senegal: Member, chair or steering group</title><path' \
        in figure
    assert '<g class="state" data-alpha3="CHE"><title>Switzerland: Observer or expected member</title>' in figure


def test_kosovo_is_drawn_on_the_prague_process_map(visitor):
    html = visitor.get("/mechanisms/prague-process/").content.decode()
    states, figure = drawn_states(html, "participants-map")
    assert "XKX" in states
    assert re.search(r'<g class="state" data-alpha3="XKX"><title>Kosovo: [^<]+</title><path d="M', figure)


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


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
@pytest.mark.parametrize("path", ["/mechanisms/bali-process/", "/mechanisms/midwa/", "/states/IDN/", "/states/AUS/"])
def test_a_map_page_stays_under_150_kb(visitor, language, path):
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
            {"type": "Polygon", "arcs": [[0]], "id": "250", "properties": {"name": "France"}},
            {"type": "Polygon", "arcs": [[1]], "id": "798", "properties": {"name": "Tuvalu"}},
        ]}},
        "arcs": [
            [[0, 0], [1000, 0], [0, 1000], [-1000, 0], [0, -1000]],
            [[17900, -850], [1, 0], [0, 1], [-1, 0], [0, -1]],
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
