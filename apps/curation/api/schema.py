"""The OpenAPI schema of the public API: every operation also documents its error responses."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False,
        help_text="For a 400: each offending parameter with its reasons.",
    )


ERROR_RESPONSES = {
    "400": "A parameter is malformed, unknown or repeated; 'errors' names each one.",
    "404": "No such record, or a page past the end of the list.",
    "406": "The Accept header asks for a media type this operation does not serve.",
    "429": "Too many requests from this client; retry after the number of seconds in Retry-After.",
    "503": "The database is briefly unavailable; retry after the number of seconds in Retry-After.",
}


class PublicAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code, description in ERROR_RESPONSES.items():
                if code not in responses:
                    responses[code] = self._get_response_for_code(
                        OpenApiResponse(ErrorSerializer, description=description), code
                    )
        return responses
