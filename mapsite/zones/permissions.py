"""Who may edit: the "Zone editors" group and its permissions."""

from django.contrib.auth.models import Group, Permission

EDITOR_GROUP = "Zone editors"
EDITOR_MODELS = ("zone", "policy", "source", "assumption", "weaponsystem", "targetcategory")
EDITOR_ACTIONS = ("add", "change", "view")
# Editors may delete zones and policy versions, but the admin lets them delete drafts only.
EDITOR_EXTRA = ("delete_zone", "delete_policy")


def ensure_editor_group() -> Group:
    """The "Zone editors" group with its permissions (also made by migration 0004)."""
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    codenames = [f"{a}_{m}" for m in EDITOR_MODELS for a in EDITOR_ACTIONS] + list(EDITOR_EXTRA)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="zones", codename__in=codenames)
    )
    return group
