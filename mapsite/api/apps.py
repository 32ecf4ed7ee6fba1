from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mapsite.api"
    verbose_name = "Public API"
