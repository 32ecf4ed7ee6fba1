"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the API's answers."""

from mapsite.languages import LANGS
from mapsite.zones import vocabulary
from mapsite.zones.models import ReferenceFeature

KINDS = {"enum": [kind for kind, _ in vocabulary.ZONE_KINDS]}
ZONE_STATUSES = {"enum": [status.slug for status in vocabulary.ZONE_STATUSES]}
VERDICT_STATUSES = {"enum": [status.slug for status in vocabulary.VERDICT_ANSWERS]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def obj(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
RING = {"type": "array", "items": POSITION, "minItems": 4}
LINE = {"type": "array", "items": POSITION, "minItems": 2}


def geometry(kind: str, coordinates: dict) -> dict:
    return obj(["type", "coordinates"], type={"const": kind}, coordinates=coordinates)


def feature(properties: dict, geometry_schema: dict) -> dict:
    return obj(
        ["type", "id", "geometry", "properties"],
        type={"const": "Feature"},
        id={"type": "string"},
        geometry=geometry_schema,
        properties=properties,
    )


def collection(feature_name: str, exactly: int | None = None) -> dict:
    features = array(ref(feature_name))
    if exactly is not None:
        features.update(minItems=exactly, maxItems=exactly)
    return {
        **obj(["type", "features"], type={"const": "FeatureCollection"}, features=features),
        "not": {"required": ["crs"]},
    }


NAMED = obj(["slug", "name"], slug={"type": "string"}, name={"type": "string"})
LANG = {"enum": list(LANGS), "description": "The language of the answer's words."}
SCHEMAS = {
    "Error": obj(
        ["error", "field"],
        error={"type": "string", "description": "What is wrong, in a sentence."},
        field=nullable("string", description="The parameter at fault, if any."),
    ),
    "Ping": obj(["pong"], pong={"const": True}),
    "Source": obj(
        ["publisher", "quote", "date", "url"],
        publisher={"type": "string"},
        speaker={"type": "string"},
        quote={"type": "string"},
        date=nullable("string", format="date"),
        url=nullable("string"),
        kind={"type": "string"},
        note={"type": "string"},
        quote_lang={
            "type": "string",
            "description": "The quote's language, in answers in another language (lang=).",
        },
    ),
    "Assumption": obj(
        ["slug", "title", "statement", "value", "unit", "sources"],
        slug={"type": "string"},
        title={"type": "string"},
        statement={"type": "string"},
        value=nullable("number"),
        unit={"type": "string"},
        sources={**array(ref("Source")), "description": "What the assumption rests on."},
    ),
    "PolicyRef": obj(
        ["slug", "title", "effective_from"],
        slug={"type": "string"},
        title={"type": "string"},
        effective_from=nullable("string", format="date"),
        effective_to=nullable("string", format="date"),
        when={"type": "string", "description": "When it applied, in words."},
        confidence={"enum": list(vocabulary.CONFIDENCE)},
        government={"type": "string", "description": "Whose policy the version is."},
        known_as_of=nullable("string", format="date"),
    ),
    "ZoneSummary": obj(
        ["slug", "name", "kind"],
        slug={"type": "string"},
        name={"type": "string"},
        kind=KINDS,
        status=ZONE_STATUSES,
    ),
    "Verdict": obj(
        ["status", "label", "conditions", "zone", "areas", "policy", "known_as_of", "reasons"]
        + ["sources", "distance_to_border_km", "nearby"],
        status={
            **VERDICT_STATUSES,
            "description": "conditional: the answer depends on what the question leaves open "
            "(the weapon, the target) or on an approval nobody outside can see; see conditions.",
        },
        label={"type": "string", "description": "The answer in words, a condition included."},
        conditions=array(
            obj(
                ["code", "text", "area"],
                code={"enum": ["target-open", "weapon-open", "approval"]},
                text={"type": "string"},
                area={"type": "string", "description": "The area the condition belongs to."},
            )
        ),
        areas=array(ref("ZoneSummary")),
        known_as_of=nullable(
            "string", format="date", description="The date of the newest source in the data."
        ),
        zone={"oneOf": [ref("ZoneSummary"), {"type": "null"}]},
        policy={"oneOf": [ref("PolicyRef"), {"type": "null"}]},
        query={"type": "object"},
        reasons=array(
            obj(
                ["code", "text", "main"],
                code={"type": "string", "description": "What the reason is about."},
                text={"type": "string"},
                main={
                    "type": "boolean",
                    "description": "True for exactly one reason: the one that says why (the "
                    "answer's own reason, not the policy version's or where the point is).",
                },
            )
        ),
        sources=array(ref("Source")),
        assumptions=array(ref("Assumption")),
        distance_to_border_km=nullable("number", minimum=0),
        lang=LANG,
        nearby=array(
            {
                "allOf": [
                    ref("ZoneSummary"),
                    obj(["distance_km"], distance_km={"type": "number", "minimum": 0}),
                ]
            }
        ),
    ),
    "Polygon": geometry("Polygon", array(RING)),
    "MultiPolygon": geometry("MultiPolygon", array(array(RING))),
    "LineString": geometry("LineString", LINE),
    "MultiLineString": geometry("MultiLineString", array(LINE)),
    "ZoneProperties": obj(
        [
            "slug",
            "name",
            "kind",
            "status",
            "policy",
            "policy_title",
            "valid_from",
            "valid_to",
            "description",
            "permitted_weapons",
            "prohibited_weapons",
            "permitted_targets",
            "prohibited_targets",
            "sources",
            "assumptions",
            "area_km2",
            "updated_at",
        ],  # fmt: skip
        slug={"type": "string"},
        name={"type": "string"},
        kind=KINDS,
        status=ZONE_STATUSES,
        policy={"type": "string"},
        policy_title={"type": "string"},
        valid_from=nullable("string", format="date"),
        valid_to=nullable("string", format="date"),
        description={"type": "string"},
        permitted_weapons=array(NAMED),
        prohibited_weapons=array(NAMED),
        permitted_targets=array(NAMED),
        prohibited_targets=array(NAMED),
        sources=array(ref("Source")),
        assumptions=array(ref("Assumption")),
        area_km2=nullable("number"),
        updated_at={"type": "string", "format": "date-time"},
    ),
    "ZoneFeature": feature(ref("ZoneProperties"), {"oneOf": [ref("Polygon"), ref("MultiPolygon")]}),
    "ZoneCollection": collection("ZoneFeature"),
    "LayerFeature": feature(
        obj(
            ["slug", "name", "layer"],
            slug={"type": "string"},
            name={"type": "string"},
            layer={"enum": list(ReferenceFeature.Layer.values)},
        ),
        {"oneOf": [ref(k) for k in ("Polygon", "MultiPolygon", "LineString", "MultiLineString")]},
    ),
    "LayerCollection": collection("LayerFeature"),
    "ReachFeature": feature(
        obj(
            ["weapon", "name", "range_km", "range_assumption", "from"],
            weapon={"type": "string"},
            name={"type": "string"},
            range_km={"type": "number", "exclusiveMinimum": 0},
            range_assumption=ref("Assumption"),
            **{"from": {"enum": ["kharkiv-border-segment", "point"]}},
            lat=nullable("number"),
            lon=nullable("number"),
            area_km2={"type": "number"},
        ),
        ref("MultiPolygon"),
    ),
    "ReachCollection": collection("ReachFeature", exactly=1),
    "Policy": {
        "allOf": [
            ref("PolicyRef"),
            obj(
                ["summary", "changes", "in_force", "sources", "assumptions", "zones"],
                summary={"type": "string"},
                changes={"type": "string", "description": "What changed from the version before."},
                in_force={"type": "boolean", "description": "In force today (UTC)."},
                sources=array(ref("Source")),
                assumptions=array(ref("Assumption")),
                zones=array(ref("ZoneSummary")),
            ),
        ]
    },
    "Policies": obj(
        ["known_as_of", "policies", "weapons"],
        known_as_of=nullable("string", format="date"),
        policies=array(ref("Policy")),
        lang=LANG,
        weapons=array(
            obj(
                ["slug", "name", "supplier", "category", "range_km"],
                slug={"type": "string"},
                name={"type": "string"},
                supplier={"type": "string", "description": "The government that supplied it."},
                category={"type": "string"},
                range_km={"type": "number", "description": "Reach used by the map."},
            )
        ),
    ),
    "Places": obj(
        ["results"],
        results=array(
            obj(
                [
                    "name",
                    "name_uk",
                    "name_ru",
                    "matched",
                    "country",
                    "oblast",
                    "population",
                    "lat",
                    "lon",
                ],
                name={
                    "type": "string",
                    "description": "GeoNames' main (English) name; with lang=, the name in"
                    " that language where known.",
                },
                name_en={"type": "string", "description": "The English name (with lang=)."},
                name_uk={"type": "string", "description": "Ukrainian name; empty if unknown."},
                name_ru={"type": "string", "description": "Russian name; empty if unknown."},
                matched=nullable(
                    "string", description="The name that matched, when not the main name."
                ),
                country={"type": "string", "minLength": 2, "maxLength": 2},
                oblast=nullable(
                    "string",
                    description="The oblast or region the place lies in (the oblast layer"
                    " where it covers the place, else GeoNames' region), or null.",
                ),
                population={"type": "integer", "minimum": 0},
                lat={"type": "number", "minimum": -90, "maximum": 90},
                lon={"type": "number", "minimum": -180, "maximum": 180},
            )
        ),
    ),
    "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
}
# Answers to a request naming a language (lang=) say which, as their last member.
for _answer in ("Places", "ZoneCollection", "LayerCollection"):
    SCHEMAS[_answer]["properties"]["lang"] = LANG
