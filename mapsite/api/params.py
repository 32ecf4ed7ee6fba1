"""Query-parameter parsing for the public API: strict, small, and never a 500.

Every parser takes the request's QueryDict and raises `BadParam(field, message)`
for anything it cannot use; the views turn that into a 400 JSON answer.
"""

import datetime as dt
import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.http import QueryDict

from mapsite.zones import vocabulary

# Plain ASCII decimal numbers only: no "nan", "inf", "1_000", " 1 ", or other scripts' digits.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_NUMBER_CHARS = 32
MAX_SLUG_CHARS = 80

# Each distinct bbox or simplify value is its own cache entry and a full render, so both
# are snapped to a coarse grid first: a bbox outward to whole hundredths of a degree
# (it still covers what was asked), a tolerance to one significant figure in whole metres.
BBOX_GRID = Decimal("0.01")


class BadParam(ValueError):
    """A query parameter the API cannot use; `field` names it."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def raw(query: QueryDict, name: str, required: bool = False) -> str | None:
    """The single value of `name`, or None when absent; refuses repeats."""
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParam(name, f"{name} is given more than once")
    if not values or values[0] == "":
        if required:
            raise BadParam(name, f"{name} is required")
        return None
    return values[0]


def number(
    query: QueryDict,
    name: str,
    low: float,
    high: float,
    required: bool = False,
    what: str = "a number",
) -> float | None:
    value = raw(query, name, required)
    if value is None:
        return None
    return _number(value, name, low, high, what)


def _number(value: str, name: str, low: float, high: float, what: str) -> float:
    if len(value) > MAX_NUMBER_CHARS or not NUMBER.fullmatch(value):
        raise BadParam(name, f"{name} must be {what}")
    result = float(value)
    if not math.isfinite(result):
        raise BadParam(name, f"{name} must be {what}")
    if not low <= result <= high:
        raise BadParam(name, f"{name} must be between {low:g} and {high:g}")
    return result


def latitude(query: QueryDict, name: str = "lat", required: bool = True) -> float | None:
    return number(query, name, -90, 90, required, "a latitude in decimal degrees")


def longitude(query: QueryDict, name: str = "lon", required: bool = True) -> float | None:
    return number(query, name, -180, 180, required, "a longitude in decimal degrees")


def point(query: QueryDict, required: bool = True) -> tuple[float, float] | None:
    """(lon, lat) from `lat` and `lon`; both or neither when not required."""
    if not required and raw(query, "lat") is None and raw(query, "lon") is None:
        return None
    lat = latitude(query, "lat", required=True)
    lon = longitude(query, "lon", required=True)
    return lon, lat


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def day(query: QueryDict, name: str = "date") -> dt.date:
    """A calendar date as YYYY-MM-DD; today (UTC) when absent."""
    value = raw(query, name)
    if value is None:
        return today()
    if not DATE.fullmatch(value):
        raise BadParam(name, f"{name} must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadParam(name, f"{name} {value} is not a real calendar date") from None


def slug(query: QueryDict, name: str, required: bool = False) -> str | None:
    value = raw(query, name, required)
    if value is None:
        return None
    if len(value) > MAX_SLUG_CHARS or not SLUG.fullmatch(value):
        raise BadParam(name, f"{name} must be a slug (lower-case letters, digits and hyphens)")
    return value


def choice(query: QueryDict, name: str, choices: list[str], required: bool = False) -> str | None:
    value = raw(query, name, required)
    if value is None:
        return None
    if value not in choices:
        shown = value if len(value) <= 40 and value.isprintable() else "given"
        raise BadParam(name, f"{name} {shown!r} is unknown; expected one of: {', '.join(choices)}")
    return value


def bbox(query: QueryDict, name: str = "bbox") -> tuple[float, float, float, float] | None:
    """minlon,minlat,maxlon,maxlat in WGS84 degrees, snapped outward to a 0.01° grid."""
    value = raw(query, name)
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise BadParam(name, f"{name} must be four numbers: minlon,minlat,maxlon,maxlat")
    what = "four numbers: minlon,minlat,maxlon,maxlat"
    minlon, maxlon = (_number(parts[i], name, -180, 180, what) for i in (0, 2))
    minlat, maxlat = (_number(parts[i], name, -90, 90, what) for i in (1, 3))
    if minlon > maxlon or minlat > maxlat:
        raise BadParam(name, f"{name} minimum must not exceed its maximum")
    # Snapped from the decimal text, so a value already on the grid stays where it is.
    # ±180 and ±90 are on the grid, so the snapped box stays within range.
    low, high = ROUND_FLOOR, ROUND_CEILING
    return tuple(
        float(Decimal(part).quantize(BBOX_GRID, rounding=rounding))
        for part, rounding in zip(parts, (low, low, high, high), strict=True)
    )


def simplify(query: QueryDict, name: str = "simplify", default: float = 0.0) -> float:
    """A display tolerance in metres, 0 (none) to 100 km, snapped to one significant figure."""
    value = raw(query, name)
    if value is None:
        return default
    _number(value, name, 0, vocabulary.SIMPLIFY_MAX_METRES, "a tolerance in metres")
    return vocabulary.one_figure(value)


def integer(query: QueryDict, name: str, low: int, high: int, default: int) -> int:
    value = raw(query, name)
    if value is None:
        return default
    if len(value) > 6 or not value.isascii() or not value.isdigit():
        raise BadParam(name, f"{name} must be a whole number from {low} to {high}")
    result = int(value)
    if not low <= result <= high:
        raise BadParam(name, f"{name} must be a whole number from {low} to {high}")
    return result


def text(query: QueryDict, name: str, max_length: int) -> str:
    """Required free text, 1 to max_length characters, no control characters."""
    value = (raw(query, name, required=True) or "").strip()
    if not value:
        raise BadParam(name, f"{name} is required")
    if len(value) > max_length:
        raise BadParam(name, f"{name} must be at most {max_length} characters")
    if not value.isprintable():
        raise BadParam(name, f"{name} must not contain control characters")
    return value


def flag(query: QueryDict, name: str) -> bool:
    value = raw(query, name)
    if value is None or value in ("0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise BadParam(name, f"{name} must be 1 or 0")
