"""Throttles of anonymous readers, the API's and the pages', counted in one cache that every process and
machine shares (``settings.CACHES["throttle"]``: Redis when REDIS_URL is set, else the database), so that
a rate means the same with one worker or twenty."""

import math
import re
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from rest_framework.throttling import AnonRateThrottle


class SharedAnonRateThrottle(AnonRateThrottle):
    """The API's anonymous rate (scope 'anon', API_THROTTLE_RATE), counted across processes."""

    cache = caches["throttle"]

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        # Every client it counts is anonymous (the API authenticates nobody; the pages' middleware and the
        # public cache ask only for readers not signed in). A request answered before the view (a 304, a
        # cache hit) carries no user at all when it took the short way past authentication.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PageRateThrottle(SharedAnonRateThrottle):
    """The public pages' anonymous rate (scope 'pages', PAGE_THROTTLE_RATE)."""

    scope = "pages"


class PageThrottleMiddleware:
    """Anonymous reads of the public pages count against the client's page rate, whether answered by the
    view, the server-side cache or a 304; past it, 429 with Retry-After. The API throttles itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def page_paths(self):
        return [re.compile(pattern) for pattern in settings.PUBLIC_PAGE_PATHS]

    def __call__(self, request):
        if self.applies(request):
            throttle = PageRateThrottle()
            if not throttle.allow_request(request, None):
                wait = math.ceil(throttle.wait() or 1)
                response = HttpResponse(f"Too many requests from your address; retry after {wait} seconds.\n",
                                        status=429, content_type="text/plain; charset=utf-8")
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)

    def applies(self, request):
        if request.method not in {"GET", "HEAD"} or not any(p.match(request.path_info) for p in self.page_paths):
            return False
        user = getattr(request, "user", None)
        return not (user and user.is_authenticated)
