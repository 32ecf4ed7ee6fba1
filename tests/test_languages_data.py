"""Languages on the data side: the translations stored with the data, their checks and
loading, the catalogues of the engine's words, dates in words, the snapshot and timeline."""

import ast
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mapsite import languages
from mapsite.front import timeline
from mapsite.zones import engine, loader, snapshot, vocabulary
from mapsite.zones.models import Assumption, Policy, TargetCategory, WeaponSystem, Zone

ROOT = Path(__file__).resolve().parent.parent
POLICY_JSON = ROOT / "geo_data" / "policy" / "policy.json"
CATALOGUES = ROOT / "mapsite" / "zones" / "locale"
# The modules whose words the catalogues hold.
WORDED = ["mapsite/zones/engine.py", "mapsite/zones/rules.py", "mapsite/zones/vocabulary.py"]
WORDED += ["mapsite/front/timeline.py"]
TRANSLATED_MODELS = {
    "zones": Zone,
    "policies": Policy,
    "weapons": WeaponSystem,
    "targets": TargetCategory,
    "assumptions": Assumption,
}
# Latin-script words translated data may keep: weapons, outlets, people's offices' names.
KEPT = {"ATACMS", "GMLRS", "HIMARS", "Army", "Tactical", "Missile", "System", "POLITICO"}
KEPT |= {"PBS", "CNN", "Reuters", "The", "New", "York", "Times", "Wall", "Street", "Journal"}
KEPT |= {"Natural", "Earth"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def english_words(text: str) -> list[str]:
    return [word for word in LATIN_WORD.findall(text) if word not in KEPT]


# --- languages.chosen ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [("uk", "uk"), ("UK", "uk"), ("uk-UA", "uk"), ("ru_RU", "ru"), ("Ru", "ru"), ("en", "en")]
    + [("", "en"), (None, "en"), ("de", "en"), ("ukr", "en"), (" ru ", "ru"), ("-", "en")],
)
def test_a_requested_language_is_read_leniently(text, code):
    assert languages.chosen(text) == code


# --- Dates and the vocabulary in words -------------------------------------------------------

