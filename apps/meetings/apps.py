from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings of the mechanisms and the outcome documents they adopt."""

    name = "apps.meetings"
    label = "meetings"
    verbose_name = "Meetings and documents"
