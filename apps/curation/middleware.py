"""Request-wide behaviour: a change set per curator request that writes, and the query-string guard."""

from django.http import HttpResponseBadRequest, JsonResponse

from .history import recording
from .models import ChangeSet


class ChangeSetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method in {"GET", "HEAD", "OPTIONS"} or not (user and user.is_authenticated):
            return self.get_response(request)
        with recording(kind=ChangeSet.Kind.EDIT, user=user):
            return self.get_response(request)


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
