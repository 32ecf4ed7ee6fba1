"""Query-parameter parsing for the public API: strict, small, and never a 500.

Every parser takes the request's query as a dict of lists (`query_of`'s, or a QueryDict)
and raises `BadParam(field, message)` for anything it cannot use; the views turn that into
a 400 JSON answer.
"""

import datetime as dt
import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, QueryDict

from mapsite import languages
from mapsite.zones import snapshot, vocabulary

# Plain ASCII decimal numbers only: no "nan", "inf", "1_000", " 1 ", or other scripts' digits.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The C0/C1 control characters (Unicode "Cc"), and the white space trimmed from the ends of
# free text: what str.strip() removes less the control characters (a tab, a line break or
# U+001F is refused like any other control character, wherever it is).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and not CONTROL.match(c))
FLAG_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
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


def too_many_fields() -> BadParam:
    """A query of more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: a bad query, not a 500."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return BadParam("query", f"the query has more than {limit} parameters")


def query_of(request: HttpRequest) -> dict[str, list[str]]:
    """The query's values by name as `request.GET` holds them (a dict of lists, which is what
    the parsers read), without building a QueryDict (a good part of an uncached verdict's
    own cost): Django's decoding, and its limit on the number of parameters."""
    query = request.META.get("QUERY_STRING", "")
    if query.isascii() and "%" not in query and "+" not in query:
        return _plain_query(query)
    raw_query = query.encode("iso-8859-1")
    encoding = request.encoding or settings.DEFAULT_CHARSET
    try:
        text = raw_query.decode(encoding)
    except UnicodeDecodeError:
        text = raw_query.decode("iso-8859-1")
    lists: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=encoding,
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:
        raise too_many_fields() from None
    for name, value in pairs:
        lists.setdefault(name, []).append(value)
    return lists


