"""Fixtures and helpers shared by tests/test_admin_*.py.

Import the fixtures with `from tests.admin_fixtures import *  # noqa: F403`.
"""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from mapsite.zones import permissions
from mapsite.zones.forms import ZoneForm, geometry_as_geojson
from mapsite.zones.models import Zone

HOST = "127.0.0.1"
PASSWORD = "a-long-test-password-1"

# A small square inside Russia's Belgorod oblast, well within the map's region.
BELGOROD_SQUARE = [[[36.5, 50.7], [36.7, 50.7], [36.7, 50.9], [36.5, 50.9], [36.5, 50.7]]]
# A bow tie: its edges cross at (36.6, 50.8).
BOW_TIE = [[[36.5, 50.7], [36.7, 50.9], [36.7, 50.7], [36.5, 50.9], [36.5, 50.7]]]


def polygon(coordinates=None) -> dict:
    return {"type": "Polygon", "coordinates": coordinates or BELGOROD_SQUARE}


def feature(slug: str, geometry: dict | None = None, **props) -> dict:
    properties = {"slug": slug, "name": slug.replace("-", " ").title()}
    properties.update({"kind": "counter-fire", "status": "conditional", **props})
    return {"type": "Feature", "properties": properties, "geometry": geometry or polygon()}


def collection(*features, **extra) -> dict:
    return {"type": "FeatureCollection", "features": list(features), **extra}


def as_file(doc) -> io.BytesIO:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return io.BytesIO(data)


def zone(slug: str) -> Zone:
    return Zone.objects.get(slug=slug)


def change_url(obj) -> str:
    return f"/admin/zones/zone/{obj.pk}/change/"


def posted(form, **changes) -> dict:
    """What an admin change form posts for its instance as loaded now, `changes` applied:
    links as primary keys, dates in ISO, a geometry as GeoJSON, nothing as ""."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "geom":
            value = geometry_as_geojson(value) if value else ""
        elif isinstance(value, list | tuple):
            value = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = "" if value is None else value
    if isinstance(changes.get("geom"), dict):
        changes["geom"] = json.dumps(changes["geom"])
    data.update(changes)
    return data


def form_data(obj: Zone, **changes) -> dict:
    """What the zone change form posts for `obj` as loaded now, with `changes` applied."""
    return posted(ZoneForm(instance=obj), **changes)


def post(client: Client, url: str, data: dict, **extra):
    return client.post(url, data, HTTP_HOST=HOST, **extra)


def get(client: Client, url: str, **extra):
    return client.get(url, HTTP_HOST=HOST, **extra)


def make_user(username: str, *, staff=True, editor=False, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(
        username, password=PASSWORD, is_staff=staff, is_superuser=superuser
    )
    if editor:
        user.groups.add(permissions.ensure_editor_group())
    return user


def client_for(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    return make_user("editor", editor=True)


@pytest.fixture
def other_editor(db):
    return make_user("other-editor", editor=True)


@pytest.fixture
def staff_user(db):
    return make_user("plain-staff")


@pytest.fixture
def superuser(db):
    return make_user("root", superuser=True)


@pytest.fixture
def editor_client(editor) -> Client:
    return client_for(editor)
