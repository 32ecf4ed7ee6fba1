"""Load the bundled geography and policy data into PostGIS.

A plain module behind `manage.py load_geo_data`. Everything happens in one
transaction; a re-run writes nothing that is already there, and a zone an editor
changed is left alone unless `reset` is given.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import MultiPolygon
from django.db import transaction

from mapsite.zones import editing
from mapsite.zones.bundled_files import (
    DATA_DIR,
    LATER_REPORTS_DIR,
    REPORT_COPIES_DIR,
    LoadError,
    check_quotes,
    check_versions,
    day,
    features,
    read_json,
)
from mapsite.zones.models import (
    Assumption,
    Place,
    Policy,
    ReferenceFeature,
    Source,
    TargetCategory,
    WeaponSystem,
    Zone,
    bundled_data_load,
)
from mapsite.zones.models.reference import PlaceName
from mapsite.zones.models.translations import translations_problem

LAYERS = {
    "countries.geojson": ReferenceFeature.Layer.COUNTRY,
    "oblasts.geojson": ReferenceFeature.Layer.OBLAST,
    "border.geojson": ReferenceFeature.Layer.BORDER,
    "kharkiv_segment.geojson": ReferenceFeature.Layer.BORDER,
    # Land for the outline basemap only, never a `country`: zones are cut from UA/RU alone.
    "neighbours.geojson": ReferenceFeature.Layer.NEIGHBOUR,
}
DERIVATION_ORDER = {"country": 0, "oblast": 0, "within-depth": 1, "drawn": 2, "remainder": 3}
# The history's reason for a change the load made (it has no user).
LOADED = "Loaded from the bundled data (geo_data/)"


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    kept_edited: list = field(default_factory=list)
    kept_deleted: list = field(default_factory=list)

    def count(self, bucket: dict, name: str) -> None:
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        out = [f"created {n} {name}" for name, n in sorted(self.created.items())]
        out += [f"updated {n} {name}" for name, n in sorted(self.updated.items())]
        out += [f"kept editor's changes to zone {slug}" for slug in self.kept_edited]
        out += [f"left zone {slug} deleted, as an editor deleted it" for slug in self.kept_deleted]
        return out or ["nothing to change"]


def _set_fields(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _set_m2m(obj, name: str, wanted: list) -> bool:
    manager = getattr(obj, name)
    if {o.pk for o in manager.all()} == {o.pk for o in wanted}:
        return False
    manager.set(wanted)
    return True


def _upsert(model, report: LoadReport, key: dict, values: dict, reset: bool):
    """Create a row; update an existing one only on reset (editors may have changed it)."""
    obj = model.objects.filter(**key).first()
    label = model._meta.verbose_name_plural
    if obj is None:
        obj = model(**key, **values)
        obj._change_reason = LOADED  # history says where the row came from
        obj.save()
        report.count(report.created, label)
        return obj, True
    if reset and _set_fields(obj, values):
        obj._change_reason = LOADED
        obj.save()
        report.count(report.updated, label)
    return obj, reset


def load(reset: bool = False, data_dir: Path = DATA_DIR) -> LoadReport:
    """Load everything in one transaction."""
    layers = {name: features(data_dir / "layers" / name) for name in LAYERS}
    places = features(data_dir / "layers" / "places.geojson")
    policy = read_json(data_dir / "policy" / "policy.json")
    for part in ("sources", "assumptions", "weapons", "targets", "policies", "zones"):
        if not isinstance(policy.get(part), list):
            raise LoadError(f"{data_dir / 'policy/policy.json'}: '{part}' must be a list")
    check_quotes(
        policy,
        data_dir / "source" / "report.txt",
        data_dir / LATER_REPORTS_DIR,
        data_dir / REPORT_COPIES_DIR,
    )
    check_versions(policy)
    report = LoadReport()
    with transaction.atomic(), bundled_data_load():
        references_changed = _load_references(layers, report)
        _load_places(places, report)
        _load_policy(policy, report, reset, references_changed)
    return report


def _load_references(layers: dict, report: LoadReport) -> bool:
    changed = False
    for name, layer in LAYERS.items():
        for feature in layers[name]:
            props = {k: v for k, v in feature["properties"].items()}
            slug = props.get("slug")
            if not slug:
                raise LoadError(f"{feature['_label']}: property 'slug' is missing")
            geom = feature["_geom"]
            obj = ReferenceFeature.objects.filter(slug=slug).first()
            values = {"name": props.get("name", slug), "layer": layer, "properties": props}
            if obj is None:
                ReferenceFeature.objects.create(slug=slug, geom=geom, **values)
                report.count(report.created, "reference features")
                changed = True
            elif _set_fields(obj, values) | (not obj.geom.equals_exact(geom, 1e-9)):
                obj.geom = geom
                obj.save()
                report.count(report.updated, "reference features")
                changed = True
    return changed


def _load_places(places: list[dict], report: LoadReport) -> None:
    existing = {p.geonameid: p for p in Place.objects.all()}
    known = {p.id: set() for p in existing.values()}
    for row in PlaceName.objects.values_list("place_id", "name"):
        known[row[0]].add(row[1])
    bundled = set()
    for feature in places:
        props = feature["properties"]
        try:
            geonameid = int(props["geonameid"])
            values = {
                "name": str(props["name"]),
                "name_uk": str(props.get("name_uk") or ""),
                "name_ru": str(props.get("name_ru") or ""),
                "country": str(props["country"]),
                "population": int(props.get("population") or 0),
                "admin1": str(props.get("admin1") or ""),
                "admin1_name": str(props.get("admin1_name") or ""),
            }
            names = {values["name"], *(str(n) for n in props.get("alternatenames") or [])}
        except (KeyError, TypeError, ValueError) as exc:
            raise LoadError(f"{feature['_label']}: bad place properties: {exc}") from None
        if feature["_geom"].geom_type != "Point":
            raise LoadError(f"{feature['_label']}: a place must be a Point")
        names = {n.strip()[:200] for n in names if n.strip()}
        bundled.add(geonameid)
        place = existing.get(geonameid)
        if place is None:
            place = Place.objects.create(geonameid=geonameid, point=feature["_geom"], **values)
            report.count(report.created, "places")
        elif _set_fields(place, values) | (not place.point.equals_exact(feature["_geom"], 1e-9)):
            place.point = feature["_geom"]
            place.save()
            report.count(report.updated, "places")
        have = known.get(place.id, set())
        if names != have:
            PlaceName.objects.filter(place=place, name__in=have - names).delete()
            PlaceName.objects.bulk_create(
                [PlaceName(place=place, name=n) for n in sorted(names - have)]
            )
            report.count(report.updated, "place name lists")
    gone = Place.objects.exclude(geonameid__in=bundled)
    removed = gone.count()
    if removed:
        gone.delete()  # their names go with them (cascade)
        report.updated["places no longer bundled (deleted)"] = removed


def _pick(table: dict, slugs: list, where: str) -> list:
    missing = [s for s in slugs if s not in table]
    if missing:
        raise LoadError(f"policy.json: {where} names unknown {', '.join(missing)}")
    return [table[s] for s in slugs]


def _translations(model, item: dict) -> dict:
    """The item's `translations` ({"uk": {field: text}, "ru": …}), checked for `model`."""
    value = item.get("translations", {})
    problem = translations_problem(value, model.TRANSLATABLE)
    if problem:
        raise LoadError(f"policy.json: {item.get('slug')}: {problem}")
    return value


