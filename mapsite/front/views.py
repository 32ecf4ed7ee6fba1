"""The map page and the health check."""

import datetime as dt
import json
import logging

from csp.decorators import csp_replace
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from pyproj import Geod

from mapsite.api.responses import SHARED_MAX_AGE
from mapsite.front import page_text, permalink, timeline
from mapsite.images import social
from mapsite.ops import outage
from mapsite.tiles import page as tiles_page
from mapsite.zones import snapshot, vocabulary
from mapsite.zones.models import Assumption, Place, Source, Zone

# Cities labelled on the map: the largest places, skipping city districts and
# suburbs that lie within PLACE_SPACING_KM of a larger place already chosen.
PLACE_CANDIDATES = 400
PLACE_LIMIT = 120
PLACE_SPACING_KM = 12.0
PAGE_MAX_AGE = 60  # seconds a browser may keep the map page (its default date is today)
# What startup.js (the head's one script) loads at once, in this order, and the event it
# then fires for django-leaflet to create the map (the template's leaflet_map loadevent).
FIRST_SCRIPTS = ["front/js/zones-layer.js", "leaflet/leaflet.js", "leaflet/leaflet.extras.js"]
MAP_START_EVENT = "policymap:leaflet"
# The page's scripts after the first ones (startup.js, FIRST_SCRIPTS), in the order they run:
# startup.js adds them once the first zones are drawn, so that nothing competes with Leaflet
# and the zones for the browser's connections. page.js, last, starts the page.
LATER_SCRIPTS = [
    "text",
    "address-bar",
    "map-layers",
    "map-labels",
    "reach-rings",
    "launch-point",
    "verdict-panel",
    "place-search",
    "policy-switch",
    "embed-code",
    "page",
]
# The site's name and the page's title: page_text.site_name() and page_title(), translated.
PAGES_KEPT = 256  # rendered pages (one per view asked for) each worker keeps per data version

QUOTED = (Source.Kind.REPORT, Source.Kind.LATER_REPORT)

logger = logging.getLogger(__name__)

GEOD = Geod(ellps="WGS84")


def _changes(snap, policies) -> list[dict]:
    """Areas whose status changed when each policy version took effect (cached per data version)."""
    key = ("front", "changes", translation.get_language())
    if key in snap.responses:
        return snap.responses[key]
    changes = []
    names = {zone.slug: zone.name for zone in snap.zones.values()}  # in the snapshot's language
    for before, policy in zip(policies, policies[1:], strict=False):
        for slug, name, status, was in Zone.objects.status_changes(before.id, policy.id):
            changes.append(
                {
                    "policy": policy.slug,
                    "date": vocabulary.iso_day(policy.effective_from),
                    "zone": slug,
                    "name": names.get(slug, name),
                    "from_status": was,
                    "to_status": status,
                    "from_label": vocabulary.status_label(was),
                    "to_label": vocabulary.status_label(status),
                }
            )
    snap.responses[key] = changes
    return changes


def _distance_km(a: dict, b: dict) -> float:
    """Distance on the WGS84 ellipsoid, for spacing the city labels."""
    return GEOD.inv(a["lon"], a["lat"], b["lon"], b["lat"])[2] / 1000


def labelled_places(snap) -> list[dict]:
    lang = translation.get_language()
    key = ("front", "places", lang)
    if key in snap.responses:
        return snap.responses[key]
    chosen: list[dict] = []
    # A label in the page's language: GeoNames' own Cyrillic name where it has one.
    local = {"uk": "name_uk", "ru": "name_ru"}.get(lang)
    fields = ["name", "country", "population", "point", *([local] if local else [])]
    for place in Place.objects.only(*fields)[:PLACE_CANDIDATES]:
        candidate = {
            "name": (getattr(place, local) if local else "") or place.name,
            "country": place.country,
            "population": place.population,
            "lat": round(place.point.y, 4),
            "lon": round(place.point.x, 4),
        }
        if all(_distance_km(candidate, other) > PLACE_SPACING_KM for other in chosen):
            chosen.append(candidate)
            if len(chosen) >= PLACE_LIMIT:
                break
    snap.responses[key] = chosen
    return chosen


def _zone_rows(snap) -> list[dict]:
    """Every published zone, by policy version, for the text alternative to the map."""
    order = {policy.slug: i for i, policy in enumerate(snap.policies)}
    shown = [status.slug for status in vocabulary.ZONE_STATUSES]
    zones = sorted(
        snap.zones.values(),
        key=lambda z: (order.get(z.policy_slug, 99), shown.index(z.status), z.slug),
    )
    return [
        {
            "slug": z.slug,
            "name": z.name,
            "kind": z.kind,
            "kind_label": vocabulary.kind_label(z.kind),
            "status": z.status,
            "status_label": vocabulary.status_label(z.status),
            "policy": z.policy_slug,
            "area_km2": z.area_km2,
            "depth_km": z.depth_km,
        }
        for z in zones
    ]


