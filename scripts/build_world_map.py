"""Build the world map the public pages draw (apps/site/world_map.json) from Natural Earth's shapes.

The geometry is Natural Earth's (public domain), as packaged in the npm registry's `world-atlas` (TopoJSON
of Natural Earth's admin-0 countries). This script reduces it to what a world map the width of a page
needs: each state's outline projected (plate carrée, Antarctica left out), simplified (Douglas-Peucker)
and written as a short SVG path, plus a point where a marker is drawn for a state too small to see. The
paths are also written as static/world-map.svg, which the pages reference instead of repeating them.

    .venv/bin/python scripts/build_world_map.py                 # fetches world-atlas with `npm pack`
    .venv/bin/python scripts/build_world_map.py path/to/countries-50m.json

Run it again only to change the map's size or detail; the output is committed.
"""

import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pycountry

PACKAGE = "world-atlas@2.0.2"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "apps" / "site" / "world_map.json"
DRAWING = ROOT / "static" / "world-map.svg"
WIDTH = 1000
NORTH, SOUTH = 84.0, -57.0  # latitudes kept: Antarctica and the Arctic sea off the map
SCALE = WIDTH / 360
HEIGHT = round((NORTH - SOUTH) * SCALE)
TOLERANCE = 1.2  # px: how far a simplified outline may stray from Natural Earth's
SMALL = 8.0  # px²: a state whose drawn area is below this gets a marker
# Natural Earth features without an ISO numeric code, by their name in world-atlas.
UNCODED = {"Kosovo": "XKX"}
LEFT_OUT = {"010"}  # Antarctica
# A state is drawn as its own territory: the parts of it that ISO lists as territories of their own are cut
# out of it. Natural Earth's admin-0 countries draw the French overseas departments inside France, Svalbard and
# Jan Mayen inside Norway, Bonaire, Sint Eustatius and Saba inside the Netherlands; so a map colouring France
# would colour French Guiana too, though the data records French Guiana apart (fixtures/states.yaml: a
# territory whose sovereign is France). Each ring of the state lying wholly inside one of these boxes
# (west, east, south, north, in degrees) goes to the territory instead.
CARVED = {
    "FRA": {"GUF": [(-55.0, -51.0, 1.5, 6.5)], "GLP": [(-62.0, -60.9, 15.8, 16.6)], "MTQ": [(-61.3, -60.7, 14.3, 15.0)],
            "MYT": [(44.9, 45.4, -13.1, -12.5)], "REU": [(55.1, 56.0, -21.5, -20.8)]},
    "NOR": {"SJM": [(10.0, 35.0, 74.0, 81.0), (-9.5, -7.5, 70.5, 71.5)]},
    "NLD": {"BES": [(-68.5, -62.8, 11.9, 17.8)]},
}
# Places ISO lists that Natural Earth's admin-0 countries leave out at this scale: a marker at (longitude,
# latitude) of the main town or island.
POINTS = {
    "BVT": (3.36, -54.42), "CCK": (96.87, -12.16), "CXR": (105.62, -10.49), "GIB": (-5.35, 36.14),
    "TKL": (-171.85, -9.2), "TUV": (179.2, -8.52), "UMI": (166.65, 19.28),
}


