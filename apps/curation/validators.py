"""Validators for the natural keys of the dataset."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "Use lowercase letters, digits and single hyphens, e.g. 'bali-process'.",
)
alpha3_validator = RegexValidator(r"^[A-Z]{3}$", "Use the three capital letters of ISO 3166-1 alpha-3, e.g. 'IDN'.")
alpha2_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two capital letters of ISO 3166-1 alpha-2, e.g. 'ID'.")
numeric_validator = RegexValidator(r"^\d{3}$", "Use the three digits of ISO 3166-1 numeric, e.g. '360'.")
language_tag_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Use a language tag (BCP 47), e.g. 'fr', 'es' or 'pt-BR'."
)


def unique_slug_constraint(name, label):
    """Slugs are unique whatever their case: 'Bali-Process' may not sit beside 'bali-process'."""
    return models.UniqueConstraint(
        Lower("slug"), name=name,
        violation_error_message=f"A {label} with this slug already exists (slugs are compared without regard to case).",
    )


class HttpURLValidator(URLValidator):
    """A well-formed http or https URL (RFC 3986): Django's URL check, then nothing but the characters a URL
    may hold, each '%' starting an escape. A quote, an angle bracket, a space or a brace cannot slip a
    value out of an attribute or break the API's ``format: uri``."""

    schemes = ["http", "https"]
    message = ("Enter a well-formed http:// or https:// address: letters, digits and - . _ ~ : / ? # [ ] @ ! $ & "
               "' ( ) * + , ; = only, other characters written as %%XX.")
    _outside = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]|%(?![0-9A-Fa-f]{2})")

    def __call__(self, value):
        super().__call__(value)
        if self._outside.search(str(value)):
            raise ValidationError(self.message, code=self.code, params={"value": value})