def _depth_assumptions(snap, policy) -> list[dict]:
    """The assumed depth of each area measured from a border, with why it was chosen."""
    notes = []
    for zone in snap.zones.values():
        if not zone.depth_km or (policy and zone.policy_slug != policy.slug):
            continue
        notes.append({"zone": zone, "assumption": (zone.assumptions or [None])[0]})
    return notes


def _assumptions(snap) -> list[dict]:
    """Every assumption, worded with its parameters (a depth as the zones citing it give it)."""
    depths: dict[str, set] = {}
    for zone in snap.zones.values():
        for cited in zone.assumptions:
            if zone.depth_km:
                depths.setdefault(cited["slug"], set()).add(zone.depth_km)
    rows = []
    for assumption in Assumption.objects.order_by("pk"):
        shown = sorted(depths.get(assumption.slug, ()))
        depth = shown[0] if len(shown) == 1 else None
        row = {"title": assumption.translated("title", snap.lang), "unit": assumption.unit}
        row["statement"] = assumption.render(depth, snap.lang)
        row["value"] = assumption.shown_value(depth)
        rows.append(row)
    return rows


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The map page; a plain 503 page (never a traceback) when the database is not answering."""
    return _page_or_outage(request, embedded=False)


def _page_or_outage(request: HttpRequest, embedded: bool) -> HttpResponse:
    """The map page (whole or embedded), or the plain 503 page while the database is down."""
    try:
        return _index(request, embedded)
    except DatabaseError:
        # Logged in full for us; the visitor gets a short page.
        logger.exception("database error rendering the map page (embedded: %s)", embedded)
        connection.close_if_unusable_or_obsolete()
        return outage.unavailable(request)


def _date_words(snap, steps: list[dict], view: dict) -> dict:
    """Every date the page may show, worded: the versions', the sources', the view's."""
    days = {dt.date.fromisoformat(view["date"]), snap.known_as_of}
    days |= {s.date for s in Source.objects.exclude(date=None).only("date")}
    for item in steps:
        days |= {dt.date.fromisoformat(d) for d in (item["date"], item["effective_from"]) if d}
    return {day.isoformat(): vocabulary.day_in_words(day) for day in days if day}


def _weapons(snap) -> list[dict]:
    return [
        {
            "slug": w["slug"],
            "name": w["name"],
            "range_km": w["range_km"],
            "reach_label": timeline.reach_label(snap, w),
            "dash": vocabulary.REACH_DASHES[i % len(vocabulary.REACH_DASHES)],
        }
        for i, w in enumerate(snap.weapons.values())
    ]


def _page_config(snap, steps, view) -> dict:
    """The map config (#map-config): the vocabulary, the data and the first view."""
    shown = {**view, **timeline.view_step(snap, steps, view["date"])}
    return {
        **vocabulary.page_vocabulary(),
        "tileUrl": settings.TILE_URL,
        "tileAttribution": settings.TILE_ATTRIBUTION,
        "urls": permalink.url_templates(),
        "policies": steps,
        "view": shown,
        # A version drawn from vector tiles has no GeoJSON for the page to fetch first.
        "firstZones": {"url": None, "tolerance": None}
        if tiles_page.drawn_from_tiles(snap, shown["policy"])
        else permalink.first_zones(view),
        "tiles": tiles_page.config(snap),
        "firstScripts": [static(path) for path in FIRST_SCRIPTS],
        "mapStartEvent": MAP_START_EVENT,
        "scripts": [static(f"front/js/{name}.js") for name in LATER_SCRIPTS],
        "firstLayers": permalink.first_layers(view),
        "weapons": _weapons(snap),
        "targets": [{"slug": t["slug"], "name": t["name"]} for t in snap.targets.values()],
        "changes": _changes(snap, snap.policies),
        "knowledge": timeline.knowledge(snap, view["date"]),
        "dates": _date_words(snap, steps, view),
        "places": labelled_places(snap),
        "lang": view["lang"],
        "text": page_text.page_text(),
    }


def _sources() -> tuple[list, list]:
    """The quoted reports and the other notes, each with its date in words."""
    sources = list(Source.objects.order_by("pk"))
    for source in sources:
        source.date_text = vocabulary.day_in_words(source.date)
    return [s for s in sources if s.kind in QUOTED], [s for s in sources if s.kind not in QUOTED]


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request: HttpRequest) -> HttpResponse:
    """The map for framing in other sites' pages: the permalink's view, minimal chrome, a
    link back. The one route any site may frame."""
    return _page_or_outage(request, embedded=True)


