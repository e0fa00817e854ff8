from django.apps import AppConfig


class StatesConfig(AppConfig):
    """Countries, territories and organisations: everyone who can take part in a mechanism."""

    name = "apps.states"
    label = "states"
    verbose_name = "States and organisations"
