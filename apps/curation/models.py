"""The base of every curated record, and the change sets that group their history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .partial_dates import PartialDateField, validate_range


class ChangeSet(models.Model):
    """One act of curation: an admin save, an import, a revert. Its history records point to it."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        IMPORT = "import", "Import"
        REVERT = "revert", "Revert"
        COMMAND = "command", "Command"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        when = self.created_at.strftime("%Y-%m-%d %H:%M") if self.created_at else "unsaved"
        return f"{self.get_kind_display()} {when}" + (f": {self.reason}" if self.reason else "")


class HistoricalChangeSetLink(models.Model):
    """Added to every historical model: the change set a historical record belongs to."""

    change_set = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


def curated_history(**kwargs):
    """The edit history every curated model keeps: who, when, why, before and after."""
    return HistoricalRecords(bases=[HistoricalChangeSetLink], **kwargs)


class CuratedModel(models.Model):
    """Fields and behaviour shared by every record a curator keeps.

    ``curator_note`` is private: it is never serialised for the public.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Incremented on every save; guards against lost updates."
    )
    curator_note = models.TextField(
        blank=True, help_text="Private note for curators. Never shown to the public."
    )
    last_verified = models.DateField(
        null=True, blank=True, help_text="When a curator last checked this record against its sources."
    )

    # Pairs of partial-date fields (start, end) that must not run backwards.
    date_ranges: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, PartialDateField) and field.bounds:
                field.fill_bounds(self)
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        for start, end in self.date_ranges:
            validate_range(getattr(self, start), getattr(self, end), start_field=start, end_field=end)


class NamePeriod(CuratedModel):
    """A name a record has or had, with the period it was valid; concrete models add the owner."""

    class Kind(models.TextChoices):
        FORMER = "former", "Former name"
        ALIAS = "alias", "Other name"
        SHORT = "short", "Short name"
        TRANSLATION = "translation", "Translation"

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ALIAS)
    valid_from = PartialDateField()
    valid_until = PartialDateField()

    date_ranges = (("valid_from", "valid_until"),)

    class Meta:
        abstract = True
        ordering = ["valid_from", "name"]

    def __str__(self):
        return self.name
