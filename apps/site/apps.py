from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The public website: its pages, their filters and their template tags. Reads only, through selectors."""

    name = "apps.site"
    label = "site"
    verbose_name = "Public website"
