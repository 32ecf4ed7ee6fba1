"""Place search as people type: any name, any script, typos forgiven, ranked, told apart."""

import json
import urllib.parse
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from mapsite.zones.models import Place
from mapsite.zones.models.reference import PlaceName
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

pytestmark = pytest.mark.django_db
LAYERS = Path(__file__).resolve().parent.parent / "geo_data" / "layers"


def places(client, q: str, limit: int | None = None) -> list[dict]:
    query = {"q": q} if limit is None else {"q": q, "limit": limit}
    response = client.get("/api/places?" + urllib.parse.urlencode(query))
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("q", "name", "oblast"),
    [
        ("Харків", "Kharkiv", "Kharkiv Oblast"),
        ("Белгород", "Belgorod", "Belgorod Oblast"),
        ("Вовчанськ", "Vovchansk", "Kharkiv Oblast"),
        ("Kharkov", "Kharkiv", "Kharkiv Oblast"),
        ("Belgorad", "Belgorod", "Belgorod Oblast"),
        ("Izium", "Izyum", "Kharkiv Oblast"),
        ("Chuhuiv", "Chuhuyiv", "Kharkiv Oblast"),
        ("Zaporizhzhia", "Zaporizhzhya", "Zaporizhzhia Oblast"),
        ("Kupiansk", "Kupyansk", "Kharkiv Oblast"),
        ("харьков", "Kharkiv", "Kharkiv Oblast"),
    ],
)
def test_it_finds_each_spelling_first(client, q, name, oblast):
    first = places(client, q)[0]
    assert (first["name"], first["oblast"]) == (name, oblast)


def test_it_says_which_name_matched(client):
    first = places(client, "Kharkov")[0]
    assert first["matched"] == "Kharkov"
    assert (first["name_uk"], first["name_ru"]) == ("Харків", "Харьков")
    assert places(client, "Kharkiv")[0]["matched"] is None
    assert places(client, "Belgorad")[0]["matched"] is None  # closest: its main name
    assert places(client, "Харків")[0]["matched"] == "Харків"


@pytest.mark.parametrize(
    ("q", "name_ru"), [("Днепр", "Днепр"), ("Днипро", "Днепр"), ("Луганск", "Луганск")]
)
def test_a_ukrainian_city_carries_its_russian_name(client, q, name_ru):
    first = places(client, q)[0]
    assert first["name_ru"] == name_ru


def test_kupiansk_itself_comes_before_kupiansk_vuzlovyi(client):
    names = [r["name"] for r in places(client, "Kupiansk")]
    assert names[:2] == ["Kupyansk", "Kupiansk-Vuzlovyi"]


def test_each_place_comes_once(client):
    for q in ("Kharkiv", "Харків", "Kupiansk", "Rossosh"):
        results = places(client, q, 50)
        keys = [(r["name"], r["lat"], r["lon"]) for r in results]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    "q", ["zaporižžia", "ZAPORIZHZHIA", "Zaporizhzhia", "Запоріжжя", "запоріжжя"]
)
def test_it_ignores_case_and_accents(client, q):
    assert places(client, q)[0]["name"] == "Zaporizhzhya"


def test_yo_is_ye_and_apostrophes_do_not_matter(client):
    assert places(client, "Орел")[0]["name"] == "Orël"
    assert places(client, "Орёл")[0]["name"] == "Orël"
    assert places(client, "Купянськ")[0]["name"] == "Kupyansk"  # Куп’янськ without ’
    assert places(client, "Rossosh'")[0]["name"] == "Rossosh’"


def test_homonyms_carry_different_oblasts(client):
    borova = [r for r in places(client, "Borova", 50) if r["name"] == "Borova"]
    assert {r["oblast"] for r in borova} == {"Kyiv Oblast", "Kharkiv Oblast"}
    donetsk = [r for r in places(client, "Donetsk", 50) if r["name"] == "Donetsk"]
    assert {(r["country"], r["oblast"]) for r in donetsk} == {
        ("UA", "Donetsk Oblast"),
        ("RU", "Rostov Oblast"),
    }


def test_oblast_falls_back_to_the_geonames_region(client):
    # Kyiv lies outside the oblast layer (border oblasts only): GeoNames' admin1 names it.
    assert places(client, "Kyiv")[0]["oblast"] == "Kyiv City"
    assert places(client, "Rostov-on-Don")[0]["oblast"] == "Rostov Oblast"


