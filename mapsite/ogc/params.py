"""Query parameters of OGC API - Features (Part 1 Core, Part 2 CRS84 only): strict, never a 500.

Each parser raises `BadParam(field, message)` (mapsite/api/params.py) for what it cannot use.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.http import QueryDict

from mapsite.api import params
from mapsite.api.params import BadParam

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LIMIT_DEFAULT, LIMIT_MAX = 10, 1000
OFFSET_MAX = 10**9
MAX_DIGITS = 100
INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)

# The parameters each kind of resource takes; any other is a 400 (/req/core/query-param-unknown).
COMMON = ("f",)
ITEM = (*COMMON, "crs")
ITEMS = (*ITEM, "limit", "offset", "bbox", "bbox-crs", "datetime")


@dataclass(frozen=True)
class ItemsQuery:
    """What an items request asks for, parsed; `given` keeps the values its links carry on."""

    limit: int
    offset: int
    boxes: tuple[tuple[float, float, float, float], ...]  # two when the box crosses 180°
    day: dt.date
    given: tuple[tuple[str, str], ...]


def only(query: QueryDict, allowed: tuple[str, ...]) -> None:
    """Refuse a parameter this resource does not define, naming it."""
    for name in query:
        if name not in allowed:
            shown = name if len(name) <= 40 and name.isprintable() else "given"
            known = ", ".join(allowed)
            raise BadParam(name, f"unknown parameter {shown!r}; this resource takes: {known}")


def limit(query: QueryDict) -> int:
    """1 or more; above LIMIT_MAX is served as LIMIT_MAX (/req/core/fc-limit-response-1)."""
    value = params.raw(query, "limit")
    if value is None:
        return LIMIT_DEFAULT
    if len(value) > MAX_DIGITS or not value.isascii() or not value.isdigit() or int(value) < 1:
        raise BadParam("limit", f"limit must be a whole number from 1 (at most {LIMIT_MAX} served)")
    return min(int(value), LIMIT_MAX)


def offset(query: QueryDict) -> int:
    value = params.raw(query, "offset")
    if value is None:
        return 0
    if len(value) > 10 or not value.isascii() or not value.isdigit() or int(value) > OFFSET_MAX:
        raise BadParam("offset", f"offset must be a whole number from 0 to {OFFSET_MAX}")
    return int(value)


def crs(query: QueryDict, name: str = "crs") -> str | None:
    """Only CRS84 is offered (Part 2): any other CRS is a 400."""
    value = params.raw(query, name)
    if value is not None and value not in (CRS84, "[OGC:CRS84]"):
        raise BadParam(name, f"{name} must be {CRS84}, the only CRS offered")
    return value


def _coordinate(text: str, low: float, high: float) -> float:
    what = "four numbers (or six, with heights): minlon,minlat,maxlon,maxlat"
    if len(text) > params.MAX_NUMBER_CHARS or not params.NUMBER.fullmatch(text):
        raise BadParam("bbox", f"bbox must be {what}")
    value = float(text)
    if not low <= value <= high:
        raise BadParam("bbox", f"bbox has {text}, outside {low:g} to {high:g}")
    return value


def bbox(query: QueryDict) -> tuple[tuple[float, float, float, float], ...]:
    """minlon,minlat,maxlon,maxlat in CRS84 (six numbers: heights, ignored) as one or two
    boxes; minlon > maxlon crosses the antimeridian (/req/core/fc-bbox-definition)."""
    crs(query, "bbox-crs")
    value = params.raw(query, "bbox")
    if value is None:
        return ()
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise BadParam("bbox", "bbox must be four numbers (or six, with heights)")
    if len(parts) == 6:
        for height in (parts[2], parts[5]):
            _coordinate(height, -1e7, 1e7)
        parts = [parts[0], parts[1], parts[3], parts[4]]
    minlon, maxlon = (_coordinate(parts[i], -180, 180) for i in (0, 2))
    minlat, maxlat = (_coordinate(parts[i], -90, 90) for i in (1, 3))
    if minlat > maxlat:
        raise BadParam("bbox", "bbox minimum latitude must not exceed its maximum")
    if minlon > maxlon:
        return ((minlon, minlat, 180.0, maxlat), (-180.0, minlat, maxlon, maxlat))
    return ((minlon, minlat, maxlon, maxlat),)


def datetime(query: QueryDict) -> dt.date:
    """The policy date: a date or an RFC 3339 instant (its UTC day); today when absent."""
    value = params.raw(query, "datetime")
    if value is None:
        return params.today()
    if "/" in value:
        raise BadParam("datetime", "datetime intervals are not supported; give one date or instant")
    try:
        if params.DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
        if INSTANT.fullmatch(value):
            instant = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            return instant.astimezone(dt.UTC).date()
    except ValueError:
        raise BadParam("datetime", "datetime is not a real date or time") from None
    raise BadParam(
        "datetime", "datetime must be a date (2024-06-01) or an RFC 3339 instant (…T12:00:00Z)"
    )


def items(query: QueryDict) -> ItemsQuery:
    only(query, ITEMS)
    crs(query)
    kept = ("bbox", "bbox-crs", "datetime", "crs")
    return ItemsQuery(
        limit=limit(query),
        offset=offset(query),
        boxes=bbox(query),
        day=datetime(query),
        given=tuple((name, query[name]) for name in kept if query.get(name)),
    )
