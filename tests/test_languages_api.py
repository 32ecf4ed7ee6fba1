"""The API in Ukrainian and Russian (`lang=`): verdicts, zones, layers, policies, places.

English stays the default and its answers stay as they were; an unknown language is
English, never an error; cached answers never mix languages.
"""

import json
import re

import pytest

from mapsite.zones import engine, snapshot
from tests.api_support import BELGOROD, KHARKIV, KURSK, KYIV, MINSK, VORONEZH, get, verdict_url

pytestmark = pytest.mark.django_db

# Latin-script words a Ukrainian or Russian answer may keep: weapon names, and the proper
# names of the outlets and the data source the assumptions cite.
KEPT = {"ATACMS", "GMLRS", "HIMARS"}
KEPT |= {"POLITICO", "PBS", "CNN", "Reuters", "The", "New", "York", "Times", "Wall", "Street"}
KEPT |= {"Journal", "Natural", "Earth"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")

# A point in each kind of area, on a day, with a question: (point, date, extra parameters).
CASES = {
    "ukraine": (KYIV, "2024-06-10", {}),
    "ukraine-target": (KHARKIV, "2024-05-30", {"target": "troops-massing"}),
    "counter-fire": (BELGOROD, "2024-05-30", {}),
    "counter-fire-weapon": (BELGOROD, "2024-05-30", {"weapon": "gmlrs", "target": "launchers"}),
    "counter-fire-atacms": (BELGOROD, "2024-05-30", {"weapon": "atacms"}),
    "counter-fire-other-target": (BELGOROD, "2024-05-30", {"target": "other-military"}),
    "civilian": (BELGOROD, "2024-06-20", {"target": "civilian-infrastructure"}),
    "deep-strike": (VORONEZH, "2024-05-30", {}),
    "before-permission": (BELGOROD, "2024-05-01", {}),
    "kursk-atacms": (KURSK, "2024-12-10", {"weapon": "atacms"}),
    "kursk-approval": (KURSK, "2025-07-01", {}),
    "disputed-and-after-the-record": (KURSK, "2026-01-01", {"weapon": "gmlrs"}),
    "outside": (MINSK, "2024-05-30", {}),
}


def answer(client, url: str):
    response = get(client, url)
    assert response.status_code == 200, response.content
    return response


def verdict(client, case: str, lang: str | None) -> dict:
    (lat, lon), day, extra = CASES[case]
    if lang is not None:
        extra = {**extra, "lang": lang}
    return answer(client, verdict_url(lat, lon, date=day, **extra)).json()


def english_words(text: str) -> list[str]:
    return [word for word in LATIN_WORD.findall(text) if word not in KEPT]


def worded(body: dict) -> list[str]:
    """Every text of a verdict that is in the answer's language (quotes are not)."""
    texts = [body["label"], *(r["text"] for r in body["reasons"])]
    texts += [c["text"] for c in body["conditions"]]
    texts += [a["name"] for a in body["areas"] + body["nearby"]]
    if body["policy"]:
        texts += [body["policy"]["title"], body["policy"]["when"]]
    texts += [a["title"] for a in body["assumptions"]]
    texts += [a["statement"] for a in body["assumptions"]]
    return texts


@pytest.mark.parametrize("lang", ["uk", "ru"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_verdict_in_ukrainian_or_russian_has_no_english_words(client, case, lang):
    body = verdict(client, case, lang)
    english = verdict(client, case, None)
    assert body["lang"] == lang
    assert body["status"] == english["status"]
    assert [r["code"] for r in body["reasons"]] == [r["code"] for r in english["reasons"]]
    assert [r["main"] for r in body["reasons"]] == [r["main"] for r in english["reasons"]]
    for text in worded(body):
        assert text and not english_words(text), (case, lang, text)
    assert body["label"] != english["label"]
    # Quotes stay as they were said, and say in which language.
    assert [s["quote"] for s in body["sources"]] == [s["quote"] for s in english["sources"]]
    assert all(s["quote_lang"] == "en" for s in body["sources"])
    assert "quote_lang" not in json.dumps(english)


def test_the_words_are_the_catalogues(client):
    uk = verdict(client, "counter-fire-atacms", "uk")
    ru = verdict(client, "counter-fire-atacms", "ru")
    assert uk["label"] == "Заборонено" and ru["label"] == "Запрещено"
    uk_reasons = {r["code"]: r["text"] for r in uk["reasons"]}
    assert uk_reasons["weapon-prohibited"] == "Тут заборонено застосовувати: ATACMS."
    assert uk_reasons["policy"] == (
        "Політика, чинна на 2024-05-30: Дозвіл на вогонь у відповідь біля Харкова."
    )
    assert uk["areas"][0]["name"] == "Зона вогню у відповідь біля Харкова"
    ru_reasons = {r["code"]: r["text"] for r in ru["reasons"]}
    assert ru_reasons["weapon-prohibited"] == "Здесь запрещено применять: ATACMS."
    conditional = verdict(client, "kursk-approval", "ru")
    assert conditional["label"].startswith("Только военные цели, требуется: разрешение Пентагона")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("uk", ["З 30 травня 2024 до 31 травня 2024", "Після 23 жовтня 2025 тут нічого"]),
        ("ru", ["С 30 мая 2024 до 31 мая 2024", "После 23 октября 2025 здесь ничего"]),
    ],
)
def test_dates_are_in_words_with_the_month_in_the_genitive(client, lang, words):
    first = verdict(client, "counter-fire", lang)
    assert first["policy"]["when"] == words[0]
    later = verdict(client, "disputed-and-after-the-record", lang)
    notes = [r["text"] for r in later["reasons"] if r["code"] == "knowledge-ends"]
    assert notes and notes[0].startswith(words[1]), notes
    disputed = [r["text"] for r in later["reasons"] if r["code"] == "disputed"]
    assert disputed and not english_words(disputed[0])


@pytest.mark.parametrize("value", ["xx", "EN", "de-DE", "klingon" * 20, "%00", "uk_ZZ_x"])
def test_an_unknown_language_is_english_and_never_an_error(client, value):
    lat, lon = KHARKIV
    plain = answer(client, verdict_url(lat, lon, date="2024-05-30"))
    response = answer(client, verdict_url(lat, lon, date="2024-05-30", lang=value))
    expected = "uk" if value.lower().startswith("uk") else "en"
    assert response.json()["lang"] == expected
    assert response["Content-Language"] == expected
    if expected == "en":
        assert response.content == plain.content[:-1] + b',"lang":"en"}'


def test_an_empty_or_repeated_language_is_no_error(client):
    lat, lon = KHARKIV
    plain = answer(client, verdict_url(lat, lon, date="2024-05-30"))
    empty = answer(client, verdict_url(lat, lon, date="2024-05-30", lang=""))
    assert empty.content == plain.content
    twice = answer(client, verdict_url(lat, lon, date="2024-05-30") + "&lang=ru&lang=uk")
    assert twice.json()["lang"] == "ru"


def test_english_answers_are_as_they_were(client):
    """No `lang`: today's bytes (no "lang", no "quote_lang"), said to be English."""
    lat, lon = BELGOROD
    response = answer(client, verdict_url(lat, lon, date="2024-05-30", weapon="gmlrs"))
    body = response.json()
    assert "lang" not in body and response["Content-Language"] == "en"
    assert body["label"] == "Counter-fire only"
    texts = [r["text"] for r in body["reasons"]]
    assert "Policy in force on 2024-05-30: Counter-fire permission near Kharkiv." in texts
    assert body["policy"]["when"] == "30 May 2024 to 31 May 2024"
    # Even when the browser prefers Ukrainian, the API answers in the language asked for.
    preferred = get(
        client, verdict_url(lat, lon, date="2024-05-30", weapon="gmlrs"), Accept_Language="uk"
    )
    assert preferred.content == response.content
    assert preferred["Content-Language"] == "en"


@pytest.mark.parametrize(
    "url", ["/api/policies", "/api/zones.geojson?date=2024-06-20&simplify=5000"]
)
def test_the_browsers_language_never_words_an_english_answer(client, url):
    """LocaleMiddleware activates the browser's language; the API answers in English
    unless asked (lang=), whichever comes first to the cache."""
    preferred = get(client, url, Accept_Language="ru")
    plain = get(client, url)
    assert preferred.status_code == plain.status_code == 200
    assert preferred.content == plain.content
    assert "Russia" in plain.content.decode() and "Россия" not in plain.content.decode()


def test_the_caches_keep_languages_apart(client):
    """Ask in Ukrainian, then English, then Ukrainian again, for the same point."""
    lat, lon = 50.55, 36.71  # a point no other test asks about
    url = verdict_url(lat, lon, date="2024-06-01")
    first = answer(client, url + "&lang=uk")
    english = answer(client, url)
    again = answer(client, url + "&lang=uk")
    assert first["X-Cache"] == "miss" and english["X-Cache"] == "miss"
    assert again["X-Cache"] == "hit" and again.content == first.content
    assert english.json()["label"] != first.json()["label"]
    assert not english_words(" ".join(r["text"] for r in first.json()["reasons"]))
    assert "lang" not in english.json()
    assert first["ETag"] != english["ETag"]
    # The engine's shared heads too: another point in the same areas, each language its own.
    point = engine.LonLat(lon + 0.01, lat)
    day = snapshot.current().known_as_of
    uk = engine.verdict_at(point, day=day, lang="uk")
    en = engine.verdict_at(point, day=day, lang="en")
    assert json.loads(engine.verdict_json(point, day=day, lang="uk")) == uk
    assert json.loads(engine.verdict_json(point, day=day, lang="en")) == en
    assert json.loads(engine.verdict_json(point, day=day, lang="uk")) == uk
    assert uk["label"] != en["label"]


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_zones_carry_names_and_status_labels_in_the_language(client, lang):
    english = answer(client, "/api/zones.geojson?date=2024-06-20&simplify=5000").json()
    response = answer(client, f"/api/zones.geojson?date=2024-06-20&simplify=5000&lang={lang}")
    assert response["Content-Language"] == lang
    body = response.json()
    assert body["lang"] == lang and "lang" not in english
    assert len(body["features"]) == len(english["features"])
    labels = {"uk": "Заборонено", "ru": "Запрещено"}[lang]
    for feature, original in zip(body["features"], english["features"], strict=True):
        props, was = feature["properties"], original["properties"]
        assert feature["geometry"] == original["geometry"]
        for key in ("name", "description", "policy_title", "kind_label", "status_label"):
            assert props[key] and not english_words(props[key]), (key, props[key])
        if props["status"] == "prohibited":
            assert props["status_label"] == labels
        names = [w["name"] for w in props["permitted_weapons"] + props["prohibited_weapons"]]
        assert not any(english_words(name) for name in names)
        assert [s["quote"] for s in props["sources"]] == [s["quote"] for s in was["sources"]]
        assert all(s["quote_lang"] == "en" for s in props["sources"])
        assert all(not english_words(a["title"]) for a in props["assumptions"])


@pytest.mark.parametrize(
    ("lang", "kharkiv"), [("uk", "Харківська область"), ("ru", "Харьковская область")]
)
def test_the_oblast_layer_names_oblasts_in_the_language(client, lang, kharkiv):
    response = answer(client, f"/api/layers/oblasts.geojson?simplify=1000&lang={lang}")
    assert response["Content-Language"] == lang
    body = response.json()
    assert body["lang"] == lang
    by_slug = {f["properties"]["slug"]: f["properties"] for f in body["features"]}
    assert by_slug["ua-kharkiv"]["name"] == kharkiv
    assert by_slug["ua-kharkiv"]["name_en"] == "Kharkiv Oblast"
    assert all(not english_words(p["name"]) for p in by_slug.values())
    english = answer(client, "/api/layers/oblasts.geojson?simplify=1000").json()
    assert {f["properties"]["name"] for f in english["features"]} >= {"Kharkiv Oblast"}
    border = answer(client, f"/api/layers/border.geojson?lang={lang}").json()
    assert not english_words(border["features"][0]["properties"]["name"])


def test_policies_in_russian(client):
    response = answer(client, "/api/policies?lang=ru")
    assert response["Content-Language"] == "ru"
    body = response.json()
    english = answer(client, "/api/policies").json()
    assert body["lang"] == "ru" and "lang" not in english
    for policy, was in zip(body["policies"], english["policies"], strict=True):
        assert policy["slug"] == was["slug"] and policy["in_force"] == was["in_force"]
        for key in ("title", "summary", "changes", "when"):
            assert not english_words(policy[key]), (key, policy[key])
        assert all(not english_words(z["name"]) for z in policy["zones"])
    assert body["policies"][1]["when"] == "С 30 мая 2024 до 31 мая 2024"
    assert any(w["name"] == "Ракеты GMLRS (HIMARS)" for w in body["weapons"])


def test_places_answer_in_the_language_keeping_the_english_name(client):
    body = answer(client, "/api/places?q=Kharkiv&limit=3&lang=uk").json()
    assert body["lang"] == "uk"
    first = body["results"][0]
    assert first["name_en"] == "Kharkiv" and first["name"] == first["name_uk"] == "Харків"
    english = answer(client, "/api/places?q=Kharkiv&limit=3").json()
    assert english["results"][0]["name"] == "Kharkiv" and "lang" not in english


def test_the_openapi_document_declares_lang_with_its_values(client):
    document = answer(client, "/api/openapi.json").json()
    for path in (
        "/api/verdict",
        "/api/zones.geojson",
        "/api/layers/{name}.geojson",
        "/api/policies",
        "/api/places",
    ):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        described = parameters["lang"]
        assert described["required"] is False
        for code in ("en", "uk", "ru"):
            assert f"{code} (" in described["description"]
