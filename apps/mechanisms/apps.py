from django.apps import AppConfig


class MechanismsConfig(AppConfig):
    """The consultation mechanisms, their regions and themes, and who takes part in them."""

    name = "apps.mechanisms"
    label = "mechanisms"
    verbose_name = "Mechanisms"
