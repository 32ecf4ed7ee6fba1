"""The map as a picture, drawn on the server: SVG built from the API's own GeoJSON bodies
(the zones export and the reference layers, cached per data version), then PNG by CairoSVG.

Web Mercator, like the page. Colours, labels and the hatch come from
mapsite/zones/vocabulary.py; the zones and layers from mapsite/api/views.py's bodies, so the
picture shows what the map and the exports show.
"""

import json
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import shapely

from mapsite.zones import vocabulary

FONT = "DejaVu Sans, Verdana, sans-serif"  # Debian's fonts-dejavu-core; Cyrillic included
SEA = "#b4c6d3"  # the page's map background
TITLE_H = 44  # the title band's height, in pixels of a 1200-pixel-wide picture
LABELS_MAX = 14  # places labelled, largest first
ATTRIBUTION = (
    "Boundaries: Natural Earth · Places: GeoNames (CC BY 4.0) · Zones: the policy map's "
    "record of the reported US policy · Not for operational use"
)
WORLD_PX = 256.0  # a web map's world width at zoom 0, in pixels


@dataclass(frozen=True)
class Frame:
    """The picture's window on the world: a Mercator box fitted to width × height."""

    x0: float
    y0: float  # top (the larger Mercator y)
    scale: float  # pixels per Mercator unit (radians)
    width: int
    height: int

    @classmethod
    def around(cls, bbox, width: int, height: int) -> "Frame":
        """The smallest frame of this shape holding `bbox` (minlon, minlat, maxlon, maxlat)."""
        (x0, y0), (x1, y1) = mercator(bbox[0], bbox[1]), mercator(bbox[2], bbox[3])
        scale = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return cls(cx - width / 2 / scale, cy + height / 2 / scale, scale, width, height)

    @classmethod
    def centred(cls, lat: float, lon: float, zoom: float, width: int, height: int) -> "Frame":
        """The frame a web map of this size shows at this centre and zoom."""
        scale = WORLD_PX * 2**zoom / (2 * math.pi)
        cx, cy = mercator(lon, lat)
        return cls(cx - width / 2 / scale, cy + height / 2 / scale, scale, width, height)

    @property
    def zoom(self) -> float:
        return math.log2(self.scale * 2 * math.pi / WORLD_PX)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """minlon, minlat, maxlon, maxlat of the frame."""
        lon0, lat1 = unmercator(self.x0, self.y0)
        lon1, lat0 = unmercator(
            self.x0 + self.width / self.scale, self.y0 - self.height / self.scale
        )
        return lon0, lat0, lon1, lat1

    def pixels(self, lonlat: np.ndarray) -> np.ndarray:
        lon, lat = lonlat[:, 0], np.clip(lonlat[:, 1], -85.0, 85.0)
        x = np.radians(lon)
        y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
        return np.stack([(x - self.x0) * self.scale, (self.y0 - y) * self.scale], -1)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-85.0, min(85.0, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def unmercator(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x), math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def tolerance(frame: Frame, lat: float) -> int:
    """The zones' display tolerance the page would use at this picture's scale."""
    return vocabulary.tolerance_for(lat, math.floor(frame.zoom))


def _path(geometry, frame: Frame) -> str:
    """SVG path data of a (multi)polygon or (multi)line, in the frame's pixels."""
    parts = []
    for part in shapely.get_parts(geometry):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            xy = frame.pixels(np.asarray(ring.coords)[:, :2])
            if len(xy) < 2:
                continue
            points = " ".join(f"{x:.1f} {y:.1f}" for x, y in xy)
            parts.append(f"M{points}" + ("Z" if part.geom_type == "Polygon" else ""))
    return "".join(parts)


def _features(body: bytes, frame: Frame) -> list[tuple[dict, object]]:
    """The GeoJSON body's features cut to the frame (with a margin), as (properties, shape)."""
    lon0, lat0, lon1, lat1 = frame.bounds
    margin = max(lon1 - lon0, lat1 - lat0) * 0.05
    window = (lon0 - margin, lat0 - margin, lon1 + margin, lat1 + margin)
    shown = []
    for feature in json.loads(body)["features"]:
        if not feature.get("geometry"):
            continue
        shape = shapely.clip_by_rect(shapely.geometry.shape(feature["geometry"]), *window)
        if not shape.is_empty:
            shown.append((feature["properties"], shape))
    return shown


def _hatch_defs() -> str:
    size, hatch = vocabulary.HATCH["size"], vocabulary.HATCH
    patterns = []
    for status in vocabulary.ZONE_STATUSES:
        if status.hatched:
            patterns.append(
                f'<pattern id="{status.hatch_id}" width="{size}" height="{size}" '
                f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                f'<rect width="{size}" height="{size}" fill="{status.fill}" '
                f'fill-opacity="{status.fill_opacity}"/>'
                f'<line x1="0" y1="0" x2="0" y2="{size}" stroke="{status.fill}" '
                f'stroke-width="{hatch["stripe_width"]}" '
                f'stroke-opacity="{hatch["stripe_opacity"]}"/>'
                "</pattern>"
            )
    return "".join(patterns)


def _fill(status) -> str:
    if status.hatched:
        return f'fill="url(#{status.hatch_id})"'
    return f'fill="{status.fill}" fill-opacity="{status.fill_opacity}"'


def _zones(zones: list, frame: Frame) -> str:
    """Each zone, the least strict first so the strictest is drawn on top (it wins)."""
    by_strictness = sorted(zones, key=lambda z: -vocabulary.STATUS[z[0]["status"]].strictness)
    out = []
    for props, shape in by_strictness:
        status = vocabulary.STATUS[props["status"]]
        out.append(
            f'<path class="zone status--{status.slug}" d="{_path(shape, frame)}" '
            f'{_fill(status)} fill-rule="evenodd" stroke="{status.line}" '
            f'stroke-width="{status.line_weight}" stroke-opacity="{status.line_opacity}"/>'
        )
    return "".join(out)


def _line(shapes: list, frame: Frame, colour: str, width: float, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return "".join(
        f'<path d="{_path(shape, frame)}" fill="none" stroke="{colour}" stroke-width="{width}"'
        f' stroke-linejoin="round"{dashes}/>'
        for _, shape in shapes
    )


def _text(x: float, y: float, text: str, size: float, weight: str = "normal", anchor="start"):
    """Text with a white halo, readable over any fill (the halo drawn first: CairoSVG has
    no paint-order)."""
    where = (
        f'x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}" font-weight="{weight}" '
        f'text-anchor="{anchor}"'
    )
    words = escape(text)
    return (
        f'<text {where} fill="none" stroke="#fff" stroke-width="{size / 4:.1f}" '
        f'stroke-linejoin="round" stroke-opacity="0.9">{words}</text>'
        f'<text class="place" {where} fill="{vocabulary.MAP_COLOURS["ink"]}">{words}</text>'
    )


def _places(places: list[dict], frame: Frame, unit: float) -> str:
    """The largest places inside the picture (clear of its title, edges and legend)."""
    out, shown = [], 0
    for place in places:
        x, y = frame.pixels(np.array([[place["lon"], place["lat"]]]))[0]
        inside = 20 < x < frame.width - 140 and TITLE_H * unit + 14 < y < frame.height - 30
        in_legend = x < 350 * unit and y > frame.height - 170 * unit
        if not inside or in_legend:
            continue
        ink = vocabulary.MAP_COLOURS["ink"]
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 * unit:.1f}" fill="{ink}"/>')
        out.append(_text(x + 6 * unit, y + 4 * unit, place["name"], 13 * unit, "bold"))
        shown += 1
        if shown == LABELS_MAX:
            break
    return "".join(out)


def _marker(point, frame: Frame, unit: float) -> str:
    if point is None:
        return ""
    x, y = frame.pixels(np.array([[point[0], point[1]]]))[0]
    colours = vocabulary.MAP_COLOURS
    return (
        f'<circle class="chosen-point" cx="{x:.1f}" cy="{y:.1f}" r="{9 * unit:.1f}" '
        f'fill="{colours["selection-fill"]}" stroke="{colours["selection"]}" '
        f'stroke-width="{3 * unit:.1f}"/><circle cx="{x:.1f}" cy="{y:.1f}" '
        f'r="{3 * unit:.1f}" fill="{colours["selection"]}"/>'
    )


def _legend(frame: Frame, unit: float) -> str:
    colours = vocabulary.MAP_COLOURS
    rows = [
        (status.label, status.legend_hint, _swatch(status, unit))
        for status in vocabulary.ZONE_STATUSES
    ]
    rows.append(
        ("Kharkiv Oblast border with Russia", "", _legend_line(colours["segment"], 5, unit))
    )
    rows.append(("Ukraine–Russia border", "", _legend_line(colours["border"], 2, unit)))
    line_h, pad = 22 * unit, 10 * unit
    width, height = 330 * unit, pad * 2 + line_h * len(rows)
    x0, y0 = 12 * unit, frame.height - height - 26 * unit
    out = [
        f'<g class="legend" transform="translate({x0:.1f},{y0:.1f})">'
        f'<rect width="{width:.1f}" height="{height:.1f}" rx="{6 * unit:.1f}" fill="#fff" '
        f'fill-opacity="0.94" stroke="#dde1e7"/>'
    ]
    for i, (label, hint, swatch) in enumerate(rows):
        y = pad + i * line_h
        out.append(f'<g transform="translate({pad:.1f},{y:.1f})">{swatch}</g>')
        words = escape(label) + (
            f' <tspan font-weight="normal">· {escape(hint)}</tspan>' if hint else ""
        )
        out.append(
            f'<text x="{pad + 34 * unit:.1f}" y="{y + 13 * unit:.1f}" font-size="{12 * unit:.1f}" '
            f'font-weight="bold" fill="{colours["ink"]}">{words}</text>'
        )
    out.append("</g>")
    return "".join(out)


def _swatch(status, unit: float) -> str:
    return (
        f'<rect width="{24 * unit:.1f}" height="{16 * unit:.1f}" {_fill(status)} '
        f'stroke="{status.line}" stroke-width="1.5"/>'
    )


def _legend_line(colour: str, width: float, unit: float) -> str:
    return (
        f'<line x1="0" y1="{8 * unit:.1f}" x2="{24 * unit:.1f}" y2="{8 * unit:.1f}" '
        f'stroke="{colour}" stroke-width="{width * unit:.1f}"/>'
    )


def svg(frame: Frame, title: str, zones: bytes, layers: dict[str, bytes], places, point) -> str:
    """The picture as an SVG document: basemap, zones, lines, places, point, legend, title,
    attribution. `zones` and `layers` are the API's GeoJSON bodies."""
    colours = vocabulary.MAP_COLOURS
    unit = frame.width / 1200
    w, h = frame.width, frame.height
    countries = _features(layers["countries"], frame)
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family={quoteattr(FONT)}>',
        f"<title>{escape(title)}</title>",
        f"<defs>{_hatch_defs()}</defs>",
        f'<rect width="{w}" height="{h}" fill="{SEA}"/>',
        "".join(
            f'<path d="{_path(shape, frame)}" fill="{colours["land"]}" stroke="#c9ccd2" '
            'stroke-width="0.8" fill-rule="evenodd"/>'
            for _, shape in countries
        ),
        _zones(_features(zones, frame), frame),
        _line(_features(layers["oblasts"], frame), frame, colours["oblast"], 1.2 * unit, "4 3"),
        _line(_features(layers["border"], frame), frame, colours["border"], 2 * unit),
        _line(_features(layers["kharkiv-segment"], frame), frame, colours["segment"], 5 * unit),
        _places(places, frame, unit),
        _marker(point, frame, unit),
        _legend(frame, unit),
        f'<rect width="{w}" height="{TITLE_H * unit:.1f}" fill="#fff" fill-opacity="0.94"/>',
        f'<text x="{14 * unit:.1f}" y="{29 * unit:.1f}" font-size="{20 * unit:.1f}" '
        f'font-weight="bold" fill="{colours["ink"]}">{escape(title)}</text>',
        f'<rect y="{h - 20 * unit:.1f}" width="{w}" height="{20 * unit:.1f}" fill="#fff" '
        'fill-opacity="0.85"/>',
        f'<text class="attribution" x="{w - 8 * unit:.1f}" y="{h - 6 * unit:.1f}" '
        f'font-size="{10.5 * unit:.1f}" text-anchor="end" fill="#3b4453">'
        f"{escape(ATTRIBUTION)}</text>",
        "</svg>",
    ]
    return "".join(body)


def png(document: str) -> bytes:
    """The SVG rasterised by CairoSVG (imported here: only pictures need cairo)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=document.encode())
