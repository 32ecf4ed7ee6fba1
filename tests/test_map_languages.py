"""The map page in English, Ukrainian and Russian: chosen by ?lang= (kept in the permalink),
else by Accept-Language, else English; the switch, hreflang, translated interface and place
names, quotes marked in their own language, and caches that keep the languages apart."""

import json
import re
from pathlib import Path

import pytest

from bench.servers import serve
from mapsite.zones import snapshot
from tests.map_fixtures import (  # noqa: F401
    BELGOROD,
    KHARKIV,
    click_at,
    local_tiles_fixture,
    open_map,
    screenshot,
    verdict,
)
from tests.test_front_proxy import fetch

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def _config(html: str) -> dict:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _page(client, url="/?date=2024-05-30", **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def _html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


# --- the server's page (Django's test client) -------------------------------------------


@pytest.mark.django_db
def test_accept_language_gives_a_ukrainian_page(client):
    response = _page(client, HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert _html_lang(html) == "uk"
    assert response["Content-Language"] == "uk"
    assert "Accept-Language" in response["Vary"]
    assert '<h2 id="ask-heading">Запитати про місце</h2>' in html
    assert '<h2 id="verdict-heading">Висновок</h2>' in html
    assert "<summary>Легенда</summary>" in html
    assert "Кордон Харківської області з Росією" in html  # a legend line
    assert "Ask about a place" not in html and "Legend" not in html
    config = _config(html)
    assert config["lang"] == "uk"
    assert config["text"]["why"] == "Чому"
    assert config["text"]["numberGroup"] == "\u00a0" and config["text"]["numberDecimal"] == ","
    # The page's API calls ask in Ukrainian too, the preloaded first zones included.
    assert config["firstZones"]["url"].endswith("&lang=uk")
    assert "lang=uk" in response["Link"]
    assert all(url.endswith("lang=uk") for url in config["firstLayers"].values())


@pytest.mark.django_db
def test_lang_in_the_link_overrides_the_browser_and_unknown_falls_back_to_english(client):
    html = _page(client, "/?date=2024-05-30&lang=ru", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert _html_lang(html) == "ru"
    assert '<h2 id="verdict-heading">Вывод</h2>' in html
    for asked in ("xx", "", "uk'><script>", "e"):
        response = _page(client, f"/?date=2024-05-30&lang={asked}")
        html = response.content.decode()
        assert _html_lang(html) == "en", asked
        assert '<h2 id="verdict-heading">Verdict</h2>' in html
        assert 'id="link-note"' not in html, "an unknown language is no error"
    # "uk-UA" and "UK" are Ukrainian; no Accept-Language at all is English.
    assert _html_lang(_page(client, "/?lang=UK-ua").content.decode()) == "uk"
    assert _html_lang(_page(client, "/").content.decode()) == "en"
    assert (
        _html_lang(_page(client, "/", HTTP_ACCEPT_LANGUAGE="de, fr;q=0.5").content.decode()) == "en"
    )
    assert (
        _html_lang(_page(client, "/", HTTP_ACCEPT_LANGUAGE="de, ru;q=0.5").content.decode()) == "ru"
    )


@pytest.mark.django_db
def test_hreflang_alternates_and_the_switch_link_the_same_view(client):
    url = "/?date=2024-06-20&at=50.6,36.58&weapon=gmlrs&bogus=1"
    html = _page(client, url + "&lang=uk").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    view = "date=2024-06-20&amp;at=50.6,36.58&amp;weapon=gmlrs"
    assert alternates == {
        "en": f"http://testserver/?{view}&amp;lang=en",
        "uk": f"http://testserver/?{view}&amp;lang=uk",
        "ru": f"http://testserver/?{view}&amp;lang=ru",
        "x-default": f"http://testserver/?{view}",
    }
    switch = re.search(r'<nav class="lang-switch" aria-label="Мова">(.*?)</nav>', html, re.S).group(
        1
    )
    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", switch)
    assert [name for _, name in links] == ["English", "Українська", "Русский"]
    for (attrs, _), code in zip(links, ["en", "uk", "ru"], strict=True):
        assert f'href="/?{view}&amp;lang={code}"' in attrs
        assert f'hreflang="{code}"' in attrs and f'lang="{code}"' in attrs
        assert ('aria-current="true"' in attrs) == (code == "uk")


@pytest.mark.django_db
def test_quotes_stay_in_english_and_are_marked_so(client):
    uk = _page(client, "/?lang=uk").content.decode()
    quotes = re.findall(r"<blockquote([^>]*)>", uk)
    assert quotes and all(attrs == ' lang="en"' for attrs in quotes)
    assert uk.count('<p class="quote-lang">(англійською)</p>') == len(quotes)
    assert "(на английском)" in _page(client, "/?lang=ru").content.decode()
    en = _page(client, "/?lang=en").content.decode()
    assert re.findall(r"<blockquote([^>]*)>", en) == quotes
    assert 'class="quote-lang"' not in en, "no mark where the page is in the quote's language"


# Words a Ukrainian or Russian page may show in Latin letters: names of systems and formats,
# and the switch's own "English".
LATIN_KEPT = {"ATACMS", "GMLRS", "HIMARS", "GeoJSON", "GeoPackage", "KML", "FlatGeobuf", "English"}


def _own_words(html: str) -> list[str]:
    """The page's text, less what stays English on purpose: scripts and styles, quotes and
    notes (marked lang="en"), and who said them."""
    for pattern in (
        r"<script.*?</script>", r"<style.*?</style>", r"<blockquote.*?</blockquote>",
        r'<span lang="en">.*?</span></span>', r'<p class="attribution">.*?</p>',
    ):  # fmt: skip
        html = re.sub(pattern, " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", html)
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_page_and_its_data_are_worded_in_the_language(client, lang):
    """The header's version, the legend, the zone table, the changes and the assumptions:
    each from the data's or the vocabulary's translation, no English left."""
    html = _page(client, f"/?date=2024-05-30&lang={lang}").content.decode()
    english = [
        line
        for line in _own_words(html)
        if re.search(r"[A-Za-z]{4,}", line)
        and not re.search(r"[А-Яа-яІіЇїЄєҐґЁё]", line)
        and not set(re.findall(r"[A-Za-z]{4,}", line)) <= LATIN_KEPT
    ]
    assert english == [], english[:10]
    config = _config(html)
    assert all(re.search(r"[А-Яа-я]", change["name"]) for change in config["changes"])
    english_labels = {"Permitted", "Conditional", "Prohibited"}
    assert not english_labels & {change["to_label"] for change in config["changes"]}


@pytest.mark.django_db
def test_city_labels_use_geonames_cyrillic_names(client):
    names = {
        lang: [
            p["name"] for p in _config(_page(client, f"/?lang={lang}").content.decode())["places"]
        ]
        for lang in ("en", "uk", "ru")
    }
    assert "Kharkiv" in names["en"] and "Харків" in names["uk"] and "Харьков" in names["ru"]
    assert "Kyiv" in names["en"] and "Київ" in names["uk"] and "Киев" in names["ru"]
    assert "Kursk" in names["en"] and "Курськ" in names["uk"] and "Курск" in names["ru"]
    cyrillic = re.compile(r"[\u0400-\u04ff]")
    assert sum(bool(cyrillic.search(n)) for n in names["uk"]) > len(names["uk"]) * 0.9


@pytest.mark.django_db
def test_the_page_cache_keeps_languages_apart(client):
    pages = [
        _page(client, "/?date=2024-05-30", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        for accept in ("uk", "en", "ru", "uk")
    ]
    assert [_html_lang(p) for p in pages] == ["uk", "en", "ru", "uk"]
    assert len(snapshot.current().responses["map-pages"]) == 3


def test_every_page_string_is_translated():
    for lang in ("uk", "ru"):
        text = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text()
        assert "#, fuzzy" not in text, lang
        entries = re.findall(r'\nmsgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text)
        assert len(entries) > 140, lang
        for msgid, msgstr in entries:
            source = "".join(re.findall(r'"(.*)"', msgid))
            target = "".join(re.findall(r'"(.*)"', msgstr))
            if not source:
                continue
            assert target.strip() or source.strip() in (",",), (lang, source)
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), (
                lang,
                source,
            )
            if re.search(r"[a-z]{4}", PLACEHOLDER.sub("", source)) and source not in (
                "OpenStreetMap tiles",
            ):
                assert re.search(r"[\u0400-\u04ff]", target), (lang, source, target)


# --- the page in chromium ----------------------------------------------------------------


@pytest.mark.browser
def test_a_ukrainian_reader_gets_the_verdict_in_ukrainian(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    page.set_extra_http_headers({"Accept-Language": "uk-UA,uk;q=0.9"})
    api = []
    page.on("request", lambda r: "/api/" in r.url and api.append(r.url))
    open_map(page, loaded_live_server.url)
    assert page.get_attribute("html", "lang") == "uk"
    page.wait_for_function("() => document.querySelectorAll('.place-label').length > 5")
    labels = page.eval_on_selector_all(".place-label", "ls => ls.map(l => l.textContent)")
    assert "Харків" in labels and "Kharkiv" not in labels
    click_at(page, *BELGOROD)
    verdict(page, date="2024-05-30")
    body = page.inner_text("#verdict-body")
    assert "Зона" in body and "Запит" in body and "До кордону" in body
    assert "пн. ш." in body and "сх. д." in body and "км від українсько-російського кордону" in body
    assert "Why" not in body and "Asked for" not in body
    assert page.locator("#verdict-body h3", has_text="Чому").count() == 1
    # Quotes in the panel stay English, marked so in Ukrainian.
    quotes = page.eval_on_selector_all("#verdict-body blockquote", "qs => qs.map(q => q.lang)")
    assert quotes and set(quotes) == {"en"}
    assert page.locator("#verdict-body .quote-lang", has_text="(англійською)").count() == len(
        quotes
    )
    # Every API call the page made asked in Ukrainian.
    assert api and all("lang=uk" in url for url in api if "/api/reach" not in url), api
    # The address bar keeps the language (not English), with the point.
    page.wait_for_function(
        "() => location.search.includes('lang=uk') && location.search.includes('at=')"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "page-uk")
    assert page.watch.console_errors == []


@pytest.mark.browser
def test_a_russian_page_words_the_panel_and_numbers_in_russian(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?lang=ru&date=2024-05-30&at=50.6,36.58")
    assert page.get_attribute("html", "lang") == "ru"
    verdict(page, date="2024-05-30")
    body = page.inner_text("#verdict-body")
    assert "Запрос" in body and "с. ш." in body and "в. д." in body
    assert re.search(r"\d км от украинско-российской границы", body), body
    assert "50,6000° с. ш., 36,5800° в. д." in body  # the decimal comma
    assert page.inner_text("#verdict-heading") == "Вывод"
    assert page.locator(".lang-switch a[aria-current]").inner_text() == "Русский"
    # English is a click away, for the same view.
    page.click(".lang-switch a[lang=en]")
    page.wait_for_selector("html[lang=en]")
    verdict(page, date="2024-05-30")
    assert "Asked for" in page.inner_text("#verdict-body")
    assert "at=50.6,36.58" in page.url and "lang=en" in page.url
    assert page.watch.console_errors == []


@pytest.mark.browser
def test_the_switch_follows_the_view_and_keeps_it(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url, "?date=2024-06-20")
    assert page.get_attribute("html", "lang") == "en"
    click_at(page, *KHARKIV)
    verdict(page, date="2024-06-20")
    page.wait_for_function(
        "() => document.querySelector('.lang-switch a[lang=uk]').href.includes('at=')"
    )
    href = page.get_attribute(".lang-switch a[lang=uk]", "href")
    assert "date=2024-06-20" in href and href.endswith("lang=uk")
    # An English page without ?lang= keeps none in its address bar.
    assert "lang=" not in page.evaluate("() => location.search")
    box = page.locator(".lang-switch a[lang=uk]").bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24, box
    page.click(".lang-switch a[lang=uk]")
    page.wait_for_selector("html[lang=uk]")
    verdict(page, date="2024-06-20")
    search = page.evaluate("() => location.search")
    assert "date=2024-06-20" in search and "at=" in search
    assert page.inner_text("#verdict-heading") == "Висновок"
    # The panel's point survived the switch, and the Ukrainian address bar keeps lang=uk.
    page.wait_for_function("() => location.search.includes('lang=uk')")
    assert page.watch.console_errors == []


# --- through the real front (nginx's micro-cache before gunicorn) ------------------------


def test_the_front_keeps_each_language_apart(transactional_db):
    """The same URL for readers of different languages: nginx keeps a copy of each (the page
    says Vary: Accept-Language), and never hands one language's copy to another reader."""
    from django.db import connection

    from mapsite.zones import loader

    loader.load()  # the test database, served by gunicorn behind nginx
    with serve(workers=1, env={"MAPSITE_DB_NAME": connection.settings_dict["NAME"]}) as base:
        url = base + "/?date=2024-05-30"
        seen = []
        for accept in ("uk", "uk", "en", "en", "ru", "ru", "uk"):
            status, headers, body = fetch(url, **{"Accept-Language": accept})
            assert status == 200
            assert "Accept-Language" in ", ".join(headers.get_all("Vary")), headers
            seen.append((accept, _html_lang(body.decode()), headers["X-Proxy-Cache"]))
        assert [lang for _, lang, _ in seen] == [accept for accept, _, _ in seen], seen
        # Each language's second asking came from the front's copy (s-maxage=1: just after).
        assert [cache for _, _, cache in seen[:6]] == ["MISS", "HIT"] * 3, seen
