"""The map's address bar, read on the server: the view a permalink asks for.

The page writes `?c=lat,lon&z=8&date=2024-05-30&at=lat,lon&weapon=&target=&launch=lat,lon
&reach=gmlrs,atacms` as the reader moves; this reads it back, with the page's defaults
for anything missing or malformed, and names what it had to ignore.
"""

import datetime as dt
import re

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mapsite.api import formats
from mapsite.api.params import DATE
from mapsite.zones import vocabulary

NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
ZOOM = re.compile(r"[+-]?[0-9]{1,3}(?:\.0*)?")


def _point(text: str | None) -> dict | None:
    parts = (text or "").split(",")
    if len(parts) != 2 or not all(NUMBER.fullmatch(part.strip()) for part in parts):
        return None
    lat, lon = (float(part) for part in parts)
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return {"lat": lat, "lon": lon}


def _day(text: str | None) -> str | None:
    """`text` if it is a real calendar day written YYYY-MM-DD in ASCII digits."""
    if not text or not DATE.fullmatch(text):  # ASCII digits only, as the API checks
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def default_reach(weapons: list[str]) -> list[str]:
    """The reach rings shown unless the address bar says otherwise: the deep-strike band's."""
    return [vocabulary.DEEP_STRIKE_WEAPON] if vocabulary.DEEP_STRIKE_WEAPON in weapons else []


def _reach(text: str | None, weapons: list[str]) -> list[str] | None:
    """?reach=gmlrs,atacms in the weapons' order, ?reach=none for none; None if unusable."""
    if text == "none":
        return []
    asked = (text or "").split(",")
    chosen = [slug for slug in weapons if slug in asked]
    return chosen or None


DEFAULT_LANG = "en"


def page_lang(text: str | None) -> str | None:
    """A language the page speaks ("uk", "UK", "uk-UA" -> "uk"); None for any other."""
    code = re.split(r"[-_]", (text or "").strip().lower())[0]
    return code if code in dict(settings.LANGUAGES) else None


def _zoom(text: str | None) -> int | None:
    if not text or not ZOOM.fullmatch(text):
        return None
    return max(vocabulary.MIN_ZOOM, min(vocabulary.MAX_ZOOM, int(float(text))))


# What each permalink parameter is, in words, and what a usable value looks like: the note
# a page shows when its link held a value it could not use.
PARAMETER_WORDS = {
    "c": (_("map centre"), _("two numbers, latitude,longitude")),
    "z": (_("zoom"), _("a whole number")),
    "date": (_("date"), _("a calendar day written YYYY-MM-DD")),
    "at": (_("chosen point"), _("two numbers, latitude,longitude")),
    "weapon": (_("weapon"), _("one of the weapons the map knows")),
    "target": (_("target"), _("one of the targets the map knows")),
    "launch": (_("launch point"), _("two numbers, latitude,longitude")),
    "reach": (_("reach rings"), _("weapon names separated by commas, or none")),
}


def ignored_words(names: list[str]) -> list[dict]:
    """The ignored parameters (`read`'s `ignored`), each with its name, what it is and what
    a usable value looks like."""
    return [
        {"name": name, "what": PARAMETER_WORDS[name][0], "expected": PARAMETER_WORDS[name][1]}
        for name in names
    ]


def read(
    query: QueryDict,
    default_date: str,
    weapons: list[str],
    targets: list[str],
    default_lang: str = DEFAULT_LANG,
) -> dict:
    """The view the query asks for: centre, zoom, date, point, weapon, target, launch, reach,
    and the language (`?lang=`, else `default_lang`, the reader's browser's; an unknown
    `?lang=` means English, with no note: `langAsked` says the link named one).

    `ignored` lists the parameters that were given but could not be used.
    """
    ignored: list[str] = []

    def take(name: str, parse, default=None):
        text = query.get(name) or None
        value = parse(text) if text is not None else None
        if text is not None and value is None:
            ignored.append(name)
        return default if value is None else value

    defaults = default_reach(weapons)
    centre = {"lat": vocabulary.DEFAULT_CENTER[0], "lon": vocabulary.DEFAULT_CENTER[1]}
    return {
        "center": take("c", _point, centre),
        "zoom": take("z", _zoom, vocabulary.DEFAULT_ZOOM),
        "date": take("date", _day, default_date),
        "point": take("at", _point),
        "weapon": take("weapon", lambda s: s if s in weapons else None, ""),
        "target": take("target", lambda s: s if s in targets else None, ""),
        "launch": take("launch", _point),
        "reach": take("reach", lambda s: _reach(s, weapons), defaults),
        "defaultReach": defaults,
        "lang": (page_lang(query.get("lang")) or DEFAULT_LANG)
        if query.get("lang")
        else default_lang,
        "langAsked": bool(query.get("lang")),
        "ignored": ignored,
    }


def url_templates() -> dict:
    """The API URLs the page asks for, each built here once: `{name}` marks what the page
    fills in (encoded)."""
    return {
        "zones": reverse("api:zones") + "?date={date}&simplify={simplify}",
        "download": reverse("api:zones") + "?date={date}&bbox={bbox}&clip=1&download=1",
        "layer": reverse("api:layer", args=["{layer}"]).replace("%7B", "{").replace("%7D", "}")
        + "?simplify={simplify}",
        # The download menu's other formats (GDAL files of the same zones), download-<fmt>.
        **{
            f"download-{fmt}": reverse("api:zones_file", args=[fmt])
            + "?date={date}&bbox={bbox}&clip=1&download=1"
            for fmt in formats.FORMATS
        },
    }


def fill(template: str, **values) -> str:
    """A URL template with its `{name}`s filled (as the page's PM.url does)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def first_zones(view: dict) -> dict:
    """The zones URL the page asks for first (and the browser preloads), its tolerance, and
    the box it is cut to (vocabulary.first_view_box; None: not cut)."""
    lat, lon = view["center"]["lat"], view["center"]["lon"]
    tolerance = vocabulary.tolerance_for(lat, view["zoom"])
    url = fill(url_templates()["zones"], date=view["date"], simplify=tolerance)
    box = vocabulary.first_view_box(lat, lon, view["zoom"])
    if box:
        url += "&bbox=" + ",".join(map(str, box)) + "&clip=1"
    return {"url": url + lang_param(view), "tolerance": tolerance, "box": box}


def first_layers(view: dict) -> dict:
    """The reference layers' URLs, at the detail the first view needs (fetched once)."""
    tolerances = vocabulary.reference_tolerances(view["center"]["lat"], view["zoom"])
    layer = url_templates()["layer"]
    urls = {
        name: fill(layer, layer=name, simplify=t) + lang_param(view)
        for name, t in tolerances.items()
    }
    segment = reverse("api:layer", args=["kharkiv-segment"])
    urls["kharkiv-segment"] = segment + lang_param(view).replace("&", "?", 1)
    return urls


def lang_param(view: dict) -> str:
    """What the page adds to an API URL for its language (as startup.js PM.apiUrl does):
    nothing in English, the API's default."""
    lang = view.get("lang", DEFAULT_LANG)
    return "" if lang == DEFAULT_LANG else "&lang=" + lang
