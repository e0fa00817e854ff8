"""What the public site decides about a request before any answer, built or kept, is given."""

from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers


class HomeLanguageMiddleware:
    """A visitor arriving from elsewhere on the unprefixed home page gets the site in the language their
    browser asks for; moving within the site (the language switcher's 'English'), their choice stands.

    Decided here, before the public cache (apps/curation/http_cache.py): the home page it keeps built is
    then the English page whoever asks, and no visitor is given it who should have been sent on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/" or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        language = settings.LANGUAGE_CODE
        if not _from_this_site(request):
            language = translation.get_language_from_request(request)
        response = redirect(f"/{language}/") if language != settings.LANGUAGE_CODE else self.get_response(request)
        # Either answer depends on both headers, for any cache between the visitor and the site.
        patch_vary_headers(response, ["Accept-Language", "Referer"])
        return response


def _from_this_site(request):
    referer = urlsplit(request.headers.get("Referer", ""))
    return bool(referer.netloc) and referer.netloc == request.get_host()