def _plain_query(query: str) -> dict[str, list[str]]:
    """`parse_qsl`'s reading (blank values kept) of a query with nothing to decode: ASCII,
    with no "%" or "+"."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and query.count("&") >= limit:
        raise too_many_fields()
    lists: dict[str, list[str]] = {}
    for field in query.split("&"):
        if field:
            name, _, value = field.partition("=")
            lists.setdefault(name, []).append(value)
    return lists


def raw(query: QueryDict, name: str, required: bool = False) -> str | None:
    """The single value of `name`, or None when absent or empty; refuses repeats."""
    # A QueryDict is a dict of lists: read the list in place (getlist copies it).
    values = dict.get(query, name)
    if values and len(values) > 1:
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
    """Required free text, 1 to max_length characters once trimmed, no control characters."""
    value = (raw(query, name, required=True) or "").strip(SPACES)
    if not value:
        raise BadParam(name, f"{name} is required")
    if len(value) > max_length:
        raise BadParam(name, f"{name} must be at most {max_length} characters")
    if CONTROL.search(value):
        raise BadParam(name, f"{name} must not contain control characters")
    return value


def flag(query: QueryDict, name: str) -> bool:
    value = raw(query, name)
    if value is None:
        return False
    if value not in FLAG_WORDS:
        raise BadParam(name, f"{name} must be 1 or 0")
    return FLAG_WORDS[value]


# --- Declarations: each parses with a function above and describes itself (OpenAPI). A view
# parses with its endpoint's `Query`, the document is built from the same objects.


def _character_class(chars: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in chars)  # Python and ECMA-262 regex alike


class Param:
    """One query parameter: `parse` reads it from a QueryDict, `openapi` describes it."""

    from_data = False  # whether parsing needs the policy snapshot

    def __init__(self, name: str, description: str, required: bool = False):
        self.name = name
        self.description = description
        self.required = required

    def parse(self, query: QueryDict, snap=None):
        raise NotImplementedError

    def schema(self, snap=None) -> dict:
        raise NotImplementedError

    def openapi(self, snap=None) -> list[dict]:
        parameter = {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "description": self.description,
            "schema": self.schema(snap),
            "allowEmptyValue": not self.required,  # raw(): an empty value is no value
        }
        return [parameter]


class Number(Param):
    def __init__(self, name, description, low, high, what="a number", required=False):
        super().__init__(name, description, required)
        self.low, self.high, self.what = low, high, what

    def parse(self, query, snap=None):
        return number(query, self.name, self.low, self.high, self.required, self.what)

    def schema(self, snap=None):
        return {"type": "number", "minimum": self.low, "maximum": self.high}


LAT = Number("lat", "Latitude, WGS84 decimal degrees.", -90, 90, "a latitude in decimal degrees")
LON = Number(
    "lon", "Longitude, WGS84 decimal degrees.", -180, 180, "a longitude in decimal degrees"
)


class Point(Param):
    """`lat` and `lon`: both required, or (optional) both or neither.

    Optional, it is documented as one object parameter exploded into lat=…&lon=…
    (OpenAPI's form style), since two separate parameters cannot say "both or neither".
    """

    def __init__(self, description: str = "", required: bool = True, name: str = "point"):
        super().__init__(name, description, required)

    def parse(self, query, snap=None):
        return point(query, self.required)

    def schema(self, snap=None):
        lat_lon = {"lat": LAT.schema(), "lon": LON.schema()}
        return {"type": "object", "properties": lat_lon, "required": ["lat", "lon"]}

    def openapi(self, snap=None):
        if self.required:
            must = {"required": True, "allowEmptyValue": False}
            return [{**LAT.openapi()[0], **must}, {**LON.openapi()[0], **must}]
        (described,) = super().openapi(snap)
        del described["allowEmptyValue"]  # an object has no empty value
        return [{**described, "style": "form", "explode": True}]


class Choice(Param):
    """One of a list of slugs: fixed, or `values(snap)` from the policy snapshot (read
    only once the parameters before it have passed, so bad input never waits on it)."""

    def __init__(self, name, description, values, required=False):
        super().__init__(name, description, required)
        self.fixed = None if callable(values) else list(values)
        self.from_data = self.fixed is None
        self.values = values if self.fixed is None else (lambda snap: self.fixed)

    def parse(self, query, snap=None):
        values = self.fixed
        if values is None:
            values = self.values(snap if snap is not None else snapshot.current())
        return choice(query, self.name, values, self.required)

    def schema(self, snap=None):
        values = self.values(snap)  # None: from the data, and no snapshot given
        return {"type": "string"} if values is None else {"type": "string", "enum": list(values)}


class Day(Param):
    def __init__(self, name="date", description=""):
        super().__init__(name, description)

    def parse(self, query, snap=None):
        return day(query, self.name)

    def schema(self, snap=None):
        # date.fromisoformat refuses year 0, which RFC 3339's full-date allows.
        return {"type": "string", "format": "date", "pattern": "^(?!0000)[0-9]{4}-"}


class Bbox(Param):
    """Documented as OpenAPI's form-style array: bbox=minlon,minlat,maxlon,maxlat."""

    def __init__(self, name="bbox", description=""):
        super().__init__(name, description)

    def parse(self, query, snap=None):
        return bbox(query, self.name)

    def schema(self, snap=None):
        lon, lat = LON.schema(), LAT.schema()
        return {
            "type": "array",
            "prefixItems": [lon, lat, lon, lat],
            "items": False,
            "minItems": 4,
            "maxItems": 4,
        }

    def openapi(self, snap=None):
        return [{**super().openapi(snap)[0], "style": "form", "explode": False}]


class Simplify(Param):
    def __init__(self, description, default=0.0, name="simplify"):
        super().__init__(name, description)
        self.default = default

    def parse(self, query, snap=None):
        return simplify(query, self.name, self.default)

    def schema(self, snap=None):
        return {"type": "number", "minimum": 0, "maximum": vocabulary.SIMPLIFY_MAX_METRES}


class Integer(Param):
    def __init__(self, name, description, low, high, default):
        super().__init__(name, description)
        self.low, self.high, self.default = low, high, default

    def parse(self, query, snap=None):
        return integer(query, self.name, self.low, self.high, self.default)

    def schema(self, snap=None):
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


class Text(Param):
    """Required free text; the pattern says what text() accepts, trimming included."""

    def __init__(self, name, description, max_length):
        super().__init__(name, description, required=True)
        self.max_length = max_length

    def parse(self, query, snap=None):
        return text(query, self.name, self.max_length)

    def schema(self, snap=None):
        space, control = _character_class(SPACES), "\\u0000-\\u001f\\u007f-\\u009f"
        edge = f"[^{space}{control}]"
        core = f"{edge}(?:[^{control}]{{0,{self.max_length - 2}}}{edge})?"
        return {"type": "string", "pattern": f"^[{space}]*{core}[{space}]*$"}


class Flag(Param):
    def parse(self, query, snap=None):
        return flag(query, self.name)

    def schema(self, snap=None):
        return {"type": "string", "enum": list(FLAG_WORDS)}


class Lang(Param):
    """The language of an answer's words: lenient, never a 400. Parses to the language code
    (mapsite.languages.chosen: unknown values give English), or None when not given."""

    def __init__(self, name="lang", description=""):
        super().__init__(name, description)

    def parse(self, query, snap=None):
        values = dict.get(query, self.name)  # a repeat is not refused: the first one counts
        if not values or values[0] == "":
            return None
        return languages.chosen(values[0])

    def schema(self, snap=None):
        return {"type": "string"}


LANG = Lang(
    description="Language of the answer's words (reasons, labels, names, titles): "
    + ", ".join(f"{code} ({languages.NAMES[code]})" for code in languages.LANGS)
    + f". Case is ignored and a region is dropped (uk-UA is uk); any other value, or none, "
    f"gives {languages.DEFAULT}, never an error. Given, the answer says its language in"
    ' "lang" (and the Content-Language header); quotes stay in the language they were said'
    ' in, marked by "quote_lang" in answers in another language.'
)


class Query:
    """An endpoint's query parameters, in the order they are read (the first error wins)."""

    def __init__(self, *params: Param):
        self.params = params

    def parse(self, query: QueryDict, snap=None) -> list:
        return [param.parse(query, snap) for param in self.params]

    def read(self, query: QueryDict) -> tuple:
        """(snapshot, values): the snapshot read once, when a parameter first needs it."""
        snap, values = None, []
        for param in self.params:
            if snap is None and param.from_data:
                snap = snapshot.current()
            values.append(param.parse(query, snap))
        return snap or snapshot.current(), values

    def openapi(self, snap=None) -> list[dict]:
        return [parameter for param in self.params for parameter in param.openapi(snap)]
