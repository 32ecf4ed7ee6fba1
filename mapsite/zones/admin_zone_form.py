"""How the zone admin lays out its form and list, and what it tells the editor.

The form is grouped with the map first; parameters sit two to a row; weapons and targets
(a handful each) are checkboxes; the evidence and the record are folded away until opened
(or until they hold an error). The list keeps to a few narrow columns so it fits 1280 px.
A self-intersection is handed to the map as JSON (static/admin_zones/problem_point.js marks
it); a draft that overlaps a published area of its version is saved with a warning.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from mapsite.front import permalink
from mapsite.zones import editing, vocabulary
from mapsite.zones.models import Zone

# Links with few choices: checkboxes. Sources and assumptions keep the filtered pickers.
CHECKBOX_LINKS = ("permitted_weapons", "prohibited_weapons", "permitted_targets")
CHECKBOX_LINKS += ("prohibited_targets",)

ZONE_FIELDSETS = [
    (
        "Shape",
        {
            "fields": [
                "geom",
                "derivation",
                ("country", "measured_from"),
                ("depth_km", "border_oblasts"),
            ],
            "description": (
                "Draw and reshape polygons on the map for a “Drawn” zone. A derived zone’s "
                "shape is computed from its parameters when it is saved; for an “A whole "
                "oblast” zone, “country” names the oblast (e.g. ru-kursk)."
            ),
        },
    ),
    ("Zone", {"fields": [("name", "slug"), ("policy", "kind", "status"), "description"]}),
    (
        "What the policy allows here",
        {
            "fields": [
                ("condition", "approval"),
                ("permitted_weapons", "prohibited_weapons"),
                ("permitted_targets", "prohibited_targets"),
            ],
            "description": (
                "Where areas of one version overlap, the engine composes their rules for "
                "the asked weapon and target: a target prohibited anywhere stays "
                "prohibited; an area that permits the asked weapon answers over the others' "
                "bans; otherwise the strictest answer stands."
            ),
        },
    ),
    ("Evidence", {"fields": ["sources", "assumptions"], "classes": ["collapse"]}),
    (
        "Record",
        {
            "fields": [("state", "version"), ("area_km2", "edited"), "updated_at"]
            + ["loaded_version"],
            "classes": ["collapse"],
        },
    ),
]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class ZoneFormMixin:
    """The zone admin's form layout, list columns and messages (see the module)."""

    def get_fieldsets(self, request, obj=None):
        """The folded sections say what they hold: "Evidence (8 sources, 2 assumptions)"."""
        fieldsets = [(name, dict(options)) for name, options in ZONE_FIELDSETS]
        if obj is not None and obj.pk is not None:
            evidence = f"Evidence ({_count(obj.sources.count(), 'source')}, "
            evidence += f"{_count(obj.assumptions.count(), 'assumption')})"
            record = f"Record (version {obj.version}, {'edited' if obj.edited else 'as loaded'})"
            fieldsets[3] = (evidence, fieldsets[3][1])
            fieldsets[4] = (record, fieldsets[4][1])
        return fieldsets

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in CHECKBOX_LINKS:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "description" and field is not None:
            field.widget.attrs.update(rows=3)
        return field

    def render_change_form(self, request, context, *args, **kwargs):
        # The outlines under the editable shape, at the detail the map's first view uses.
        lat, lon = vocabulary.DEFAULT_CENTER
        view = {"center": {"lat": lat, "lon": lon}, "zoom": vocabulary.DEFAULT_ZOOM}
        context["reference_layers"] = permalink.first_layers(view)
        form = context["adminform"].form
        point = getattr(form, "problem_point", None)
        if point is not None:
            context["problem_point"] = {
                "lon": point[0],
                "lat": point[1],
                "label": f"The outline is invalid here (lon {point[0]:.5f}, lat {point[1]:.5f})",
            }
        return super().render_change_form(request, context, *args, **kwargs)

    def warn_overlaps(self, request, zone) -> None:
        """Warn when a saved draft overlaps published areas of its policy version."""
        overlaps = editing.published_overlaps(zone)
        if not overlaps:
            return
        listed = "; ".join(f"“{name}” ({_km2(km2)})" for name, km2 in overlaps)
        self.message_user(
            request,
            f"Saved, but this draft overlaps published areas of the same version "
            f"(“{zone.policy}”): {listed}. Where areas overlap, their rules are combined; "
            "check the overlap is meant before publishing.",
            messages.WARNING,
        )

    # --- List columns ---------------------------------------------------------------------

    @admin.display(description="Zone", ordering="name")
    def zone_name(self, zone: Zone):
        return format_html('{}<span class="zone-slug">{}</span>', zone.name, zone.slug)

    @admin.display(description="Version from", ordering="policy__effective_from")
    def version_from(self, zone: Zone):
        start = zone.policy.effective_from
        return format_html(
            '<span title="{}">{}</span>',
            zone.policy.title,
            start.isoformat() if start else "the start",
        )

    @admin.display(description="Shape", ordering="derivation")
    def shape(self, zone: Zone) -> str:
        if zone.derivation == Zone.Derivation.WITHIN_DEPTH and zone.depth_km is not None:
            return f"Within {zone.depth_km:g} km"
        return {"drawn": "Drawn", "remainder": "The rest"}.get(
            zone.derivation, zone.get_derivation_display()
        )

    @admin.display(description="Area km²", ordering="area_km2")
    def area(self, zone: Zone) -> str:
        return f"{round(zone.area_km2):,}" if zone.area_km2 is not None else "—"


def _km2(km2: float) -> str:
    return f"{km2:,.1f} km²" if km2 >= 0.1 else "under 0.1 km²"
