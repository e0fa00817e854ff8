from django.apps import AppConfig


class CurationConfig(AppConfig):
    """What every curated record shares: partial dates, edit history, change sets, the dataset format."""

    name = "apps.curation"
    label = "curation"
    verbose_name = "Curation"

    def ready(self):
        from . import history  # noqa: F401  (connects the history signal receivers)
