from django.urls import path, re_path

from mapsite.api import format_views, views

app_name = "api"

urlpatterns = [
    path("ping", views.ping, name="ping"),
    path("verdict", views.verdict, name="verdict"),
    path("zones.geojson", views.zones, name="zones"),
    re_path(r"^zones\.(?P<format>gpkg|kml|fgb)$", format_views.zones_file, name="zones_file"),
    re_path(r"^zones/(?P<slug>[^/]+)\.geojson$", views.zone, name="zone"),
    path("policies", views.policies, name="policies"),
    re_path(r"^layers/(?P<name>[^/]+)\.geojson$", views.layer, name="layer"),
    path("places", views.places, name="places"),
    path("reach.geojson", views.reach, name="reach"),
    path("openapi.json", views.openapi_document, name="openapi"),
    # Anything else under /api/ is a JSON 404, never the HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
