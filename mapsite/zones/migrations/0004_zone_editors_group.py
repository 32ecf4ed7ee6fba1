"""The "Zone editors" group: may add, change and view the policy data, and delete drafts.

A frozen copy of the permission list: mapsite.zones.permissions.ensure_editor_group keeps the
current one (for `create_editor` and after a test flush).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Zone editors"
MODELS = ["zone", "policy", "source", "assumption", "weaponsystem", "targetcategory"]
ACTIONS = ["add", "change", "view"]
EXTRA = ["delete_zone"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS] + EXTRA
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="zones", codename__in=codenames)
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0003_history_and_draft_base"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
