from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "mapsite.front"
    verbose_name = "Map page"
