"""Admin forms for zones: the map widget, named validation errors and the loaded version."""

import json

from django import forms
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from leaflet.admin import LeafletAdminWidget

from mapsite.zones import editing, validation
from mapsite.zones.models import ReferenceFeature, Zone, conflict_message


def geometry_as_geojson(geom) -> str:
    """GeoJSON text for a GEOS geometry, without going through GDAL."""
    if not geom:
        return ""
    return json.dumps({"type": geom.geom_type, "coordinates": geom.coords})


class ZoneMapWidget(LeafletAdminWidget):
    """django-leaflet's admin map, reading and writing GeoJSON with GEOS only (no GDAL)."""

    def serialize(self, value):
        return geometry_as_geojson(value)

    def deserialize(self, value):
        try:
            return validation.geometry_from_text(value)
        except validation.GeometryError:
            return None


class ZoneGeometryField(forms.Field):
    """GeoJSON from the map widget as a GEOS geometry; a crs, GDAL and odd types are refused."""

    widget = ZoneMapWidget

    def __init__(self, *, geom_type: str = "MULTIPOLYGON", **kwargs):
        # GeoDjango's model field passes these; zones are always SRID 4326, never collections.
        kwargs.pop("srid", None)
        kwargs.pop("max_geom_collections", None)
        super().__init__(**kwargs)
        self.widget.attrs["geom_type"] = geom_type

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, GEOSGeometry):
            return value
        if len(value) > settings.ZONE_IMPORT_MAX_BYTES:
            raise ValidationError(
                f"The geometry is larger than {settings.ZONE_IMPORT_MAX_BYTES} bytes.",
                code="too_large",
            )
        try:
            return validation.geometry_from_text(value)
        except validation.GeometryError as exc:
            raise ValidationError(str(exc), code="invalid_geom") from None

    def has_changed(self, initial, data):
        try:
            initial, data = self.to_python(initial), self.to_python(data)
        except ValidationError:
            return True
        if initial is None or data is None:
            return (initial is None) != (data is None)
        return not initial.equals_exact(data, tolerance=1e-7)


class ShownValue(forms.Widget):
    """A value shown as text, not as an input (the revert page's fields)."""

    def __init__(self, choices=None, multiple=False, attrs=None):
        super().__init__(attrs)
        self.choices, self.multiple = choices, multiple

    def format_value(self, value):
        return value

    def _labels(self, value) -> list[str]:
        values = list(value or []) if self.multiple else [value]
        values = [v for v in values if v not in (None, "")]
        if self.choices is None:
            return [str(v) for v in values]
        labels = {str(key): str(label) for key, label in self.choices}
        return [labels.get(str(getattr(v, "pk", v)), str(v)) for v in values]

    def render(self, name, value, attrs=None, renderer=None):
        labels = self._labels(value)
        element_id = (attrs or {}).get("id", "")
        if not labels:
            return format_html('<div class="shown-value empty" id="{}">—</div>', element_id)
        if self.multiple:
            items = format_html_join("", "<li>{}</li>", ((label,) for label in labels))
            return format_html('<ul class="shown-value" id="{}">{}</ul>', element_id, items)
        return format_html('<div class="shown-value" id="{}">{}</div>', element_id, labels[0])

    def value_from_datadict(self, data, files, name):
        return None  # never read: the field is disabled, so its initial value counts


def links_in_record(record) -> dict:
    """The primary keys a zone or policy version linked to in a historical record, by link."""
    model = record.instance_type
    links = {}
    for name in model.LINK_FIELDS:
        target = model._meta.get_field(name).m2m_reverse_field_name()
        links[name] = [getattr(row, f"{target}_id") for row in getattr(record, name).all()]
    return links


class RecordReadOnly:
    """On a history record's page (the instance carries `_history`), every field is shown
    read-only and posts nothing: reverting saves the record as it was, through clean()."""

    KEEP_EDITABLE = ("loaded_version",)

    @property
    def is_record(self) -> bool:
        return getattr(self.instance, "_history", None) is not None

    def make_read_only(self) -> None:
        # Reverting: show the links as they were in that version, not as they are now.
        self.initial.update(links_in_record(self.instance._history))
        for name, field in self.fields.items():
            if name in self.KEEP_EDITABLE:
                continue
            field.disabled = True
            if isinstance(field.widget, LeafletAdminWidget):
                field.widget.modifiable = False
                continue
            multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None)
            field.widget = ShownValue(choices, multiple)


