"""The admin's shared base: filters limited to list_filter, and history that reads well.

History lists say who made each change in words ("Loaded from the bundled data" for the
loader's records, never "None"), show a changed shape as a small before/after map (drawn
by static/admin_zones/shape_diff.js from JSON the page hands over) instead of truncated
WKT, and the revert page shows the record read-only and says, after reverting, what was
restored.
"""

import dataclasses

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.gis.geos import GEOSGeometry
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from mapsite.zones.errors import EditRefused

# The reason the loader (load_geo_data) records on its changes (mapsite/zones/loader.py).
LOADED_PREFIX = "Loaded from the bundled data"
# A shape in the diff is simplified to about this fraction of its larger side.
DIFF_DETAIL = 1 / 300


class ListFilterLookupsOnly:
    """Filter the changelist only by what list_filter offers (never `geom__*` from the URL).

    Django's admin otherwise accepts any lookup on a local field from the query string,
    and a spatial lookup would hand user input to GEOS/GDAL.
    """

    def lookup_allowed(self, lookup, value, request=None):
        filters = self.get_list_filter(request) if request is not None else self.list_filter
        allowed = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in filters:
            if isinstance(item, type):
                allowed.add(item.parameter_name)
            elif isinstance(item, list | tuple):
                allowed.add(item[0])
            else:
                allowed.add(item)
        if lookup not in allowed and lookup.split(LOOKUP_SEP)[0] not in allowed:
            return False
        return super().lookup_allowed(lookup, value, request)


def recorded_by(record) -> str:
    """Who made a recorded change, in words."""
    if record.history_user is not None:
        return record.history_user.get_username()
    if (record.history_change_reason or "").startswith(LOADED_PREFIX):
        return "Loaded from the bundled data"
    return "No user recorded (a script or a command)"


def record_label(record) -> str:
    """ "4 Dec 2026 15:02 (version 3, by alice)" for a historical record."""
    when = timezone.localtime(record.history_date).strftime("%-d %b %Y %H:%M")
    version = getattr(record, "version", None)
    what = f"version {version}, " if version is not None else ""
    by = recorded_by(record)
    by = f"by {by}" if record.history_user is not None else by[0].lower() + by[1:]
    return f"{when} ({what}{by})"


def outline(geom) -> list:
    """A geometry's rings as [[lon, lat], …] lists, simplified for a small map."""
    if geom is None or geom.empty:
        return []
    xmin, ymin, xmax, ymax = geom.extent
    simple = geom.simplify(max(xmax - xmin, ymax - ymin) * DIFF_DETAIL, preserve_topology=True)
    polygons = [simple] if simple.geom_type == "Polygon" else list(simple)
    rings = []
    for polygon in polygons:
        for ring in [polygon.exterior_ring, *polygon[1:]]:
            rings.append([[round(x, 4), round(y, 4)] for x, y in ring.coords])
    return rings


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Shape changes become a before/after map; other fields as simple-history shows them."""

    def context_for_delta_changes(self, delta):
        shapes = [c for c in delta.changes if _is_shape(c.old) or _is_shape(c.new)]
        if shapes:
            self.record.shape_diff = {
                "id": f"shape-diff-{self.record.history_id}",
                "before": outline(shapes[0].old),
                "after": outline(shapes[0].new),
            }
            rest = [c for c in delta.changes if c not in shapes]
            delta = dataclasses.replace(delta, changes=rest)
        return super().context_for_delta_changes(delta)


def _is_shape(value) -> bool:
    return isinstance(value, GEOSGeometry)


class HistoryAdmin(ListFilterLookupsOnly, SimpleHistoryAdmin):
    """Admin with per-object history and a read-only revert page (django-simple-history)."""

    object_history_template = "admin/zones/object_history.html"
    object_history_form_template = "admin/zones/object_history_form.html"

    class Media:
        css = {"all": ["admin_zones/admin.css"]}
        js = ["admin_zones/saving.js", "admin_zones/shape_diff.js"]

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def render_history_view(self, request, template, context, **kwargs):
        page = context.get("page_obj")
        if page is not None:
            for record in page.object_list:
                record.recorded_by = recorded_by(record)
            context["shape_diffs"] = {
                r.shape_diff["id"]: r.shape_diff
                for r in page.object_list
                if getattr(r, "shape_diff", None)
            }
        return super().render_history_view(request, template, context, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk_name = self.model._meta.pk.attname
        record = get_object_or_404(
            self.model.history, **{pk_name: unquote(object_id), "history_id": version_id}
        )
        request.reverting_record = record
        context = {"record": record, "record_label": record_label(record)}
        try:
            return super().history_form_view(
                request, object_id, version_id, {**context, **(extra_context or {})}
            )
        except EditRefused as exc:
            self.message_user(request, f"Nothing was reverted: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_change(self, request, obj):
        record = getattr(request, "reverting_record", None)
        if record is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Reverted “{obj}” to the version recorded on {record_label(record)}. It was "
            "saved as a new change, through the same checks as any edit.",
            messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )


__all__ = ["HistoryAdmin", "ListFilterLookupsOnly"]
