"""Request-wide behaviour: a change set per curator request that writes, the query-string guard, the
methods the public pages answer, one retry of a safe request that lost its database connection, and the
short way of anonymous API reads past sessions, authentication and messages."""

import re
from functools import cached_property

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import connections
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse

from . import proposals, review
from .history import recording
from .models import ChangeSet


class ChangeSetMiddleware:
    """A change set per request that writes; a curator's writes, whatever the admin path, become a proposal for
    review. (An editor's save of a record's form is a proposal too, unless approved on saving: review.edit_record.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in {"GET", "HEAD", "OPTIONS"} or not (user and user.is_authenticated):
            return self.get_response(request)
        with recording(kind=ChangeSet.Kind.EDIT, user=user):
            if not proposals.needs_review(user):
                return self.get_response(request)
            with proposals.capturing(user) as capture:
                response = self.get_response(request)
        if capture.change_set is None:
            return response
        return review.proposed(request, response, capture.change_set)


class QueryStringGuardMiddleware:
    """Refuse query strings no public reader could mean, before any view or database sees them.

    - A NUL character anywhere (PostgreSQL cannot even compare with it): 400.
    - Under /api/, a parameter given more than once: 400 naming it (every API parameter takes one value).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": f"Invalid request: {problem}", "errors": {"query": [problem]}}, status=400)
        return HttpResponseBadRequest(f"Invalid request: {problem}", content_type="text/plain; charset=utf-8")

    @staticmethod
    def problem(request):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return f"the parameter {key.replace(chr(0), '')!r} contains a NUL character."
            if len(values) > 1 and request.path.startswith("/api/"):
                return f"the parameter {key!r} is given {len(values)} times; give it once."
        return None


class DatabaseRetryMiddleware:
    """A GET or HEAD that failed because its database connection was lost is tried once more, on a new
    connection; if that fails too, the 503 of ``config.errors`` stands. Nothing else is retried: a
    write may have happened, and a request inside a transaction cannot start over.

    So a GET or HEAD does not ping its kept connection before using it (``CONN_HEALTH_CHECKS``): a lost
    one fails its first query and the request is retried, where the ping cost every read a round trip.
    Other requests keep the ping."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in {"GET", "HEAD"}
        if safe:
            for connection in connections.all(initialized_only=True):
                connection.health_check_done = True
        response = self.get_response(request)
        if not getattr(response, "database_unavailable", False) or not safe:
            return response
        opened = connections.all(initialized_only=True)
        if any(connection.in_atomic_block for connection in opened):
            return response
        for connection in opened:
            connection.close_if_unusable_or_obsolete()
        return self.get_response(request)


class PageMethodsMiddleware:
    """The public pages are read with GET and HEAD; any other method (POST, OPTIONS, TRACE, ...) is a 405
    naming those two, before sessions, CSRF or any view see the request. The API answers for itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def page_paths(self):
        return [re.compile(pattern) for pattern in settings.PUBLIC_PAGE_PATHS]

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"} and any(p.match(request.path_info) for p in self.page_paths):
            response = HttpResponseNotAllowed(["GET", "HEAD"], content_type="text/plain; charset=utf-8")
            response.content = f"{request.method[:20]} is not allowed here: the pages are read with GET or HEAD.\n"
            return response
        return self.get_response(request)


def anonymous_api_read(request):
    """A read of the public API by someone not signed in: GET, HEAD or OPTIONS under /api/, no session cookie.

    The API is anonymous (no authentication in DRF): such a request needs no session, user or messages.
    A request that carries a session cookie (a curator signed in to the admin) takes the full way, so it
    is still recognised as signed in (its reads go to the primary database, it skips the public cache).
    """
    return (request.method in {"GET", "HEAD", "OPTIONS"} and request.path_info.startswith("/api/")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES)


class SkippedOnAnonymousAPIReads:
    """A middleware that an anonymous API read passes by (``anonymous_api_read``); every other request,
    the admin's and the pages' included, goes through it as through Django's own."""

    def __call__(self, request):
        if anonymous_api_read(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(SkippedOnAnonymousAPIReads, DjangoSessionMiddleware):
    pass


class AuthenticationMiddleware(SkippedOnAnonymousAPIReads, DjangoAuthenticationMiddleware):
    pass


class MessageMiddleware(SkippedOnAnonymousAPIReads, DjangoMessageMiddleware):
    pass