def _fill_translations(obj, wanted: dict, report: LoadReport) -> None:
    """Give a row loaded before translations existed the bundled ones (never overwriting
    an editor's: only a row with none gets them without reset)."""
    if wanted and not obj.translations:
        obj.translations = wanted
        obj._change_reason = LOADED
        obj.save()
        report.count(report.updated, "translations")


def _upsert_cited(model, report: LoadReport, item: dict, values: dict, reset: bool, sources):
    """`_upsert` by the item's slug, then set the sources it cites if the row was written."""
    values = {**values, "translations": _translations(model, item)}
    obj, fresh = _upsert(model, report, {"slug": item["slug"]}, values, reset)
    if fresh:
        _set_m2m(obj, "sources", _pick(sources, item["sources"], item["slug"]))
    else:
        _fill_translations(obj, values["translations"], report)
    return obj, fresh


def _load_policy(data: dict, report: LoadReport, reset: bool, references_changed: bool) -> None:
    sources = {}
    for item in data["sources"]:
        values = {k: item.get(k) or "" for k in ("kind", "publisher", "speaker", "quote", "url")}
        values.update(date=day(item.get("date"), item["slug"]), note=item.get("note") or "")
        sources[item["slug"]], _ = _upsert(Source, report, {"slug": item["slug"]}, values, reset)
    assumptions = {}
    for item in data["assumptions"]:
        values = {k: item[k] for k in ("title", "statement", "value", "unit")}
        assumptions[item["slug"]], _ = _upsert_cited(
            Assumption, report, item, values, reset, sources
        )
    weapons = {}
    for item in data["weapons"]:
        values = {
            k: item[k] for k in ("name", "category", "range_km", "nominal_range_km", "sort_order")
        }
        values["description"] = item["description"]
        values["supplier"] = item.get("supplier", "United States")
        values["range_assumption"] = _pick(assumptions, [item["range_assumption"]], item["slug"])[0]
        weapons[item["slug"]], _ = _upsert_cited(WeaponSystem, report, item, values, reset, sources)
    targets = {}
    for item in data["targets"]:
        values = {k: item[k] for k in ("name", "is_counter_fire", "description", "sort_order")}
        targets[item["slug"]], _ = _upsert_cited(
            TargetCategory, report, item, values, reset, sources
        )
    policies = {}
    for item in data["policies"]:
        values = {k: item[k] for k in ("title", "summary")}
        values.update(
            government=item.get("government", "United States"),
            confidence=item["confidence"],
            changes=item.get("changes", ""),
        )
        for key in ("effective_from", "effective_to"):
            values[key] = day(item.get(key), item["slug"])
        obj, fresh = _upsert_cited(Policy, report, item, values, reset, sources)
        if fresh:
            _set_m2m(obj, "assumptions", _pick(assumptions, item["assumptions"], item["slug"]))
        policies[item["slug"]] = obj
    # A zone link's slugs name rows of the model that link points to.
    tables = {
        WeaponSystem: weapons,
        TargetCategory: targets,
        Source: sources,
        Assumption: assumptions,
    }
    ordered = sorted(data["zones"], key=lambda z: DERIVATION_ORDER.get(z["derivation"], 9))
    touched_policies = set()
    for item in ordered:
        _load_zone(item, policies, tables, report, reset, references_changed, touched_policies)


