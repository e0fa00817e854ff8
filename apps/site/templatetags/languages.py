"""The public site's languages in a page: the alternates for hreflang links and the language switcher."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """[(code, native name, absolute URL of this page in that language, is the page's own)] for every language."""
    request = context.get("request")
    if request is None:
        return []
    current = translation.get_language()
    path = request.get_full_path()
    return [
        (code, name, request.build_absolute_uri(translate_url(path, code)), code == current)
        for code, name in settings.LANGUAGES
    ]