class StaleWriteGuard:
    """`loaded_version`, the row's version when the form was opened: a save after someone
    else's is refused with the same words for zones and policy versions (the database
    trigger refuses it too)."""

    NOUN = "zone"

    def _stored_version(self) -> int | None:
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        return rows.values_list("version", flat=True).first()

    def show_loaded_version(self) -> None:
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self._stored_version()

    def _check_version(self, data) -> None:
        if self.instance.pk is None:
            return
        loaded, current = data.get("loaded_version"), self._stored_version()
        if current is None:
            raise ValidationError(f"This {self.NOUN} has been deleted; your edit was not saved.")
        if loaded is None:
            raise ValidationError(
                f"This form does not say which version of the {self.NOUN} it was loaded with; "
                "reload the page — your edit was not saved.",
                code="conflict",
            )
        if loaded != current:
            message = conflict_message(self.instance.pk, type(self.instance))
            raise ValidationError(message, code="conflict")


def _reference_choices(layer: str) -> list[tuple[str, str]]:
    rows = ReferenceFeature.objects.filter(layer=layer).values_list("slug", "name")
    return [("", "—")] + [(slug, f"{name} ({slug})") for slug, name in rows]


class ZoneForm(StaleWriteGuard, RecordReadOnly, forms.ModelForm):
    """A zone as editors change it; `loaded_version` guards against overwriting others' work."""

    # Where the drawn shape is invalid (lon, lat), for the map to mark; None if nowhere.
    problem_point = None
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Zone
        fields = [
            "slug",
            "name",
            "policy",
            "kind",
            "status",
            "description",
            "derivation",
            "country",
            "measured_from",
            "border_oblasts",
            "depth_km",
            "geom",
            "condition",
            "approval",
            *Zone.LINK_FIELDS,
        ]
        field_classes = {"geom": ZoneGeometryField}
        help_texts = {
            "derivation": (
                "Derived zones are computed in PostGIS from the country, line and depth; "
                "saving regenerates their shape and the policy's remainder zones. Choose "
                "“Drawn” to shape a zone by hand on the map."
            ),
            "depth_km": "For a within-depth zone: how far into the country, in km.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "geom" in self.fields:
            self.fields["geom"].required = False
        if "country" in self.fields:
            self.fields["country"].widget = forms.Select(choices=self._choices("country"))
        if "measured_from" in self.fields:
            self.fields["measured_from"].widget = forms.Select(
                choices=self._choices("measured_from")
            )
        self.show_loaded_version()
        if self.is_record:
            self.make_read_only()

    def _choices(self, name: str) -> list[tuple[str, str]]:
        if name == "country":  # a whole country, or an oblast for an oblast zone
            choices = _reference_choices(ReferenceFeature.Layer.COUNTRY)
            choices += _reference_choices(ReferenceFeature.Layer.OBLAST)[1:]
        else:
            choices = _reference_choices(ReferenceFeature.Layer.BORDER)
        current = getattr(self.instance, name, "")
        if current and current not in {slug for slug, _ in choices}:
            choices.append((current, f"{current} (missing reference feature)"))
        return choices

    def clean(self):
        data = super().clean()
        self._check_version(data)
        derivation = data.get("derivation")
        if derivation == Zone.Derivation.DRAWN:
            self._check_drawn(data)
        elif derivation:
            self._check_derived(data)
        return data

    def _check_drawn(self, data) -> None:
        if "geom" in self._errors:
            return
        geom = data.get("geom")
        problems = validation.zone_geometry_problems(geom)
        self.problem_point = validation.problem_location(geom)
        for problem in problems:
            self.add_error("geom", problem[0].upper() + problem[1:] + ".")
        if not problems:
            data["geom"] = validation.clean_zone_geometry(geom)

    def _check_derived(self, data) -> None:
        probe = Zone(
            pk=self.instance.pk,
            derivation=data["derivation"],
            country=data.get("country") or "",
            measured_from=data.get("measured_from") or "",
            depth_km=data.get("depth_km"),
            policy=data.get("policy"),
            draft_of_id=self.instance.draft_of_id,
        )
        problems = editing.parameter_problems(probe)
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        if problems or data.get("policy") is None:
            return
        # The map shows the shape these parameters give; save_zone computes it again
        # inside its transaction.
        try:
            data["geom"] = editing.derive(probe)
        except editing.EditRefused as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))


class ImportForm(forms.Form):
    """A GeoJSON FeatureCollection of zones to import."""

    file = forms.FileField(help_text="A GeoJSON FeatureCollection in WGS84 longitude/latitude.")
    policy = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        help_text="The policy for features without a “policy” property.",
    )
    publish = forms.BooleanField(
        required=False,
        help_text="Publish at once. Otherwise every feature becomes a draft to review first.",
    )

    def __init__(self, *args, **kwargs):
        from mapsite.zones.models import Policy

        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.all()
