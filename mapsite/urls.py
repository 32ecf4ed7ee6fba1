from django.contrib import admin
from django.urls import include, path

from mapsite.front import views as front

urlpatterns = [
    path("", front.index, name="index"),
    path("healthz", front.healthz, name="healthz"),
    path("api/", include("mapsite.api.urls")),
    path("admin/", admin.site.urls),
]