ZONE_FIELDS = ("name", "kind", "status", "description", "derivation", "country", "measured_from")
ZONE_OPTIONAL = ("border_oblasts", "condition", "approval")


def _deleted_by_editor(slug: str) -> bool:
    """The zone's latest history record is its deletion."""
    latest = Zone.history.filter(slug=slug).order_by("-history_date", "-history_id").first()
    return latest is not None and latest.history_type == "-"


def _zone_depth(item: dict, assumptions: dict) -> float | None:
    """A zone's depth: its own `depth_km`, or the value of the assumption `depth_from` names
    (the GMLRS reach), so a depth the sources give once is written once."""
    slug = item["slug"]
    if "depth_from" not in item:
        return item.get("depth_km")
    if item.get("depth_km") is not None:
        raise LoadError(f"policy.json: zone {slug} gives both depth_km and depth_from")
    assumption = _pick(assumptions, [item["depth_from"]], slug)[0]
    if assumption.unit != "km" or assumption.value is None:
        raise LoadError(
            f"policy.json: zone {slug}: depth_from {item['depth_from']} is not a distance in km"
        )
    return assumption.value


def _load_zone(item, policies, tables, report, reset, references_changed, touched) -> None:
    slug = item["slug"]
    policy = _pick(policies, [item["policy"]], slug)[0]
    values = {k: item[k] for k in ZONE_FIELDS}
    values.update({k: item.get(k, "") for k in ZONE_OPTIONAL})
    values.update(policy=policy, depth_km=_zone_depth(item, tables[Assumption]))
    values["translations"] = _translations(Zone, item)
    zone = Zone.objects.filter(slug=slug, draft_of__isnull=True).first()
    if zone is None and not reset and _deleted_by_editor(slug):
        report.kept_deleted.append(slug)
        return
    if zone is not None and zone.edited and not reset:
        report.kept_edited.append(slug)
        return
    reshape = (
        zone is None
        or reset
        or references_changed
        or (item["derivation"] == "remainder" and policy.pk in touched)
    )
    is_new = zone is None
    if is_new:
        zone = Zone(slug=slug, **values)
        fields_changed = True
    else:
        fields_changed = _set_fields(zone, values)
        reshape = reshape or fields_changed
    if reshape:
        try:
            geom = editing.derive(zone)
        except editing.EditRefused as exc:
            raise LoadError(f"policy.json: zone {slug}: {exc}") from None
        if not isinstance(geom, MultiPolygon):
            raise LoadError(f"policy.json: zone {slug} derived a {geom.geom_type}")
        if is_new or not zone.geom.equals_exact(geom, 1e-9):
            zone.geom = geom
            fields_changed = True
    if reset:
        zone.edited = False
        zone.published = True
    if fields_changed or reset:
        report.count(report.created if is_new else report.updated, "zones")
        zone._change_reason = LOADED
        zone.save()
        touched.add(policy.pk)
    for name in Zone.LINK_FIELDS:
        table = tables[Zone._meta.get_field(name).related_model]
        if _set_m2m(zone, name, _pick(table, item.get(name, []), slug)):
            touched.add(policy.pk)
