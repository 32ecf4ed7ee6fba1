from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "mapsite.zones"
    verbose_name = "Zones and policies"
