from django.urls import re_path

from mapsite.images import views

app_name = "images"

urlpatterns = [
    re_path(r"^map\.(?P<format>svg|png)$", views.picture, name="picture"),
]
