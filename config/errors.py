"""Site-wide error handlers: JSON under /api/, the site's own pages elsewhere.

A request that fails because the database cannot be reached (a lost connection, a database that is
down or restarting) is answered 503 Service Unavailable with Retry-After, not 500: the client did
nothing wrong and may simply try again. ``DatabaseRetryMiddleware`` first retries a safe request once.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from apps.curation.api.errors import api_not_found, api_server_error

RETRY_AFTER_SECONDS = 30


def _is_api(request):
    return request.path.startswith("/api/")


def not_found(request, exception):
    if _is_api(request):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def database_unavailable(request):
    if _is_api(request):
        response = JsonResponse({"detail": "The database is briefly unavailable; nothing was changed. Retry after "
                                           f"{RETRY_AFTER_SECONDS} seconds."}, status=503)
    else:
        page = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.database_unavailable = True  # read by DatabaseRetryMiddleware
    return response


def server_error(request):
    _kind, error, _traceback = sys.exc_info()
    if isinstance(error, (OperationalError, InterfaceError)):
        return database_unavailable(request)
    if _is_api(request):
        return api_server_error(request)
    return defaults.server_error(request)