def test_a_place_in_no_oblast_and_no_region_has_a_null_oblast(client):
    place = Place.objects.create(
        geonameid=999_000_001, name="Nowhereton", country="RU", point=Point(43.9, 54.9)
    )
    PlaceName.objects.create(place=place, name="Nowhereton")
    assert places(client, "Nowhereton")[0]["oblast"] is None


def test_rossosh_is_there_once_where_the_town_is(client):
    rossosh = [r for r in places(client, "Rossosh", 50) if r["name"] == "Rossosh’"]
    assert len(rossosh) == 1
    assert abs(rossosh[0]["lat"] - 50.196) < 0.01 and abs(rossosh[0]["lon"] - 39.566) < 0.01
    assert not Place.objects.filter(geonameid=501215).exists()
    layer = json.loads((LAYERS / "places.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"]["geonameid"] for f in layer["features"]}
    assert 501231 in ids and 501215 not in ids
    provenance = json.loads((LAYERS / "places.provenance.json").read_text(encoding="utf-8"))
    assert "Pervaya Rossosh" in provenance["excluded"]["501215"]


def test_exact_names_rank_before_prefixes_before_similar_names(client):
    results = places(client, "Sumy", 50)
    assert results[0]["name"] == "Sumy"
    tiers = []
    for r in results:
        form = (r["matched"] or r["name"]).lower()
        tiers.append(0 if form == "sumy" else 1 if form.startswith("sumy") else 2)
    assert tiers == sorted(tiers)


def test_prefix_matches_are_ordered_by_population(client):
    results = places(client, "Bel", 50)
    prefix = [r for r in results if (r["matched"] or r["name"]).lower().startswith("bel")]
    assert results[: len(prefix)] == prefix
    populations = [r["population"] for r in prefix]
    assert populations == sorted(populations, reverse=True)


def test_equal_population_goes_to_the_place_nearer_the_border(client):
    # GeoNames has two Oleksandrivka in Donetsk Oblast of 5,740 people each.
    same = [r for r in places(client, "Oleksandrivka", 50) if r["population"] == 5740]
    assert len(same) == 2
    with connection.cursor() as cursor:
        distances = []
        for r in same:
            cursor.execute(
                "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography,"
                " geom::geography) FROM zones_referencefeature"
                " WHERE slug = 'ukraine-russia-border'",
                [r["lon"], r["lat"]],
            )
            distances.append(cursor.fetchone()[0])
    assert distances[0] < distances[1]


def test_closer_spellings_rank_higher(client):
    names = [r["name"] for r in places(client, "Belgorad", 10)]
    assert names[0] == "Belgorod"
    assert places(client, "Kharkof")[0]["name"] == "Kharkiv"


@pytest.mark.parametrize(
    "q",
    [
        "a\x00b",
        "Khar\x1fkiv",
        "x\x7f",
        "Kharkiv\x1f",
        "\tKharkiv",
        "Kharkiv\n",
        "a" * 10_000,
        " ",
        "\u00a0 ",
    ],
)
def test_it_refuses_bad_input_naming_q(client, q):
    response = client.get("/api/places?" + urllib.parse.urlencode({"q": q}))
    assert response.status_code == 400
    assert response.json()["field"] == "q"


def test_the_loader_stores_local_and_alternate_names():
    kharkiv = Place.objects.get(geonameid=706483)
    assert (kharkiv.name_uk, kharkiv.name_ru) == ("Харків", "Харьков")
    names = set(kharkiv.names.values_list("name", flat=True))
    assert {"Kharkiv", "Kharkov", "Харків", "Харьков", "Charkow"} <= names
    vovchansk = Place.objects.get(geonameid=689304)
    assert (vovchansk.name_uk, vovchansk.name_ru) == ("Вовчанськ", "Волчанск")
    belgorod = Place.objects.get(geonameid=578072)
    assert belgorod.name_ru == "Белгород"


def test_the_first_pass_uses_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE zones_placename")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT place_id FROM zones_placename"
            " WHERE zones_place_search_form(name) %% zones_place_search_form(%s)",
            ["Belgorad"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "zones_placename_trgm" in plan


@pytest.mark.browser
def test_typing_a_cyrillic_name_and_picking_it(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.click("#place-search")
    page.keyboard.type("Харків", delay=40)
    option = page.wait_for_selector("#place-results [role=option]")
    assert option.inner_text().startswith("Харків → Kharkiv")
    assert "Kharkiv Oblast, Ukraine" in option.inner_text()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#place-search", "aria-activedescendant") == "place-option-0"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => (document.querySelector('#verdict-body .coords')?.textContent || '')"
        ".startsWith('Kharkiv')"
    )
    assert page.input_value("#place-search") == "Kharkiv"