GENITIVE = {
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_month_is_in_the_genitive(lang):
    with translation.override(lang):
        days = [
            vocabulary.day_in_words(dt.date(2024, month, 30 if month != 2 else 1))
            for month in range(1, 13)
        ]
    assert [day.split()[1] for day in days] == GENITIVE[lang].split()
    assert days[4] == {"uk": "30 травня 2024", "ru": "30 мая 2024"}[lang]


def test_dates_and_periods_in_each_language():
    start, end = dt.date(2024, 5, 30), dt.date(2024, 6, 17)
    assert vocabulary.day_in_words(start) == "30 May 2024"
    assert vocabulary.period_in_words(start, end) == "30 May 2024 to 17 June 2024"
    expected = {
        "en": ("From 30 May 2024", "Before 17 June 2024", "Always"),
        "uk": ("З 30 травня 2024", "До 17 червня 2024", "Завжди"),
        "ru": ("С 30 мая 2024", "До 17 июня 2024", "Всегда"),
    }
    for lang, words in expected.items():
        with translation.override(lang):
            shown = (
                vocabulary.period_in_words(start, None),
                vocabulary.period_in_words(None, end),
                vocabulary.period_in_words(None, None),
            )
        assert shown == words
    with translation.override("ru"):
        assert vocabulary.period_in_words(start, end) == "С 30 мая 2024 до 17 июня 2024"


def test_the_page_vocabulary_is_worded_in_the_active_language():
    english = vocabulary.page_vocabulary()
    assert english["statuses"]["prohibited"]["label"] == "Prohibited"
    assert english["kinds"] == vocabulary.KIND_LABEL
    assert english["confidence"] == vocabulary.CONFIDENCE
    with translation.override("uk"):
        uk = vocabulary.page_vocabulary()
        assert vocabulary.status_label("permitted") == "Дозволено"
        assert vocabulary.kind_label("deep-strike") == "Глибоко в Росії"
        assert vocabulary.confidence_label("disputed") == "Повідомлено, потім спростовано"
    assert uk["statuses"]["prohibited"]["label"] == "Заборонено"
    assert uk["statuses"]["prohibited"]["legend_hint"] == "решта Росії"
    assert uk["statuses"]["not_covered"]["legend_hint"] == ""
    texts = [s["label"] for s in uk["statuses"].values()] + list(uk["kinds"].values())
    texts += [s["legend_hint"] for s in uk["statuses"].values()] + list(uk["confidence"].values())
    assert all(not english_words(text) for text in texts), texts
    # Colours and the rest are the same in every language.
    assert uk["colours"] == english["colours"] and uk["simplify"] == english["simplify"]


# --- The catalogues ----------------------------------------------------------------------------


def catalogue(lang: str) -> list[dict]:
    """The entries of a .po file, each a dict of msgctxt, msgid, msgstr and flags."""
    entries, entry, last = [], {}, None
    text = (CATALOGUES / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for line in [*text.splitlines(), ""]:
        if line.startswith("#,"):
            entry["flags"] = line[2:].replace(" ", "").split(",")
        for key in ("msgctxt", "msgid", "msgstr"):
            if line.startswith(key + " "):
                entry[key], last = json.loads(line[len(key) + 1 :]), key
        if line.startswith('"'):  # a string's next line
            entry[last] += json.loads(line)
        if not line.strip() and "msgstr" in entry:
            entries.append(entry)
            entry, last = {}, None
    return entries


def source_strings() -> set[tuple[str | None, str]]:
    """(context, msgid) of every literal the worded modules pass to gettext and friends."""
    found = set()
    for path in WORDED:
        for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if name in ("gettext", "gettext_lazy", "_") and len(args) == 1:
                found.add((None, args[0]))
            elif name in ("pgettext", "pgettext_lazy") and len(args) == 2:
                found.add((args[0], args[1]))
    return found


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_message_is_translated_in_the_catalogue(lang):
    entries = catalogue(lang)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and f"Language: {lang}" in header["msgstr"]
    assert "fuzzy" not in header.get("flags", [])
    assert len(messages) > 60
    for entry in messages:
        assert "fuzzy" not in entry.get("flags", []), entry
        assert entry["msgstr"].strip(), entry
        assert sorted(PLACEHOLDER.findall(entry["msgstr"])) == sorted(
            PLACEHOLDER.findall(entry["msgid"])
        ), entry
        assert not english_words(PLACEHOLDER.sub("", entry["msgstr"])), entry
    have = {(e.get("msgctxt"), e["msgid"]) for e in messages}
    assert source_strings() <= have, source_strings() - have


# --- Translations stored with the data ---------------------------------------------------------


def test_policy_json_translates_every_worded_field():
    data = json.loads(POLICY_JSON.read_text(encoding="utf-8"))
    for part, model in TRANSLATED_MODELS.items():
        for item in data[part]:
            translations = item["translations"]
            assert set(translations) == {"uk", "ru"}, item["slug"]
            for lang, texts in translations.items():
                wanted = {f for f in model.TRANSLATABLE if item.get(f)}
                assert set(texts) == wanted, (part, item["slug"], lang)
                for name, text in texts.items():
                    assert PLACEHOLDER.findall(text) == PLACEHOLDER.findall(item[name])
                    assert not english_words(PLACEHOLDER.sub("", text)), (item["slug"], text)


@pytest.mark.django_db
def test_the_loader_loads_the_translations():
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    assert zone.translated("name", "uk") == "Зона вогню у відповідь біля Харкова"
    assert zone.translated("name", "ru") == "Зона ответного огня у Харькова"
    assert zone.translated("name", "en") == zone.name == "Counter-fire area near Kharkiv"
    assert zone.translated("approval", "uk") == ""  # nothing to translate: English (empty)
    policy = Policy.objects.get(slug="atacms-kursk")
    assert policy.translated("title", "ru") == "ATACMS в России, в первую очередь в Курской области"
    assert (
        WeaponSystem.objects.get(slug="gmlrs").translated("name", "uk") == "Ракети GMLRS (HIMARS)"
    )
    target = TargetCategory.objects.get(slug="civilian-infrastructure")
    assert target.translated("name", "ru") == "Гражданская инфраструктура"
    assumption = Assumption.objects.get(slug="gmlrs-range")
    assert "84 км" in assumption.render(lang="uk")
    assert assumption.as_dict(lang="ru")["title"] == "Дальность ракет GMLRS, выпускаемых HIMARS"
    depth = Assumption.objects.get(slug="counter-fire-depth")
    assert "в межах 84 км від кордону" in depth.render(84, "uk")


@pytest.mark.django_db
def test_a_reload_fills_missing_translations_and_keeps_an_editors():
    weapon = WeaponSystem.objects.get(slug="atacms")
    target = TargetCategory.objects.get(slug="launchers")
    WeaponSystem.objects.filter(pk=weapon.pk).update(translations={})
    edited = {"uk": {"name": "Пускові установки (редактор)"}}
    TargetCategory.objects.filter(pk=target.pk).update(translations=edited)
    report = loader.load()
    weapon.refresh_from_db()
    target.refresh_from_db()
    assert weapon.translations["uk"]["description"].startswith("Army Tactical Missile System")
    assert target.translations == edited
    assert report.updated.get("translations") == 1
    assert loader.load().updated.get("translations") is None  # nothing left to fill


@pytest.mark.django_db
def test_the_loader_refuses_bad_translations(tmp_path):
    data_dir = tmp_path / "geo_data"
    shutil.copytree(ROOT / "geo_data", data_dir, ignore=shutil.ignore_patterns("__pycache__"))
    data = json.loads(POLICY_JSON.read_text(encoding="utf-8"))
    data["targets"][0]["translations"]["de"] = {"name": "Truppen"}
    (data_dir / "policy" / "policy.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(loader.LoadError, match="troops-massing.*unknown language 'de'"):
        loader.load(data_dir=data_dir)


BAD_TRANSLATIONS = [
    ({"de": {"name": "x"}}, "unknown language 'de'"),
    ({"en": {"name": "x"}}, "unknown language 'en'"),
    ({"uk": {"slug": "x"}}, "'slug' is not translated here"),
    ({"uk": {"name": 5}}, "translations.uk.name must be text"),
    ({"uk": ["name"]}, "translations.uk must be an object"),
    (["uk"], "translations must be an object"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), BAD_TRANSLATIONS)
def test_saving_bad_translations_is_refused(value, message):
    weapon = WeaponSystem.objects.get(slug="gmlrs")
    weapon.translations = value
    with pytest.raises(ValidationError, match=re.escape(message)):
        weapon.save()
    with pytest.raises(ValidationError) as refused:
        weapon.full_clean()
    assert "translations" in refused.value.message_dict
    weapon.refresh_from_db()
    assert weapon.translations["uk"]["name"] == "Ракети GMLRS (HIMARS)"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Zone, Policy, Assumption, TargetCategory])
def test_every_translated_model_checks_its_own_fields(model):
    row = model.objects.order_by("pk").first()
    field = model.TRANSLATABLE[0]
    row.translations = {"ru": {field: "проверка"}, "uk": {"version": "1"}}
    with pytest.raises(ValidationError, match="'version' is not translated here"):
        row.save()
    row.translations = {"ru": {field: "проверка"}}
    row.save()
    row.refresh_from_db()
    assert row.translated(field, "ru") == "проверка"
    assert row.translated(field, "uk") == getattr(row, field)


# --- The snapshot and the timeline in a language ---------------------------------------------


@pytest.mark.django_db
def test_the_snapshot_in_a_language_is_built_once_and_never_queries(
    settings, django_assert_num_queries
):
    settings.POLICY_CACHE_SECONDS = 600
    snap = snapshot.current()
    assert snap.in_language("en") is snap and snap.in_language("xx") is snap
    uk = snap.in_language("uk")
    assert uk is snap.in_language("uk") and uk.lang == "uk" and uk.version == snap.version
    assert uk.responses is not snap.responses
    names = {z.slug: z.name for z in uk.zones.values()}
    assert names["deep-strike-russia"] == "Росія за межами зони вогню у відповідь"
    assert uk.weapons["gmlrs"]["name"] == "Ракети GMLRS (HIMARS)"
    assert snap.weapons["gmlrs"]["name"] == "GMLRS rockets (HIMARS)"
    engine.verdict_json(engine.LonLat(36.6, 50.6), day=dt.date(2024, 6, 1), lang="uk")
    with django_assert_num_queries(0):
        body = engine.verdict_json(engine.LonLat(36.7, 50.62), day=dt.date(2024, 6, 2), lang="uk")
        engine.verdict_json(engine.LonLat(36.7, 50.62), day=dt.date(2024, 6, 2), lang="ru")
    assert (
        json.loads(body)["zone"]["name"]
        == "Зона вогню у відповідь уздовж Харківської та Сумської областей"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_timeline_in_a_language(lang):
    snap = snapshot.current()
    english = timeline.steps(snap)
    with translation.override(lang):
        steps = timeline.steps(snap.in_language(lang))
        knowledge = timeline.knowledge(snap, "2030-01-01")
    assert [s["slug"] for s in steps] == [s["slug"] for s in english]
    worded = ("title", "summary", "line", "when", "from_text", "date_text", "confidence_label")
    for step in steps:
        for key in (*worded, "not_applied", "prohibition", "ring", "position"):
            assert not english_words(step[key]), (key, step[key])
    first = {"uk": "Версія 1 з 7: До 30 травня 2024", "ru": "Версия 1 из 7: До 30 мая 2024"}
    assert steps[0]["position"] == first[lang]
    # Lines and oblasts by their names in the language (the reference layers carry them).
    segment = {
        "uk": "«Кордон Харківської області з Росією»",
        "ru": "«Граница Харьковской области с Россией»",
    }
    assert segment[lang] in steps[1]["prohibition"], steps[1]["prohibition"]
    oblasts = {"uk": "(Харківська і Сумська області)", "ru": "(Харьковская и Сумская области)"}
    assert oblasts[lang] in steps[2]["prohibition"], steps[2]["prohibition"]
    assert not english_words(knowledge["within"] + knowledge["beyond"])
    # English is as it was.
    assert english[0]["position"] == "Version 1 of 7: Before 30 May 2024"
    assert english[1]["prohibition"].startswith("Beyond 84 km of the Kharkiv Oblast border with")
    assert "84 km of the Kharkiv and Sumy oblasts’ border with Russia" in english[2]["prohibition"]
