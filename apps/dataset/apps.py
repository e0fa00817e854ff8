from django.apps import AppConfig


class DatasetConfig(AppConfig):
    """The dataset as a whole: import, export, data quality, snapshots and their exports, diffs, publishing."""

    name = "apps.dataset"
    label = "dataset"
    verbose_name = "Dataset"
