"""States (every ISO 3166-1 entry, plus Kosovo) and organisations, with their names over time."""

import datetime

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.curation.models import CitedModel, CuratedModel, NamePeriod, curated_history
from apps.curation.partial_dates import parse_or_none_lenient
from apps.curation.validators import (
    HttpURLValidator,
    alpha2_validator,
    alpha3_validator,
    numeric_validator,
    slug_validator,
    unique_slug_constraint,
)


class State(CitedModel, CuratedModel):
    """A country or territory. Its public identifier is the ISO 3166-1 alpha-3 code."""

    class Kind(models.TextChoices):
        SOVEREIGN = "sovereign", _("Sovereign state")
        TERRITORY = "territory", _("Territory")
        SPECIAL_STATUS = "special-status", _("Special status")

    alpha3 = models.CharField("alpha-3 code", max_length=3, unique=True, validators=[alpha3_validator])
    alpha2 = models.CharField("alpha-2 code", max_length=2, unique=True, validators=[alpha2_validator])
    numeric = models.CharField(
        "numeric code", max_length=3, blank=True, validators=[numeric_validator],
        help_text="ISO 3166-1 numeric; empty where ISO assigns none (Kosovo).",
    )
    name = models.CharField(max_length=200, help_text="Current short name.")
    official_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SOVEREIGN, db_index=True)
    sovereign = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="territories",
        help_text="For a territory, the state it belongs to.",
    )
    note = models.TextField(blank=True, help_text="Public note, e.g. the basis of a special status.")

    history = curated_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("alpha3"), name="state_alpha3_ci_unique",
                                    violation_error_message="A state with this alpha-3 code already exists."),
            models.UniqueConstraint(Lower("alpha2"), name="state_alpha2_ci_unique",
                                    violation_error_message="A state with this alpha-2 code already exists."),
            models.UniqueConstraint(
                fields=["numeric"], condition=~models.Q(numeric=""), name="state_numeric_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.alpha3,)


class StateName(CitedModel, NamePeriod):
    """Another name of a state: a former name ('Swaziland'), a variant the sources use ('Russia')."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="names")

    history = curated_history()

    class Meta(NamePeriod.Meta):
        verbose_name = "state name"

    def is_valid_on(self, day=None):
        day = day or datetime.date.today()
        start, end = parse_or_none_lenient(self.valid_from), parse_or_none_lenient(self.valid_until)
        return (start is None or start.earliest <= day) and (end is None or day <= end.latest)


class Organization(CitedModel, CuratedModel):
    """An organisation, bloc or cooperation framework: IOM, ECOWAS, the EU, the ACP Group, ASEM…"""

    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        UN = "un", _("United Nations body")
        REGIONAL_COMMUNITY = "regional-community", _("Regional organisation or economic community")
        EU = "eu", _("European Union institution or agency")
        BLOC = "bloc", _("Group of states")
        DEVELOPMENT_BANK = "development-bank", _("Development bank")
        NGO = "ngo", _("Non-governmental organisation")
        RESEARCH = "research", _("Research institution")
        NATIONAL_AGENCY = "national-agency", _("National agency")
        SECRETARIAT = "secretariat", _("Secretariat")
        FRAMEWORK = "framework", _("Cooperation framework")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=80, unique=True, validators=[slug_validator])
    acronym = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies",
        help_text="For a national agency, its state.",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        help_text="E.g. the organisation a secretariat belongs to.",
    )
    website = models.URLField(blank=True, validators=[HttpURLValidator()])

    history = curated_history()

    class Meta:
        ordering = ["name"]
        constraints = [unique_slug_constraint("organization_slug_ci_unique", "organisation")]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def short_name(self):
        return self.acronym or self.name


class OrganizationName(CitedModel, NamePeriod):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="other_names")

    history = curated_history()

    class Meta(NamePeriod.Meta):
        verbose_name = "organisation name"
