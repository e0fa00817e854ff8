"""Each curator request that writes is one change set."""

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
