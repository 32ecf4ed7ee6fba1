"""Import zones from a GeoJSON FeatureCollection (the admin's "Import zones" and `import_zones`).

The whole file is checked before anything is stored; one bad feature and nothing is,
and the report names every bad feature and why. By default each feature becomes a
draft (of the published zone with the same slug, if there is one); with `publish`
the zones are created or changed at once.

Safety: the size is limited (settings.ZONE_IMPORT_MAX_BYTES) and read no further;
the JSON is parsed by Python's json module, its nesting depth limited, any `crs`
member refused, and geometries are built by GEOS from plain coordinates. Nothing in
an upload ever reaches GDAL/OGR.
"""

import os
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from mapsite.zones import editing, validation
from mapsite.zones.models import Policy, Zone

REQUIRED = ("slug", "name", "kind", "status")
LINK_MODELS = {name: Zone._meta.get_field(name).related_model for name in Zone.LINK_FIELDS}
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class ImportRefused(Exception):
    """The file was not imported; `problems` says why (each bad feature by index and slug)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.created:
            out.append(f"created {len(self.created)} zone(s): {', '.join(self.created)}")
        if self.updated:
            out.append(f"updated {len(self.updated)} zone(s): {', '.join(self.updated)}")
        if self.drafts:
            out.append(
                f"saved {len(self.drafts)} draft(s) to review and publish: {', '.join(self.drafts)}"
            )
        return out or ["nothing imported"]


@dataclass
class Planned:
    """One checked feature, ready to store."""

    label: str
    slug: str
    values: dict
    links: dict
    existing: Zone | None


def too_large(max_bytes: int) -> str:
    return f"the file is larger than the {max_bytes:,} bytes an import may be; split it up"


def read_limited(stream, max_bytes: int) -> bytes:
    """At most max_bytes from the stream; refuse (without reading on) if there is more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportRefused([too_large(max_bytes)])
    return data


def parse_document(data: bytes) -> list:
    """The features of a GeoJSON FeatureCollection, or ImportRefused saying what is wrong."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
                f"{exc.start}); save it as UTF-8 GeoJSON"
            ]
        ) from None
    if not text.strip():
        raise ImportRefused(["the file is empty"])
    try:
        doc = validation.load_json(text)
        validation.check_depth(doc, "the file")
        validation.refuse_crs(doc, "the file")
    except validation.GeometryError as exc:
        raise ImportRefused([str(exc)]) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise ImportRefused(
            [f"the file must be a GeoJSON FeatureCollection, not {found or 'an untyped object'}"]
        )
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportRefused(["the FeatureCollection has no 'features' list"])
    if not features:
        raise ImportRefused(["the FeatureCollection has no features"])
    return features


def _label(index: int, feature) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    props = props if isinstance(props, dict) else {}
    slug, name = props.get("slug"), props.get("name")
    parts = []
    if isinstance(slug, str) and slug:
        parts.append(f"slug {slug!r}")
    if isinstance(name, str) and name:
        parts.append(f"name {name!r}")
    return f"feature {index}" + (f" ({', '.join(parts)})" if parts else "")


def _links(props: dict) -> tuple[dict, list[str]]:
    links, problems = {}, []
    for name, model in LINK_MODELS.items():
        if name not in props:
            continue
        slugs = props[name]
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            problems.append(f"'{name}' must be a list of slugs")
            continue
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            problems.append(f"'{name}' names unknown {', '.join(missing)}")
            continue
        links[name] = [found[s] for s in slugs]
    return links, problems


def _property_problems(props: dict) -> list[str]:
    """What is wrong with a feature's own properties: slug, name, kind, status, description."""
    problems = []
    for name in REQUIRED:
        if not isinstance(props.get(name), str) or not props[name].strip():
            problems.append(f"property '{name}' is missing")
    slug = props.get("slug") if isinstance(props.get("slug"), str) else ""
    if slug and (not SLUG.match(slug) or len(slug) > 80):
        problems.append(f"slug {slug!r} must be letters, digits, '-' or '_' (at most 80)")
    name = props.get("name") if isinstance(props.get("name"), str) else ""
    if len(name) > 200:
        problems.append("name is longer than 200 characters")
    kind, status = props.get("kind"), props.get("status")
    if isinstance(kind, str) and kind and kind not in Zone.Kind.values:
        problems.append(f"unknown kind {kind!r}; expected one of {', '.join(Zone.Kind.values)}")
    if isinstance(status, str) and status and status not in Zone.Status.values:
        problems.append(
            f"unknown status {status!r}; expected one of {', '.join(Zone.Status.values)}"
        )
    if not isinstance(props.get("description", ""), str):
        problems.append("'description' must be text")
    return problems


def _policy_of(props: dict, policy: str | None, policies: dict) -> tuple[str | None, list[str]]:
    """The slug of the policy a feature is for (its own or the import's), and the problems."""
    problems = []
    wanted = props.get("policy")
    if wanted is not None and not isinstance(wanted, str):
        problems.append("'policy' must be a policy slug")
        wanted = None
    if wanted and policy and wanted != policy:
        problems.append(f"says policy {wanted!r} but the import is for policy {policy!r}")
    wanted = wanted or policy
    if not wanted:
        problems.append("no policy: give one for the import or a 'policy' property")
    elif wanted not in policies:
        problems.append(f"unknown policy {wanted!r}; known: {', '.join(policies)}")
    return wanted, problems


