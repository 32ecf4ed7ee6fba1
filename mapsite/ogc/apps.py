from django.apps import AppConfig


class OgcConfig(AppConfig):
    name = "mapsite.ogc"
    verbose_name = "OGC API - Features"
