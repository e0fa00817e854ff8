from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings of the mechanisms and the outcome documents they adopt."""

    name = "apps.meetings"
    label = "meetings"
    verbose_name = "Meetings and documents"

    def ready(self):
        from apps.curation.selectors import show_with_sources  # noqa: PLC0415  (the apps are ready now)

        show_with_sources("outcome_document__mechanism")  # a source that is a recorded document links to it
