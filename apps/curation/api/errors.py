"""Every API error is JSON with a message a person can act on."""

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        fields = ", ".join(sorted(errors))
        response.data = {"detail": f"Invalid request: check {fields}.", "errors": errors}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(exc)}
    return response


def api_not_found(request, exception=None):
    return JsonResponse({"detail": f"No API resource at {request.path}."}, status=404)


def api_server_error(request):
    return JsonResponse({"detail": "Internal error. It has been logged; please try again later."}, status=500)