def _geometry(feature: dict) -> tuple[object, list[str]]:
    """The feature's geometry, checked as a zone's; None and the problem if it is not one."""
    try:
        geom = validation.clean_zone_geometry(
            validation.geometry_from_geojson(feature.get("geometry"))
        )
    except validation.GeometryError as exc:
        return None, [str(exc)]
    return geom, []


def plan_feature(index: int, feature, policy: str | None, policies: dict) -> Planned:
    """Check one feature; ImportRefused with every problem found in it."""
    label = _label(index, feature)
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ImportRefused([f"{label}: not a GeoJSON Feature"])
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ImportRefused([f"{label}: has no 'properties' object"])
    problems = _property_problems(props)
    wanted, policy_problems = _policy_of(props, policy, policies)
    links, link_problems = _links(props)
    geom, geometry_problems = _geometry(feature)
    problems += policy_problems + link_problems + geometry_problems
    slug = props.get("slug") if isinstance(props.get("slug"), str) else ""
    existing = Zone.objects.filter(slug=slug).first() if slug else None
    if existing is not None and existing.is_draft:
        problems.append(f"zone {slug!r} is a draft; publish or delete it in the admin first")
    if problems:
        raise ImportRefused([f"{label}: {problem}" for problem in problems])
    values = {
        "name": props["name"].strip(),
        "kind": props["kind"],
        "status": props["status"],
        "policy": policies[wanted],
        "description": props.get("description", ""),
        "geom": geom,
        "derivation": Zone.Derivation.DRAWN,
        "country": "",
        "measured_from": "",
        "depth_km": None,
    }
    return Planned(label, slug, values, links, existing)


def check(features: list, policy: str | None) -> list[Planned]:
    """Every feature checked; ImportRefused listing all problems if any."""
    policies = {p.slug: p for p in Policy.objects.all()}
    if policy and policy not in policies:
        raise ImportRefused([f"unknown policy {policy!r}; known: {', '.join(policies)}"])
    planned, problems, seen = [], [], {}
    for index, feature in enumerate(features):
        label = _label(index, feature)
        props = feature.get("properties") if isinstance(feature, dict) else None
        slug = props.get("slug") if isinstance(props, dict) else None
        if isinstance(slug, str) and slug:
            if slug in seen:
                problems.append(f"{label}: slug {slug!r} is also used by feature {seen[slug]}")
            seen.setdefault(slug, index)
        try:
            planned.append(plan_feature(index, feature, policy, policies))
        except ImportRefused as exc:
            problems += exc.problems
    if problems:
        raise ImportRefused(problems)
    return planned


def import_zones(
    stream,
    *,
    policy: str | None = None,
    publish: bool = False,
    user=None,
    source: str = "",
    max_bytes: int | None = None,
) -> ImportReport:
    """Check the whole file, then store every feature in one transaction (or none)."""
    max_bytes = settings.ZONE_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    planned = check(parse_document(read_limited(stream, max_bytes)), policy)
    reason = f"Imported from {source}" if source else "Imported"
    report = ImportReport()
    with transaction.atomic():
        touched = set()
        for item in planned:
            try:
                _store(item, publish, user, reason, report, touched)
            except editing.EditRefused as exc:
                raise ImportRefused([f"{item.label}: {exc}"]) from None
        if touched:
            editing.regenerate_remainders(touched, user, reason=reason)
    return report


def _store(item: Planned, publish: bool, user, reason: str, report, touched: set) -> None:
    existing = item.existing
    if existing is None:
        zone = Zone(slug=item.slug, published=publish, **item.values)
        editing.save_zone(zone, user, links=item.links, reason=reason, regenerate=False)
        (report.created if publish else report.drafts).append(zone.slug)
        if publish:
            touched.add(zone.policy_id)
        return
    if not publish:
        for name, value in item.values.items():
            setattr(existing, name, value)
        links = {**editing.links_of(Zone.objects.get(pk=existing.pk)), **item.links}
        draft = editing.save_as_draft(existing, user, links, existing.version)
        report.drafts.append(f"{draft.slug} (draft of {item.slug})")
        return
    touched.add(existing.policy_id)
    for name, value in item.values.items():
        setattr(existing, name, value)
    editing.save_zone(
        existing,
        user,
        links=item.links,
        expected_version=existing.version,
        reason=reason,
        regenerate=False,
    )
    touched.add(existing.policy_id)
    report.updated.append(item.slug)


def import_path(path, **options) -> ImportReport:
    """Import a file on disk, refusing an oversized one before opening it."""
    max_bytes = options.get("max_bytes") or settings.ZONE_IMPORT_MAX_BYTES
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ImportRefused([f"cannot read {path}: {exc.strerror}"]) from None
    if size > max_bytes:
        raise ImportRefused([too_large(max_bytes)])
    with open(path, "rb") as stream:
        return import_zones(stream, source=os.path.basename(str(path)), **options)
