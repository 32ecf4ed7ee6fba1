from django.contrib import admin
from django.urls import include, path

from mapsite.front import views as front

urlpatterns = [
    path("", front.index, name="index"),
    path("embed/", front.embed, name="embed"),
    path("healthz", front.healthz, name="healthz"),
    path("api/", include("mapsite.images.urls")),  # before the API's catch-all 404
    path("api/", include("mapsite.api.urls")),
    path("ogc/", include("mapsite.ogc.urls")),
    path("tiles/", include("mapsite.tiles.urls")),
    path("admin/", admin.site.urls),
]

# A database that is down answers 503 everywhere, whichever layer met it (mapsite/ops/outage.py).
handler500 = "mapsite.ops.outage.server_error"
