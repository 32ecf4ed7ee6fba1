from django.urls import re_path

from mapsite.tiles import views

app_name = "tiles"

urlpatterns = [
    re_path(
        r"^(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.mvt$", views.tile, name="tile"
    ),
    re_path(r"^(?P<layer>[^/]+)\.json$", views.tilejson, name="tilejson"),
    re_path(r"^(?P<layer>[^/]+)/tilejson\.json$", views.tilejson, name="tilejson_in_layer"),
    # Anything else under /tiles/ is a JSON 404, never the HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
