"""The review's classification of mechanisms (Annex D), shared by mechanisms and review entries."""

from django.db import models


class Kind(models.TextChoices):
    RCP = "rcp", "RCP"
    IRF = "irf", "IRF"
    OTHER = "other", "Other"


class Governance(models.TextChoices):
    STAND_ALONE = "stand-alone", "Stand-alone"
    PILLAR = "pillar", "Pillar"


class Status(models.TextChoices):
    EXPECTED = "expected", "Expected"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DISSOLVED = "dissolved", "Dissolved"
    SUCCEEDED = "succeeded", "Succeeded"
