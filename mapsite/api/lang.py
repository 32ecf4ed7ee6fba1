"""The API's answers in a language (`lang=`): the words of an English body put in another.

A request without `lang` gets the English answer as it always was (same bytes, same cache
entry). A request that names a language (any value: unknown ones fall back to English)
gets an answer that says which (`"lang": "uk"` as the last member), with the data's names
in that language and, in Ukrainian and Russian, each quote marked with its own language
(`quote_lang`): quotes are never translated. The translated bodies are built once per
data version from the English ones (cache misses only) and cached apart from them.
"""

import json

from django.http import HttpResponse
from django.utils import translation

from mapsite.languages import DEFAULT, QUOTE_LANG
from mapsite.zones import vocabulary
from mapsite.zones.engine import dumps


def tagged(content: bytes, asked: str | None) -> bytes:
    """A JSON object's bytes with `"lang"` as its last member when a language was asked."""
    if asked is None:
        return content
    return content[: content.rindex(b"}")] + b',"lang":' + dumps(asked) + b"}"


def content_language(response: HttpResponse, lang: str | None) -> HttpResponse:
    """Say the answer's language (the page's Accept-Language never decides it here)."""
    response["Content-Language"] = lang or DEFAULT
    return response


def _named(items: list[dict], table: dict) -> list[dict]:
    return [
        {**item, "name": table.get(item["slug"], {}).get("name", item["name"])} for item in items
    ]


def _quoted(sources: list[dict]) -> list[dict]:
    return [{**source, "quote_lang": QUOTE_LANG} for source in sources]


def zones_in(content: bytes, snap, asked: str) -> bytes:
    """A zones FeatureCollection (or one Feature) with its words in `snap`'s language."""
    data = json.loads(content)
    by_slug = {zone.slug: zone for zone in snap.zones.values()}
    titles = {policy.slug: policy.title for policy in snap.policies}
    translated = snap.lang != DEFAULT
    features = data["features"] if data.get("type") == "FeatureCollection" else [data]
    with translation.override(snap.lang):
        for feature in features:
            props = feature["properties"]
            props["status_label"] = vocabulary.status_label(props["status"])
            props["kind_label"] = vocabulary.kind_label(props["kind"])
            zone = by_slug.get(props["slug"])
            if not translated or zone is None:
                continue
            props.update(name=zone.name, description=zone.description)
            props["policy_title"] = titles.get(props.get("policy"), props.get("policy_title"))
            for key in ("permitted_weapons", "prohibited_weapons"):
                props[key] = _named(props[key], snap.weapons)
            for key in ("permitted_targets", "prohibited_targets"):
                props[key] = _named(props[key], snap.targets)
            props["sources"] = _quoted(props["sources"])
            own = {item["slug"]: item for item in zone.assumptions}
            props["assumptions"] = [
                {
                    **item,
                    "title": own.get(item["slug"], item)["title"],
                    "statement": own.get(item["slug"], item)["statement"],
                    "sources": _quoted(item.get("sources", [])),
                }
                for item in props["assumptions"]
            ]
    return tagged(dumps(data), asked)


def layer_in(content: bytes, lang: str, asked: str) -> bytes:
    """A reference layer with each feature's `name` in `lang` where the layer carries it
    (`name_uk`, `name_ru`), and its English name as `name_en`."""
    data = json.loads(content)
    for feature in data["features"]:
        props = feature["properties"]
        props["name_en"] = props["name"]
        if lang != DEFAULT:
            props["name"] = props.get(f"name_{lang}") or props["name"]
    return tagged(dumps(data), asked)
