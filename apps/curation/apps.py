from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

from .roles import sync_roles


class CurationConfig(AppConfig):
    """What every curated record shares: partial dates, edit history, change sets, sources and citations."""

    name = "apps.curation"
    label = "curation"
    verbose_name = "Curation"

    def ready(self):
        # Models may be imported only once the app registry is ready, so these modules load here.
        from . import data_version, history, proposals, records  # noqa: F401, PLC0415  (history, proposals: receivers)

        data_version.connect_signals()
        records.load_declarations()

        # Sent once per app, each after that app's permissions exist; the last one completes the roles.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="curation-sync-roles")


def _sync_roles_after_migrate(sender, **kwargs):
    """After every migrate (and flush), the groups hold the permissions apps/curation/roles.py gives them."""
    sync_roles(apps, strict=False)
