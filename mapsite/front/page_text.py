"""The page's own words in the reader's language, and the language switch.

`page_text()` is every sentence the page's scripts write (static/front/js/*.js read them
as `PM.t(key, {name: value})` from the map config's `text`), translated with gettext under
the page's language; `{name}` marks what the script fills in. The switch and the
`hreflang` alternates link the same view in each language the site speaks
(settings.LANGUAGES).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.utils.translation.trans_real import parse_accept_lang_header

from mapsite.front import permalink

# The permalink's parameters that say what the view is (lang aside), in the page's order.
VIEW_PARAMETERS = ("c", "z", "date", "at", "weapon", "target", "launch", "reach")


def browser_lang(request: HttpRequest) -> str:
    """The first language in the reader's Accept-Language that the page speaks, else English.
    (No cookie or session: the front's micro-cache varies on this header alone.)"""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:255]):
        if code == "*":
            break
        lang = permalink.page_lang(code)
        if lang:
            return lang
    return permalink.DEFAULT_LANG


def view_query(query, view: dict) -> str:
    """The view's parameters as the link gave them (without lang and what was ignored)."""
    kept = [
        (name, query.get(name))
        for name in VIEW_PARAMETERS
        if query.get(name) and name not in view["ignored"]
    ]
    return urlencode(kept, safe=",")


def languages(request: HttpRequest, path: str, kept: str, lang: str) -> dict:
    """The switch's links (each language's name in itself) and the hreflang alternates, all
    to the same view; x-default is the link without a language (the browser's)."""
    links = []
    for code, name in settings.LANGUAGES:
        query = f"{kept}&lang={code}" if kept else f"lang={code}"
        links.append(
            {
                "code": code,
                "name": name,
                "href": f"{path}?{query}",
                "url": request.build_absolute_uri(f"{path}?{query}"),
                "current": code == lang,
            }
        )
    default = request.build_absolute_uri(f"{path}?{kept}" if kept else path)
    return {"links": links, "x_default": default}


def site_name() -> str:
    return _("US weapons near Kharkiv")


def page_title() -> str:
    return _("{site}: where counter-fire into Russia is permitted").format(site=site_name())


def page_text() -> dict:
    """Every sentence the page's scripts write, in the active language."""
    return {**_common_text(), **_verdict_text(), **_panel_text()}


def _common_text() -> dict:
    return {
        # numbers and coordinates (PM.formatNumber, PM.formatLatLng)
        "numberGroup": pgettext("thousands separator", ","),
        "numberDecimal": pgettext("decimal separator", "."),
        "latLon": _("{lat}°{ns}, {lon}°{ew}"),
        "north": pgettext("latitude", "N"),
        "south": pgettext("latitude", "S"),
        "east": pgettext("longitude", "E"),
        "west": pgettext("longitude", "W"),
        "km": _("{km} km"),
        "and": _(" and "),
        "quoted": _("“{text}”"),
        "serverAnswered": _("The server answered {status}."),
        # the map (page.js)
        "zonesFailed": _("The policy zones could not be loaded: {error}"),
        "mapLabel": _(
            "Policy map. Arrow keys pan, plus and minus zoom, Enter asks about the map centre."
        ),
        "layerZones": _("Policy zones"),
        "layerChanged": _("Changed area outline"),
        "layerBorder": _("Ukraine–Russia border"),
        "layerSegment": _("Kharkiv Oblast border segment"),
        "layerOblasts": _("Oblasts"),
        "layerCities": _("Cities"),
        "layerLaunch": _("Launch point reach"),
        "layerTiles": _("OpenStreetMap tiles"),
        "layerOutline": _("Outline basemap only"),
        "panelExpand": _("Expand panel"),
        "panelCollapse": _("Collapse panel"),
        "vectorTilesFailed": _("The vector tile drawing script did not load."),
        "linkCopied": _("Link copied. It opens this view, date, point, weapon and target."),
    }


def _verdict_text() -> dict:
    return {
        # the verdict (verdict-panel.js)
        "factZone": _("Zone"),
        "factZoneStatus": _("Zone status"),
        "noZone": _("None: outside the area the policy covers"),
        "factPolicy": _("Policy"),
        "factInForce": _("In force"),
        "factHowSure": _("How sure"),
        "factAskedFor": _("Asked for"),
        "askedFor": _("{weapon}, {target}, on {date}"),
        "anyWeapon": _("any US weapon"),
        "anyTarget": _("any target"),
        "factToBorder": _("To the border"),
        "toBorder": _("{km} km from the Ukraine–Russia border"),
        "why": _("Why"),
        "nearby": _("Nearby"),
        "nearbyItem": _("{name}: {status}, {km} km away"),
        "assumptionsApply": _("Assumptions that apply"),
        "sourcesSay": _("What the sources say"),
        "sourceLink": _("source"),
        "quoteIn": _("(in English)"),
        "liveAt": _("{status} at {where}"),
        "liveAtZone": _("{status} at {where}, in {zone}"),
        "verdictMissing": _("The verdict service is not available yet."),
        "verdictFailed": _("Could not get a verdict: {error}"),
        "asking": _("Asking…"),
        "verdictPlaceholder": _(
            "Choose a point to see whether US-provided weapons may be used there under the "
            "policy in force, and why."
        ),
    }


def _panel_text() -> dict:
    return {
        # place search (place-search.js)
        "countryUA": _("Ukraine"),
        "countryRU": _("Russia"),
        "noPlaceCalled": _("No place called “{query}” in the gazetteer"),
        "noPlaces": _("No places found."),
        "placeFound": _("{count} place found. Use the arrow keys to choose."),
        "placesFound": _("{count} places found. Use the arrow keys to choose."),
        "searchUnavailable": _("Search is unavailable: {error}"),
        # the timeline (policy-switch.js)
        "changedOn": _("What changed on {date}: "),
        "dashedOutline": _("Dashed outline: {names}."),
        "changesOn": _("On {date}: {changes} "),
        "showVersion": _("Show that version"),
        # the launch point and reach rings (launch-point.js, reach-rings.js)
        "launchPoint": _("Launch point"),
        "launchPointIs": _("Launch point: "),
        "reachRingsFor": _("Reach rings drawn for {ranges} (assumed ranges)."),
        "weaponRange": _("{weapon} {km} km"),
        "pointWithin": _("The chosen point is {km} km away: within reach of {weapons}."),
        "pointBeyond": _(
            "The chosen point is {km} km away: beyond the reach of every weapon shown."
        ),
        "reachFailed": _("Could not draw the weapon reach: {error}"),
        "launchInZone": _("A launch point must be in Ukraine; that point is in {zone}."),
        "launchOutside": _(
            "A launch point must be in Ukraine; that point is outside Ukraine and Russia."
        ),
        "launchCheckFailed": _("Could not check the launch point: {error}"),
        "ringFromLaunch": _("{weapon}: {km} km from launch point"),
    }
