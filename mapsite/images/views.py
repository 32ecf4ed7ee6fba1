"""/api/map.svg and /api/map.png: the map of a date as a picture, for articles and link
previews. Cached per data version like the exports; bad input is a 400 naming the field."""

from django.http import HttpRequest, HttpResponse

from mapsite.api import openapi, params, views
from mapsite.api.params import Query
from mapsite.api.responses import api_endpoint, cached, serve
from mapsite.images import render
from mapsite.zones import snapshot, vocabulary

MEDIA = {"svg": "image/svg+xml", "png": "image/png"}
WIDTH = params.Integer("width", "Width in pixels (300 to 2400); default 1200.", 300, 2400, 1200)
HEIGHT = params.Integer("height", "Height in pixels (200 to 2400); default 630.", 200, 2400, 630)
PICTURE = openapi.Operation(
    "/api/map.{format}",
    "map_picture",
    "The map of a day as a picture: the zones in force, the border, places, legend, attribution",
    {
        "200": {
            "description": "The picture (Web Mercator), SVG or PNG as the path says.",
            "headers": openapi.CACHE_HEADERS,
            "content": {
                media: {"schema": {"type": "string", "contentMediaType": media}}
                for media in MEDIA.values()
            },
        },
        **openapi.NOT_MODIFIED,
        **openapi.BAD_INPUT,
        "404": openapi.problem("No such format: the API's JSON 404 for an unknown path."),
    },
    Query(
        openapi.DAY,
        params.Bbox(
            description="minlon,minlat,maxlon,maxlat (WGS84 degrees) the picture must show (it is"
            " widened to the picture's shape); default: the map page's first view. Widened"
            " outward to whole hundredths of a degree first."
        ),
        params.Point("A point to mark (the chosen point), sent as lat=…&lon=….", required=False),
        WIDTH,
        HEIGHT,
    ),
    [openapi.in_path("format", "svg or png.", {"enum": list(MEDIA)})],
)


def default_bbox(width: int, height: int) -> tuple[float, float, float, float]:
    """The map page's first view (centre and zoom) as a box, for a picture of this size."""
    lat, lon = vocabulary.DEFAULT_CENTER
    return render.Frame.centred(lat, lon, vocabulary.DEFAULT_ZOOM, width, height).bounds


def widened(bbox, least: float = 0.01):
    """A box at least `least` degrees each way (a point or a line asked for shows its
    surroundings), within the latitudes Web Mercator draws."""
    minlon, minlat, maxlon, maxlat = bbox
    if maxlon - minlon < least:
        middle = (minlon + maxlon) / 2
        minlon, maxlon = middle - least / 2, middle + least / 2
    minlat, maxlat = max(minlat, -85.0), min(maxlat, 85.0)
    if maxlat - minlat < least:
        middle = min(max((minlat + maxlat) / 2, -84.0), 84.0)
        minlat, maxlat = middle - least / 2, middle + least / 2
    return minlon, minlat, maxlon, maxlat


def picture_svg(snap, day, bbox, point, width: int, height: int) -> str:
    """The SVG of a day's map: the bodies it draws come from the API's caches."""
    bbox = widened(bbox) if bbox else default_bbox(width, height)
    frame = render.Frame.around(bbox, width, height)
    policy = snap.policy_on(day)
    middle = (bbox[1] + bbox[3]) / 2
    zones_tolerance = render.tolerance(frame, middle)
    layer_tolerances = vocabulary.reference_tolerances(middle, max(0, int(frame.zoom)))
    layers = {
        name: views.layer_body(
            snap, name, float(layer_tolerances.get(name, zones_tolerance))
        ).content
        for name in ("countries", "oblasts", "border")
    }
    layers["kharkiv-segment"] = views.layer_body(snap, "kharkiv-segment", 0.0).content
    if policy is None:
        zones = b'{"type":"FeatureCollection","features":[]}'
        title = f"No policy version in force on {vocabulary.day_in_words(day)}"
    else:
        zones = views.zones_body(snap, policy.id, None, None, float(zones_tolerance)).content
        title = f"{policy.title} · {vocabulary.day_in_words(day)}"
    from mapsite.front.views import labelled_places  # the page's own choice of labels

    return render.svg(frame, title, zones, layers, labelled_places(snap), point)


@api_endpoint
@openapi.documented(PICTURE)
def picture(request: HttpRequest, format: str) -> HttpResponse:  # noqa: A002 (the URL's name)
    day, bbox, point, width, height = PICTURE.query.parse(request.GET)
    snap = snapshot.current()
    marker = point  # (lon, lat) or None

    def draw() -> bytes:
        document = picture_svg(snap, day, bbox, marker, width, height)
        return document.encode() if format == "svg" else render.png(document)

    key = ("map-picture", format, day, bbox, marker, width, height)
    return serve(request, cached(snap, key, draw), MEDIA[format])