def fetch():
    folder = Path(tempfile.mkdtemp(prefix="world-atlas-"))
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    tarball = next(folder.glob("world-atlas-*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extract("package/countries-50m.json", folder, filter="data")
    return folder / "package" / "countries-50m.json"


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def project(lon, lat):
    lat = max(min(lat, NORTH), SOUTH)
    return (lon + 180) * SCALE, (NORTH - lat) * SCALE


def simplify_ring(points, tolerance):
    """A closed ring simplified: cut in two at the point farthest from its start, each half simplified."""
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    if far in (0, len(points) - 1):
        return points
    return simplify(points[: far + 1], tolerance) + simplify(points[far:], tolerance)[1:]


def simplify(points, tolerance):
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = math.hypot(x2 - x1, y2 - y1) or 1e-9
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            x0, y0 = points[i]
            distance = abs((x2 - x1) * (y1 - y0) - (x1 - x0) * (y2 - y1)) / length
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def area_and_centroid(points):
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*points, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def path(rings):
    """Rings as a compact SVG path: relative moves and lines, one decimal."""
    parts = []
    last = (0.0, 0.0)
    for points in rings:
        rounded = [(round(x, 1), round(y, 1)) for x, y in points]
        x0, y0 = rounded[0]
        # The first move is absolute, so states' paths can be joined into one; the rest relative.
        parts.append(f"m{_number(x0 - last[0])} {_number(y0 - last[1])}" if parts else f"M{_number(x0)} {_number(y0)}")
        previous, steps = (x0, y0), []
        for x, y in rounded[1:]:
            if (x, y) != previous:
                steps.append(f"{_number(x - previous[0])} {_number(y - previous[1])}")
                previous = (x, y)
        parts.append("l" + " ".join(steps) + "z")
        last = (x0, y0)
    return "".join(parts)


def _number(value):
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def alpha3_of(feature):
    if feature.get("id") in LEFT_OUT:
        return None
    if feature.get("id"):
        country = pycountry.countries.get(numeric=feature["id"])
        return country.alpha_3 if country else None
    return UNCODED.get(feature["properties"]["name"])


def _owner(alpha3, polygon_rings):
    """Which state a polygon (its rings in longitude and latitude) is drawn as: a territory CARVED out of
    ``alpha3`` when its outer ring lies inside one of the territory's boxes, else ``alpha3`` itself."""
    outer = polygon_rings[0]
    for territory, boxes in CARVED.get(alpha3, {}).items():
        for west, east, south, north in boxes:
            if all(west <= lon <= east and south <= lat <= north for lon, lat in outer):
                return territory
    return alpha3


def _shape(polygons):
    """The asset's entry for a state drawn as ``polygons`` (lists of rings in longitude and latitude)."""
    rings, biggest = [], (0.0, None)
    for polygon in polygons:
        for points in polygon:
            projected = [project(lon, lat) for lon, lat in points]
            area, centre = area_and_centroid(projected)
            xs = [x for x, _ in projected]
            spans_the_map = max(xs) - min(xs) > WIDTH / 2  # a ring cut at the antimeridian (Fiji, Russia)
            if spans_the_map:
                # Drawn whole on the east side: its western points continue past the right edge, where the map
                # cuts them off, instead of a line drawn across the whole map.
                projected = [(x + WIDTH if x < WIDTH / 2 else x, y) for x, y in projected]
            if not spans_the_map and (area > biggest[0] or biggest[1] is None):
                biggest = (area, centre)
            simplified = simplify_ring(projected, TOLERANCE)
            if len(simplified) >= 4 and area_and_centroid(simplified)[0] >= 1.0:
                rings.append(simplified)
    total = sum(area_and_centroid(points)[0] for points in rings)
    x, y = biggest[1]
    return {"d": path(rings), "x": round(x, 1), "y": round(y, 1), "small": total < SMALL}


def build(source):
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    polygons_of = {}
    for feature in topology["objects"]["countries"]["geometries"]:
        alpha3 = alpha3_of(feature)
        if not alpha3 or alpha3 in polygons_of:
            continue
        polygons_of[alpha3] = []
        for polygon in feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]:
            rings = [ring(arcs, indexes) for indexes in polygon]
            polygons_of.setdefault(_owner(alpha3, rings), []).append(rings)
    states = {alpha3: _shape(polygons) for alpha3, polygons in polygons_of.items() if polygons}
    for alpha3, (lon, lat) in POINTS.items():
        x, y = project(lon, lat)
        states.setdefault(alpha3, {"d": "", "x": round(x, 1), "y": round(y, 1), "small": True})
    return {
        "source": f"Natural Earth 1:50m admin-0 countries (public domain), from the npm package {PACKAGE}; "
                  "reduced by scripts/build_world_map.py",
        "width": WIDTH,
        "height": HEIGHT,
        "states": dict(sorted(states.items())),
    }


def drawing(world):
    """The outlines as one static SVG file the pages' maps reference (``<use href="…world-map.svg#FRA">``), so
    a page carries only which state is drawn in which colour, not the geometry. Every state is a path named
    by its alpha-3 code inside the group ``world``; none has a fill, so each ``<use>`` gives its own."""
    paths = "".join(f'<path id="{code}" d="{state["d"]}"/>' for code, state in world["states"].items() if state["d"])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {world["width"]} {world["height"]}">'
            f'<g id="world">{paths}</g></svg>\n')


def main(argv):
    source = argv[1] if len(argv) > 1 else fetch()
    world = build(source)
    OUTPUT.write_text(json.dumps(world, ensure_ascii=False, separators=(",", ":")) + "\n")
    DRAWING.write_text(drawing(world))
    print(f"{OUTPUT}: {len(world['states'])} states, {OUTPUT.stat().st_size // 1024} KB; "
          f"{DRAWING}: {DRAWING.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv)