def _index(request: HttpRequest, embedded: bool = False) -> HttpResponse:
    """The page for the view the address bar asks for, rendered once per data version, day
    and view in each worker; each answer gets its own CSP nonce spliced in."""
    snap = snapshot.current()
    today = dt.datetime.now(dt.UTC).date()
    # the first view answers for today unless the address bar names a date
    # ...and in the link's ?lang=, else the reader's browser's language (Accept-Language)
    lang = page_text.browser_lang(request)
    view = permalink.read(
        request.GET, today.isoformat(), list(snap.weapons), list(snap.targets), lang
    )
    pages = snap.responses.setdefault("map-pages", {})
    # The host too: the link preview's addresses are absolute; the query as given, as the
    # language links repeat it.
    kept = page_text.view_query(request.GET, view)
    key = (today, embedded, request.get_host(), json.dumps(view, sort_keys=True), kept)
    page = pages.get(key)
    if page is None:
        with translation.override(view["lang"]):
            in_language = snap.in_language(view["lang"])
            rendered = _render_page(request, in_language, view, embedded, kept)
        if len(pages) >= PAGES_KEPT:
            pages.clear()
        # The nonce is 128 random bits: it occurs in the page only where the template put it.
        link = rendered.get("Link")
        page = pages[key] = (rendered.content.split(request.csp_nonce.encode()), link)
    parts, link = page
    response = HttpResponse(request.csp_nonce.encode().join(parts))
    if link:  # the first view's zones start downloading with the page (startup.js asks)
        response["Link"] = link
    # Public and short-lived, as the API's answers: the front's micro-cache keeps it (and
    # serves it while the database is down); a copy shares its CSP nonce for that while.
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE, s_maxage=SHARED_MAX_AGE)
    # Without ?lang= the page is in the browser's language: caches keep one per language.
    patch_vary_headers(response, ("Accept-Language",))
    response["Content-Language"] = view["lang"]
    # The public page holds no session or secret for another window to reach, and opening
    # it in a new tab under COOP same-origin costs a browsing-context-group (process) swap
    # before the first byte is parsed (about 20 ms measured in bench/map_page.py). The admin,
    # which has logins, keeps settings.SECURE_CROSS_ORIGIN_OPENER_POLICY.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


def _render_page(
    request: HttpRequest, snap, view: dict, embedded: bool, kept: str = ""
) -> HttpResponse:
    steps = timeline.steps(snap)
    config = _page_config(snap, steps, view)
    shown = config["view"]
    current = next((p for p in snap.policies if p.slug == shown["policy"]), None)
    quotes, notes = _sources()
    founding = next((p for p in snap.policies if p.effective_from), None)
    context = {
        "config": config,
        "policies": steps,
        "step": next((s for s in steps if s["slug"] == shown["step"]), None),
        "current_policy": current,
        "weapons": config["weapons"],
        "targets": snap.targets.values(),
        "quotes": quotes,
        "notes": notes,
        "knowledge": config["knowledge"],
        "reach_origin": timeline.reach_origin(snap),
        "founding_date": vocabulary.day_in_words(founding.effective_from) if founding else "",
        "zones": _zone_rows(snap),
        "assumptions": _assumptions(snap),
        "depth_notes": _depth_assumptions(snap, current),
        "statuses": vocabulary.ZONE_STATUSES,
        "hatched": [s for s in vocabulary.ZONE_STATUSES if s.hatched],
        "hatch": vocabulary.HATCH,
        "narrow_media": vocabulary.NARROW_MEDIA,
        "favicon": vocabulary.favicon_url(),
        "css_variables": vocabulary.css_variables(),
        "embedded": embedded,
        "map_start_event": MAP_START_EVENT,
        "site_name": page_text.site_name(),
        "page_title": page_text.page_title(),
        "social": social.tags(request, snap, view, page_text.site_name()),
        "ignored": permalink.ignored_words(view["ignored"]),
        "lang": view["lang"],
        "languages": page_text.languages(request, request.path, kept, view["lang"]),
    }
    response = render(request, "front/index.html", context)
    if config["firstZones"]["url"]:
        response["Link"] = f"<{config['firstZones']['url']}>; rel=preload; as=fetch; crossorigin"
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 (never a traceback) when it does not."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return JsonResponse(
            {"status": "unavailable", "error": "the database is not answering"}, status=503
        )
    return JsonResponse({"status": "ok"})
