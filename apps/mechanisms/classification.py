"""The review's classification of mechanisms (Annex D), shared by mechanisms and review entries.

The 2013 edition classifies mechanisms as RCPs, IRFs or other; the supporting organisation now also speaks
of global processes (its three tiers: regional, interregional, global). Each edition's entries hold the
classification of that edition, so a later edition may say ``global`` where the 2013 one said ``other``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RCP = "rcp", _("RCP")
    IRF = "irf", _("IRF")
    GLOBAL = "global", _("Global process")
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


def within_sentence(label):
    """A classification's label as written inside a sentence: 'Other' as 'other', 'Autre' as 'autre'; an
    acronym ('RCP', 'PCR') as it is."""
    label = str(label)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
