"""Policy versions in the admin: checked, recorded, locked and drafted like zones.

A version's dates are in order; its period overlaps no other version that is applied as
the rule (a disputed version is shown, never applied, so it may overlap; a draft is checked
when it is published); it cites at least one source; its confidence is one of the
vocabulary's. `loaded_version` and the database's write guard (migration 0010) refuse a save
over someone else's change, with the zones' message. A new version may be saved as a draft,
prepared with its zones, and published in one step (`policy_versions.publish_version`).
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from mapsite.zones import vocabulary
from mapsite.zones.admin_history import HistoryAdmin
from mapsite.zones.errors import EditRefused
from mapsite.zones.forms import RecordReadOnly, StaleWriteGuard
from mapsite.zones.models import Policy
from mapsite.zones.policy_versions import overlap_message, overlapping_versions, publish_version

SAVE_AS_DRAFT = "_save_draft"
PUBLISH = "_publish"


def stored_published(policy: Policy) -> bool:
    return Policy.objects.filter(pk=policy.pk).values_list("published", flat=True).get()


class PolicyForm(StaleWriteGuard, RecordReadOnly, forms.ModelForm):
    """A policy version as editors change it."""

    NOUN = "policy version"
    # Set by the admin for a draft (new or saved): its overlaps are checked on publishing.
    as_draft = False

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Policy
        fields = [
            "slug", "title", "summary", "changes", "government", "confidence",
            "effective_from", "effective_to", "sources", "assumptions",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "changes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.show_loaded_version()
        if self.is_record:
            self.make_read_only()

    def clean(self):
        data = super().clean()
        self._check_version(data)
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end <= start:
            self.add_error("effective_to", "The version must end after it starts.")
        confidence = data.get("confidence")
        if confidence and confidence not in vocabulary.CONFIDENCE:
            known = ", ".join(vocabulary.CONFIDENCE)
            self.add_error("confidence", f"Confidence must be one of {known}.")
        if "sources" in data and not data["sources"]:
            self.add_error("sources", "Cite at least one source for this version.")
        applied = confidence and confidence != vocabulary.DISPUTED and not self.as_draft
        if applied and "effective_to" not in self._errors:
            government = data.get("government", self.instance.government)
            for other in overlapping_versions(self.instance.pk, start, end, government):
                self.add_error("effective_from", overlap_message(start, end, other))
        return data


@admin.register(Policy)
class PolicyAdmin(HistoryAdmin):
    form = PolicyForm
    list_display = (
        "title", "slug", "effective_from", "effective_to", "confidence", "state", "government",
        "version",
    )  # fmt: skip
    list_filter = ("published", "confidence", "government")
    actions = ["publish_drafts"]
    search_fields = ("slug", "title", "summary")
    filter_horizontal = ("sources", "assumptions")
    readonly_fields = ("version", "updated_at")
    fieldsets = [
        (None, {"fields": [("slug", "government"), "title", "summary", "changes"]}),
        (
            "When and how sure",
            {
                "fields": [("effective_from", "effective_to"), "confidence"],
                "description": (
                    "A version is the rule from its first day up to (not including) its last. "
                    "Versions that are on the record or reported may not overlap; a disputed "
                    "version is shown on the timeline but never applied. A draft version is "
                    "checked when it is published; publishing it ends the open-ended version "
                    "before it where it starts."
                ),
            },
        ),
        ("Evidence", {"fields": ["sources", "assumptions"]}),
        ("Record", {"fields": ["version", "updated_at", "loaded_version"]}),
    ]

    @admin.display(description="State", ordering="published")
    def state(self, policy) -> str:
        return "Published" if policy.published else "Draft"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            as_draft = SAVE_AS_DRAFT in request.POST
        else:
            as_draft = not stored_published(obj)  # a reverted record may say otherwise
        return type(form.__name__, (form,), {"as_draft": as_draft})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditRefused as exc:
            # The database's write guard refused a stale copy; the transaction rolled back.
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.cleaned_data.get("loaded_version") or obj.version
            obj.published = stored_published(obj)  # only publishing changes it
        else:
            obj.published = SAVE_AS_DRAFT not in request.POST
        # One recorded change with its links, as for zones (editing._save_with_links).
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
            for name in Policy.LINK_FIELDS:
                getattr(obj, name).set(form.cleaned_data[name])
        finally:
            del obj.skip_history_when_saving
        obj.refresh_from_db(fields=["version"])  # a changed link moved it
        obj.save()
        if not change:
            Policy.history.filter(id=obj.pk).update(history_type="+")

    def save_related(self, request, form, formsets, change):
        """The links were saved with the version (one recorded change); no inlines."""

    def response_add(self, request, obj, post_url_continue=None):
        if not obj.published:
            self.message_user(
                request,
                f"Saved “{obj.title}” as a draft version: readers do not see it, or its zones, "
                "until it is published.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:zones_policy_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if PUBLISH in request.POST and not obj.published:
            self._publish(request, obj)
            return HttpResponseRedirect(reverse("admin:zones_policy_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def _publish(self, request, draft) -> bool:
        try:
            ended = publish_version(draft, request.user)
        except EditRefused as exc:
            self.message_user(request, f"“{draft.title}” was not published: {exc}", messages.ERROR)
            return False
        self.log_change(request, draft, [{"changed": {"fields": ["published"]}}])
        note = "".join(
            f" “{other.title}” now ends on {vocabulary.day_in_words(other.effective_to)}."
            for other in ended
        )
        self.message_user(request, f"Published “{draft.title}”.{note}", messages.SUCCESS)
        return True

    @admin.action(description="Publish selected draft versions", permissions=["change"])
    def publish_drafts(self, request, queryset):
        for policy in queryset.filter(published=False).order_by("effective_from"):
            self._publish(request, policy)

    # --- Delete: editors delete draft versions only ----------------------------------------

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or request.user.is_superuser:
            return allowed
        return allowed and not obj.published

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not request.user.is_superuser and any(policy.published for policy in objs):
            perms_needed.add("published policy versions (editors may delete drafts only)")
        return deleted, counts, perms_needed, protected
