"""OGC API - Features at /ogc/ (mapsite/urls.py includes these)."""

from django.urls import re_path

from mapsite.ogc import views

app_name = "ogc"

COLLECTION = r"collections/(?P<collection_id>[^/]+)"

urlpatterns = [
    re_path(r"^$", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^api/?$", views.api_definition, name="api"),
    re_path(r"^collections/?$", views.collections, name="collections"),
    re_path(rf"^{COLLECTION}/?$", views.collection, name="collection"),
    re_path(rf"^{COLLECTION}/items/?$", views.items, name="items"),
    re_path(rf"^{COLLECTION}/items/(?P<item_id>[^/]+)/?$", views.item, name="item"),
    # Anything else under /ogc/ is a 404 in the format asked for, never Django's page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
