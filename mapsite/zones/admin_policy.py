"""Policy versions in the admin: checked, recorded and locked like zones.

A version's dates are in order; its period overlaps no other version that is applied as
the rule (a disputed version is shown, never applied, so it may overlap); it cites at least
one source; its confidence is one of the vocabulary's. `loaded_version` and the database's
write guard (migration 0010) refuse a save over someone else's change, with the zones'
message.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponseRedirect

from mapsite.zones import vocabulary
from mapsite.zones.admin_history import HistoryAdmin
from mapsite.zones.errors import EditRefused
from mapsite.zones.forms import RecordReadOnly, StaleWriteGuard
from mapsite.zones.models import Policy


def overlapping_versions(policy_id, start, end):
    """Versions applied as the rule (not disputed) whose period meets [start, end)."""
    others = Policy.objects.exclude(confidence=vocabulary.DISPUTED)
    if policy_id is not None:
        others = others.exclude(pk=policy_id)
    if start is not None:
        others = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gt=start))
    if end is not None:
        others = others.filter(Q(effective_from__isnull=True) | Q(effective_from__lt=end))
    return others


class PolicyForm(StaleWriteGuard, RecordReadOnly, forms.ModelForm):
    """A policy version as editors change it."""

    NOUN = "policy version"

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
        if confidence and confidence != vocabulary.DISPUTED and "effective_to" not in self._errors:
            self._check_overlap(start, end)
        return data

    def _check_overlap(self, start, end) -> None:
        for other in overlapping_versions(self.instance.pk, start, end):
            when = vocabulary.period_in_words(other.effective_from, other.effective_to)
            self.add_error(
                "effective_from",
                f"This period ({vocabulary.period_in_words(start, end)}) overlaps “{other}” "
                f"({when}). Versions applied as the rule may not overlap: end one where the "
                "other starts, or mark the denied one “disputed”.",
            )


@admin.register(Policy)
class PolicyAdmin(HistoryAdmin):
    form = PolicyForm
    list_display = (
        "title", "slug", "effective_from", "effective_to", "confidence", "government", "version",
    )  # fmt: skip
    list_filter = ("confidence", "government")
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
                    "version is shown on the timeline but never applied."
                ),
            },
        ),
        ("Evidence", {"fields": ["sources", "assumptions"]}),
        ("Record", {"fields": ["version", "updated_at", "loaded_version"]}),
    ]

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
        super().save_model(request, obj, form, change)
