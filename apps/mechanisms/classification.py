"""The review's classification of mechanisms (Annex D), shared by mechanisms and review entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RCP = "rcp", _("RCP")
    IRF = "irf", _("IRF")
    OTHER = "other", _("Other")


class Governance(models.TextChoices):
    STAND_ALONE = "stand-alone", _("Stand-alone")
    PILLAR = "pillar", _("Pillar")


class Status(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DISSOLVED = "dissolved", _("Dissolved")
    SUCCEEDED = "succeeded", _("Succeeded")
