"""Zone exports in GDAL's file formats (GeoPackage, KML, FlatGeobuf).

The same parameters, zones and cache rules as /api/zones.geojson: each file is written
from that export's body (mapsite/api/formats.py), and cached per data version.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from mapsite.api import formats, lang, openapi, params, views
from mapsite.api.responses import api_endpoint, cached, serve
from mapsite.languages import DEFAULT
from mapsite.zones import snapshot


def filename(day, fmt: str) -> str:
    return f"kharkiv-policy-zones-{day.isoformat()}.{formats.FORMATS[fmt].extension}"


FILE_NAME_HEADER = {
    "Content-Disposition": {
        "description": "attachment (with download=1) or inline; "
        'filename="kharkiv-policy-zones-<date>.<gpkg|kml|fgb>"',
        "schema": {"type": "string"},
    }
}
ZONE_FILES = openapi.Operation(
    "/api/zones.{format}",
    "zones_file",
    "Published zones of the policy in force on a day, as a GeoPackage, KML or FlatGeobuf",
    {
        "200": {
            "description": "The zones (EPSG:4326), one feature per zone; the format's own type.",
            "headers": {**openapi.CACHE_HEADERS, **FILE_NAME_HEADER},
            "content": {
                f.content_type: {"schema": {"type": "string", "contentMediaType": f.content_type}}
                for f in formats.FORMATS.values()
            },
        },
        **openapi.NOT_MODIFIED,
        **openapi.BAD_INPUT,
        "404": openapi.problem("No such format: the API's JSON 404 for an unknown path."),
    },
    views.ZONES.query,  # the GeoJSON export's parameters, parsed the same way
    [
        openapi.in_path(
            "format",
            "gpkg (GeoPackage 1.2), kml (KML 2.2) or fgb (FlatGeobuf).",
            {"enum": list(formats.FORMATS)},
        )
    ],
)


@api_endpoint
@openapi.documented(ZONE_FILES)
def zones_file(request: HttpRequest, format: str) -> HttpResponse:  # noqa: A002 (the URL's name)
    file_format = formats.FORMATS[format]
    day, kind, bbox, simplify, download, clip, asked = views.ZONES.query.parse(
        params.query_of(request)
    )
    snap = snapshot.current()
    policy = snap.policy_on(day)
    policy_id = policy.id if policy else None

    def render() -> bytes:
        collection = views.zones_body(snap, policy_id, kind, bbox, simplify, clip, asked)
        with translation.override(asked or DEFAULT):  # the labels in the names' language
            return formats.write_zones(collection.content, file_format)

    key = ("zones-file", format, policy_id, kind, bbox, simplify, clip, asked)
    body = cached(snap, key, render)
    name = filename(day, format)
    response = serve(request, body, file_format.content_type, filename=name if download else None)
    if not download and response.status_code == 200:
        # A file all the same: saved from the browser, it keeps the dated name.
        response["Content-Disposition"] = f'inline; filename="{name}"'
    return lang.content_language(response, asked)
