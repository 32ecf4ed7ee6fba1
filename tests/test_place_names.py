"""Ukrainian and Russian names of the bundled places, picked from GeoNames' untagged names.

Plain tests (no database): they read the committed places layer, which carries each
record's GeoNames name and alternate names.
"""

import json
from pathlib import Path

import pytest

from geo_data import build as geo_build
from geo_data import places, russian_names

PLACES = json.loads((Path(geo_build.LAYERS_DIR) / "places.geojson").read_text(encoding="utf-8"))
BY_ID = {f["properties"]["geonameid"]: f["properties"] for f in PLACES["features"]}


@pytest.fixture(autouse=True)
def fresh_policy_snapshot():
    """Override conftest's autouse fixture: these tests read no policy data."""
    yield


def names_of(geonameid: int) -> tuple[str, str]:
    p = BY_ID[geonameid]
    return places.local_names(p["name"], p["alternatenames"], p["country"])


# (geonameid, Ukrainian name, Russian name). The Russian name of a Ukrainian city differs
# from its Ukrainian name in Russian letters; GeoNames lists both without saying which is
# which, and the main name (the Ukrainian romanisation) is closer to the latter.
KNOWN = [
    (709930, "Дніпро", "Днепр"),  # not Днипро
    (698740, "Одеса", "Одесса"),  # not Одеса
    (702658, "Луганськ", "Луганск"),  # not Луханск (Serbian)
    (703845, "Кривий Ріг", "Кривой Рог"),  # not Крывы Рог (Belarusian)
    (704147, "Кременчук", "Кременчуг"),
    (699942, "Ніжин", "Нежин"),  # not Нижин
    (702760, "Лозова", "Лозовая"),  # not Лозова
    (692118, "Сватове", "Сватово"),  # not Сватове
    (713749, "Охтирка", "Ахтырка"),
    (703656, "Куп’янськ", "Купянск"),  # not Купьянск
    (692194, "Суми", "Сумы"),  # not Суми
    (712165, "Біла Церква", "Белая Церковь"),  # not Била Церква
    (699839, "Нова Каховка", "Новая Каховка"),
    (705135, "Конотоп", "Конотоп"),  # not Канатоп (Belarusian)
    (696643, "Полтава", "Полтава"),  # same in both; not Полтав, Палтава or Польтова
    (703448, "Київ", "Киев"),
    (706483, "Харків", "Харьков"),
    (689304, "Вовчанськ", "Волчанск"),
    (701822, "Маріуполь", "Мариуполь"),  # not Марыупаль (Belarusian)
]


@pytest.mark.parametrize(("geonameid", "uk", "ru"), KNOWN)
def test_local_names_of_ukrainian_places(geonameid, uk, ru):
    assert names_of(geonameid) == (uk, ru)
    stored = BY_ID[geonameid]
    assert (stored["name_uk"], stored["name_ru"]) == (uk, ru), "rebuild the layers: make data"


def test_russian_places_keep_the_general_rule():
    belgorod = next(p for p in BY_ID.values() if p["name"] == "Belgorod")
    uk, ru = names_of(belgorod["geonameid"])
    assert (uk, ru) == (belgorod["name_uk"], "Белгород")
    voronezh = next(p for p in BY_ID.values() if p["name"] == "Voronezh")
    assert names_of(voronezh["geonameid"])[1] == "Воронеж"


@pytest.mark.parametrize(
    "name",
    ["Криви Рог", "Крывы Рог", "Нова Каховка", "Жовти Води", "Марганець", "Лохвиця", "Селидове"]
    + ["Белгород Днестровски", "Коцюбински", "Лутугине"],
)
def test_spellings_russian_does_not_use(name):
    assert russian_names.not_russian(name)


@pytest.mark.parametrize(
    "name", ["Кривой Рог", "Новая Каховка", "Марганец", "Селидово", "Гуляй-Поле", "Сумы"]
)
def test_russian_spellings_pass(name):
    assert not russian_names.not_russian(name)


def test_belarusian_akanye_is_told_from_russian_vowels():
    letters = russian_names.letters
    pairs = russian_names.AKANYE
    assert russian_names.vowel_swaps(letters("Канатоп"), letters("Конотоп"), pairs)
    assert russian_names.vowel_swaps(letters("Марыупаль"), letters("Мариуполь"), pairs)
    assert not russian_names.vowel_swaps(letters("Мариуполь"), letters("Марыупаль"), pairs)
    # Славянск writes а for Слов'янськ's first о, as Russian does; only later vowels count.
    assert not russian_names.vowel_swaps(letters("Славянск"), letters("Слов'янськ"), pairs)


def test_inflected_and_cut_forms_are_forms():
    letters = russian_names.letters
    assert russian_names.form_of(letters("Полтаве"), letters("Полтава"))
    assert russian_names.form_of(letters("Лтава"), letters("Полтава"))
    assert russian_names.form_of(letters("Великий Токмак"), letters("Токмак"))
    assert not russian_names.form_of(letters("Угледар"), letters("Вугледар"))


def test_the_target_carries_ukrainian_endings_into_russian():
    carried = russian_names.carried_into_russian
    assert carried("Сватове") == "сватово"
    assert carried("Лозова") == "лозовая"
    assert carried("Рубіжне") == "рубижное"
    assert carried("Нова Каховка") == "новая каховка"
    assert carried("Луганськ") == "луганск"


def test_every_russian_name_of_a_ukrainian_place_is_spelt_as_russian():
    for p in BY_ID.values():
        if p["country"] == "UA" and p["name_ru"]:
            assert not russian_names.not_russian(p["name_ru"]), p
            assert p["name_ru"] in p["alternatenames"], p


def test_the_provenance_states_the_rule():
    prov_path = Path(geo_build.LAYERS_DIR) / "places.provenance.json"
    provenance = json.loads(prov_path.read_text(encoding="utf-8"))
    assert provenance["name_rule"] == places.NAME_RULE
    assert any("Дніпро — Днепр" in line for line in provenance["name_rule"])
