"""Meetings of the mechanisms, at the precision the sources give, and their outcome documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curation.models import CitedModel, CuratedModel, curated_history
from apps.curation.partial_dates import PartialDateField
from apps.curation.validators import HttpURLValidator, slug_validator, unique_slug_constraint


class Meeting(CitedModel, CuratedModel):
    """One meeting of a mechanism: a ministerial conference, a workshop, a working group…"""

    class Kind(models.TextChoices):
        MINISTERIAL = "ministerial", _("Ministerial conference")
        SENIOR_OFFICIALS = "senior-officials", _("Senior officials' meeting")
        WORKING_GROUP = "working-group", _("Working group")
        WORKSHOP = "workshop", _("Workshop")
        SUMMIT = "summit", _("Summit")
        PREPARATORY = "preparatory", _("Preparatory meeting")
        TECHNICAL = "technical", _("Technical meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        FORTHCOMING = "forthcoming", _("Forthcoming")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(
        max_length=120, unique=True, validators=[slug_validator], help_text="Public identifier; never change it."
    )
    mechanism = models.ForeignKey("mechanisms.Mechanism", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.HELD, db_index=True)
    start = PartialDateField(bounds=True)
    start_earliest = models.DateField(null=True, editable=False, db_index=True)
    start_latest = models.DateField(null=True, editable=False)
    end = PartialDateField(bounds=True)
    end_earliest = models.DateField(null=True, editable=False)
    end_latest = models.DateField(null=True, editable=False)
    date_as_written = models.CharField(max_length=200, blank=True, help_text="The date as the source wrote it.")
    city = models.CharField(max_length=120, blank=True)
    host = models.ForeignKey(
        "states.State", null=True, blank=True, on_delete=models.PROTECT, related_name="hosted_meetings"
    )
    venue_as_written = models.CharField(max_length=200, blank=True)
    theme = models.TextField(blank=True, help_text="Theme or agenda.")
    note = models.TextField(blank=True, help_text="Public note.")

    date_ranges = (("start", "end"),)
    history = curated_history()

    class Meta:
        ordering = ["start_earliest", "start", "slug"]
        constraints = [unique_slug_constraint("meeting_slug_ci_unique", "meeting")]

    def __str__(self):
        return f"{self.title} ({self.date_as_written or self.start or 'undated'})"

    def natural_key(self):
        return (self.slug,)

    @property
    def year(self):
        return self.start_earliest.year if self.start_earliest else None


class Document(CitedModel, CuratedModel):
    """An outcome document: a declaration, action plan, communiqué, strategy or roadmap."""

    class Kind(models.TextChoices):
        DECLARATION = "declaration", _("Declaration")
        ACTION_PLAN = "action-plan", _("Action plan")
        COMMUNIQUE = "communique", _("Communiqué")
        STRATEGY = "strategy", _("Strategy")
        ROADMAP = "roadmap", _("Roadmap")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=120, unique=True, validators=[slug_validator])
    mechanism = models.ForeignKey("mechanisms.Mechanism", on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    title = models.CharField(max_length=400)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    date = PartialDateField(bounds=True)
    date_earliest = models.DateField(null=True, editable=False)
    date_latest = models.DateField(null=True, editable=False)
    url = models.URLField(blank=True, validators=[HttpURLValidator()])
    note = models.TextField(blank=True, help_text="Public note.")
    source_entry = models.OneToOneField(
        "curation.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="outcome_document",
        limit_choices_to={"kind": "document"}, verbose_name="in the source register as",
        help_text="The source of kind 'document' that is this document, when facts are cited to it; the "
                  "source then shows it as its recorded outcome document.",
    )

    history = curated_history()

    class Meta:
        ordering = ["date_earliest", "title"]
        constraints = [unique_slug_constraint("document_slug_ci_unique", "document")]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def _take_mechanism_from_meeting(self):
        """A document added under a meeting belongs to that meeting's mechanism."""
        if self.meeting_id and not self.mechanism_id:
            meeting = Meeting.objects.filter(pk=self.meeting_id)
            self.mechanism_id = meeting.values_list("mechanism_id", flat=True).first()

    def save(self, *args, **kwargs):
        self._take_mechanism_from_meeting()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self._take_mechanism_from_meeting()
        if self.meeting_id and self.mechanism_id and self.meeting.mechanism_id != self.mechanism_id:
            raise ValidationError({"meeting": "This meeting belongs to another mechanism."})
        if self.source_entry_id and self.source_entry.kind != "document":
            raise ValidationError({"source_entry": f"'{self.source_entry.slug}' is a "
                                                   f"{self.source_entry.get_kind_display().lower()}: only a source of "
                                                   "the kind 'document' can be an outcome document."})
