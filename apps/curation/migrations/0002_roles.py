"""Create the curator, editor and administrator groups with their permissions (apps/curation/roles.py).

Permissions are normally created after all migrations have run; they are created here first so the
groups can be given them. A later migration that adds a model a role should reach calls sync_roles again.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from apps.curation.roles import ROLES, sync_roles


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps, strict=False)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("states", "0002_load_iso_3166"),
        ("mechanisms", "0001_initial"),
        ("meetings", "0001_initial"),
        ("reviews", "0003_snapshot_update_trigger"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
