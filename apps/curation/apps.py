from django.apps import AppConfig


class CurationConfig(AppConfig):
    """What every curated record shares: partial dates, edit history, change sets, the dataset format."""

    name = "apps.curation"
    label = "curation"
    verbose_name = "Curation"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import data_version, history  # noqa: F401  (history connects its signal receivers)

        data_version.connect_signals()

        # Sent once per app, each after that app's permissions exist; the last one completes the roles.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="curation-sync-roles")


def _sync_roles_after_migrate(sender, **kwargs):
    """After every migrate (and flush), the groups hold the permissions apps/curation/roles.py gives them."""
    from django.apps import apps

    from .roles import sync_roles

    sync_roles(apps, strict=False)
