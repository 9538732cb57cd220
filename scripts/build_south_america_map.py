"""Regenerate initiative/data/south_america.json from Natural Earth's admin-0 countries (public domain), as
redistributed in TopoJSON by the npm package world-atlas 2.0.2 (Natural Earth 4.1.0, 1:50m).

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_south_america_map.py /tmp/package/countries-50m.json

Decodes the TopoJSON arcs (delta-encoded, quantized) into longitude/latitude rings itself, keeps the South
American countries (French Guiana is cut out of France's multipolygon), simplifies each ring with
Douglas-Peucker and rounds to two decimals, so that the file and the map drawn from it stay small.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "initiative" / "data" / "south_america.json"
# ISO 3166-1 numeric (the TopoJSON ids) to alpha-2.
COUNTRIES = {
    "032": "AR",
    "068": "BO",
    "076": "BR",
    "152": "CL",
    "170": "CO",
    "218": "EC",
    "238": "FK",
    "328": "GY",
    "600": "PY",
    "604": "PE",
    "740": "SR",
    "858": "UY",
    "862": "VE",
}
FRANCE = "250"  # its polygon west of 40°W is French Guiana
TOLERANCE = 0.08  # degrees
MIN_AREA = 0.05  # square degrees: smaller islands are left out


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(arcs, geometry):
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def simplify(points, tolerance):
    """Douglas-Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            if norm:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            else:
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def main(path):
    topology = json.loads(Path(path).read_text())
    arcs = decode_arcs(topology)
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = COUNTRIES.get(geometry.get("id"))
        kept = polygons(arcs, geometry)
        if geometry.get("id") == FRANCE:
            code = "GF"
            kept = [p for p in kept if max(x for x, _ in p[0]) < -40 and max(y for _, y in p[0]) < 7]
        if not code:
            continue
        rings = []
        for polygon in kept:
            outer = polygon[0]  # holes are left out: none matters at this scale
            if area(outer) < MIN_AREA:
                continue
            simple = simplify(outer, TOLERANCE)
            if len(simple) >= 4:
                rings.append([[round(x, 2), round(y, 2)] for x, y in simple])
        shapes[code] = rings
    data = {
        "source": "Natural Earth 4.1.0 admin-0 countries 1:50m, via the npm package world-atlas 2.0.2",
        "licence": "Public domain (Natural Earth)",
        "countries": dict(sorted(shapes.items())),
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {sum(len(r) for rs in shapes.values() for r in rs)} points")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package/countries-50m.json")
