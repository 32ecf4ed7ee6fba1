"""The editors' admin: zones on a map, drafts, history and revert. The GeoJSON import is
ZoneImportMixin's (admin_import.py), policy versions PolicyAdmin's (admin_policy.py), the
shared history pages HistoryAdmin's (admin_history.py)."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from leaflet.admin import LeafletGeoAdminMixin

from mapsite.zones import admin_policy, editing
from mapsite.zones.admin_history import HistoryAdmin
from mapsite.zones.admin_import import ZoneImportMixin
from mapsite.zones.admin_zone_form import ZoneFormMixin
from mapsite.zones.forms import ZoneForm, ZoneMapWidget
from mapsite.zones.models import Assumption, Source, TargetCategory, WeaponSystem, Zone

__all__ = ["admin_policy"]  # imported to register PolicyAdmin


class DraftFilter(admin.SimpleListFilter):
    title = "draft or published"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("published", "Published"), ("draft", "Draft")]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.published()
        if self.value() == "draft":
            return queryset.not_published()
        return queryset


@admin.register(Zone)
class ZoneAdmin(ZoneFormMixin, ZoneImportMixin, LeafletGeoAdminMixin, HistoryAdmin):
    form = ZoneForm
    widget = ZoneMapWidget
    # Few, narrow columns: the list fits 1280 px beside the filters (the rest is on the form).
    list_display = ("zone_name", "version_from", "status", "shape", "area", "state")
    list_filter = ("policy", "kind", "status", "published", DraftFilter, "derivation")
    search_fields = ("slug", "name", "description")
    list_select_related = ("policy",)
    filter_horizontal = ("sources", "assumptions")
    readonly_fields = ("state", "area_km2", "version", "edited", "updated_at")
    actions = ["publish_drafts"]

    class Media:
        js = ["admin_zones/reference_layers.js", "admin_zones/problem_point.js"]

    @property
    def settings_overrides(self) -> dict:
        """The admin map uses the site's tile server (settings.TILE_URL)."""
        layer = {
            "attribution": settings.TILE_ATTRIBUTION,
            "referrerPolicy": "strict-origin-when-cross-origin",
        }
        return {"TILES": [("Map", settings.TILE_URL, layer)]}

    # --- List ---------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(draft_of_name=F("draft_of__name"))
        match = request.resolver_match
        if match and match.url_name and match.url_name.endswith("changelist"):
            queryset = queryset.defer("geom")
        return queryset

    @admin.display(description="State")
    def state(self, zone: Zone) -> str:
        if zone.pk is None:
            return "New"
        if zone.draft_of_id:
            return format_html(
                'Draft of <a href="{}">{}</a>',
                reverse("admin:zones_zone_change", args=[zone.draft_of_id]),
                getattr(zone, "draft_of_name", None) or zone.draft_of.name,
            )
        return "Published" if zone.published else "Draft (new zone)"

    # --- Form ---------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        geom = form.base_fields.get("geom")
        if geom is not None and obj is not None and obj.derivation != Zone.Derivation.DRAWN:
            geom.widget.modifiable = False
            geom.help_text = (
                "Computed from the parameters above (read-only). To reshape this zone by "
                "hand, set derivation to “Drawn” and save."
            )
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.draft_of_id:
            fields.append("slug")
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and "_save_draft" in request.POST:
            response = self._save_as_draft(request, object_id)
            if response is not None:
                return response
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except editing.EditRefused as exc:
            # Raised inside the admin's transaction, so nothing was stored.
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _save_as_draft(self, request, object_id) -> HttpResponse | None:
        """Save the posted changes to a published zone as a new draft; None to re-show errors."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not obj.is_published:
            return None
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return None
        changed = form.save(commit=False)
        links = {name: form.cleaned_data[name] for name in Zone.LINK_FIELDS}
        try:
            draft = editing.save_as_draft(
                changed, request.user, links, form.cleaned_data.get("loaded_version")
            )
        except editing.EditRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        self.log_addition(request, draft, [{"added": {}}])
        self.message_user(
            request,
            f"Saved as draft “{draft.slug}”. The published zone is unchanged until the draft "
            "is published.",
            messages.SUCCESS,
        )
        self.warn_overlaps(request, draft)
        return HttpResponseRedirect(reverse("admin:zones_zone_change", args=[draft.pk]))

    def save_model(self, request, obj, form, change):
        if not change and "_save_draft" in request.POST:
            obj.published = False
        editing.save_zone(
            obj,
            request.user,
            links={name: form.cleaned_data[name] for name in Zone.LINK_FIELDS},
            expected_version=form.cleaned_data.get("loaded_version") if change else None,
        )
        if obj.is_draft:
            self.warn_overlaps(request, obj)

    def save_related(self, request, form, formsets, change):
        """The links were saved with the zone (one recorded change); zones have no inlines."""

    def response_add(self, request, obj, post_url_continue=None):
        if "_save_draft" in request.POST:
            self.message_user(
                request,
                f"Saved “{obj.name}” as a draft: it is not public until the draft is published.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:zones_zone_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_publish" in request.POST and obj.is_draft:
            return self._publish(request, obj)
        return super().response_change(request, obj)

    def _publish(self, request, draft) -> HttpResponse:
        try:
            published = editing.publish_draft(draft, request.user)
        except editing.EditRefused as exc:
            self.message_user(
                request, f"Your draft was saved but not published: {exc}", messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:zones_zone_change", args=[draft.pk]))
        self.log_change(request, published, [{"changed": {"fields": ["published draft"]}}])
        self.message_user(request, f"Published “{published.name}”.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:zones_zone_change", args=[published.pk]))

    @admin.action(description="Publish selected drafts", permissions=["change"])
    def publish_drafts(self, request, queryset):
        published, refused = [], []
        for zone in queryset:
            if not zone.is_draft:
                continue
            try:
                published.append(editing.publish_draft(zone, request.user).name)
            except editing.EditRefused as exc:
                refused.append(f"{zone.slug}: {exc}")
        if published:
            self.message_user(request, f"Published: {', '.join(published)}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    # --- Delete: editors delete drafts only -----------------------------------------------

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or request.user.is_superuser:
            return allowed
        return allowed and obj.is_draft

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not request.user.is_superuser and any(not zone.is_draft for zone in objs):
            perms_needed.add("published zones (editors may delete drafts only)")
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        editing.delete_zone(obj, request.user)

    def delete_queryset(self, request, queryset):
        for zone in queryset:
            editing.delete_zone(zone, request.user)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ("slug", "kind", "publisher", "speaker", "date")
    list_filter = ("kind", "publisher")
    search_fields = ("slug", "publisher", "speaker", "quote", "note")


@admin.register(Assumption)
class AssumptionAdmin(HistoryAdmin):
    list_display = ("title", "slug", "value", "unit")
    search_fields = ("slug", "title", "statement")
    filter_horizontal = ("sources",)


@admin.register(WeaponSystem)
class WeaponSystemAdmin(HistoryAdmin):
    list_display = ("name", "slug", "category", "range_km", "nominal_range_km", "sort_order")
    list_filter = ("category",)
    search_fields = ("slug", "name", "description")
    filter_horizontal = ("sources",)


@admin.register(TargetCategory)
class TargetCategoryAdmin(HistoryAdmin):
    list_display = ("name", "slug", "is_counter_fire", "sort_order")
    list_filter = ("is_counter_fire",)
    search_fields = ("slug", "name", "description")
    filter_horizontal = ("sources",)
