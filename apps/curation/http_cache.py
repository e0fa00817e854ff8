"""HTTP caching of the public API and pages, by the data version.

For an anonymous GET or HEAD of a public path (``settings.PUBLIC_CACHE_PATHS``):

- the data version is read (one query, through the public-read route to the replica);
- the ETag is a strong validator made of that version and what selects the representation (scheme,
  host, path, query string, Accept), Last-Modified is the moment of the version;
- If-None-Match / If-Modified-Since that still match get a 304 here, before any view, filter or
  serializer runs;
- otherwise a response of a server-cached path (``settings.SERVER_CACHE_PATHS``: the API and every page,
  in each language) is looked up in Django's cache under a key holding the version, and built (then
  stored) only when missing. A write moves the version on, so no key that an older state of the data
  filled is ever asked for again: nothing to delete, no stale answer, and old entries expire by
  themselves. An answer that gave its visitor something of their own (a cookie, a CSRF token, a session
  change) is not stored;
- 200 responses carry ``Cache-Control: public, max-age=settings.PUBLIC_CACHE_MAX_AGE``;
- an API answer given here (a 304, a cache hit) first passes the API's throttles, as the view would.

Everything else (the admin, any other method, a signed-in curator) passes through untouched.
"""

import hashlib
import re
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from . import data_version
from .api.errors import exception_handler as api_exception_handler
from .db_router import public_reads

_SKIPPED_HEADERS = {"set-cookie", "content-length"}


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def public_paths(self):
        return [re.compile(pattern) for pattern in settings.PUBLIC_CACHE_PATHS]

    @cached_property
    def server_cached_paths(self):
        return [re.compile(pattern) for pattern in settings.SERVER_CACHE_PATHS]

    def __call__(self, request):
        if not self.is_public(request):
            return self.get_response(request)
        with public_reads():
            return self.respond(request)

    def is_public(self, request):
        if request.method not in {"GET", "HEAD"}:
            return False
        if not any(pattern.match(request.path_info) for pattern in self.public_paths):
            return False
        user = getattr(request, "user", None)
        return not (user and user.is_authenticated)

    def respond(self, request):
        version = data_version.current()
        key = representation_key(request, version)
        etag, last_modified = f'"{key[:40]}"', int(version.changed_at.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is not None:
            response = throttled(request) or response
        else:
            response = self.cached_or_built(request, key)
        if response.status_code in {200, 304}:
            response.headers["ETag"] = etag
            response.headers["Last-Modified"] = http_date(last_modified)
            response.headers["Cache-Control"] = f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}"
            patch_vary_headers(response, ["Accept"])
        return response

    def cached_or_built(self, request, key):
        timeout = settings.SERVER_CACHE_TIMEOUT
        if not timeout or not any(pattern.match(request.path_info) for pattern in self.server_cached_paths):
            return self.get_response(request)
        cache_key = f"public-response:{key}"
        stored = cache.get(cache_key)
        if stored is not None:
            refused = throttled(request)
            if refused:
                return refused
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            response.headers["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming and not response.cookies and not personal(request):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, value) for name, value in response.items() if name.lower() not in _SKIPPED_HEADERS]
            cache.set(cache_key, (response.content, headers), timeout)
            response.headers["X-Cache"] = "miss"
        return response


def personal(request):
    """Whether building the answer gave this visitor something of their own: a CSRF token (a form to post),
    or a change to their session. Such an answer is never kept for others."""
    session = getattr(request, "session", None)
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.modified))


def throttled(request):
    """The API's 429 when this client is past its rate, for answers given without the view (where DRF throttles).

    A request answered here (304 or cache hit) counts against the client's rate exactly like one the view
    answers; one that goes on to the view is counted there, once.
    """
    if not request.path_info.startswith("/api/"):
        return None
    for throttle in (throttle_class() for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES):
        if not throttle.allow_request(request, None):
            response = api_exception_handler(exceptions.Throttled(throttle.wait()), {})
            response.accepted_renderer, response.accepted_media_type = JSONRenderer(), "application/json"
            response.renderer_context = {}
            return response.render()
    return None


def representation_key(request, version):
    """Names one representation of one resource in one state of the data."""
    parts = (
        version.token, request.scheme, request.get_host(), request.path, request.META.get("QUERY_STRING", ""),
        request.META.get("HTTP_ACCEPT", ""),
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
