"""Review editions, their entries per mechanism, the discrepancies of their sources, and snapshots."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from apps.curation.models import CitedModel, CuratedModel, CuratedQuerySet, curated_history
from apps.curation.partial_dates import PartialDateField
from apps.curation.validators import HttpURLValidator, slug_validator, unique_slug_constraint
from apps.mechanisms.classification import Governance, Kind


class PublishedEditionManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status="published")


class ReviewEdition(CitedModel, CuratedModel):
    """One edition of the periodic review of regional consultation mechanisms."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in-review", "In review"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=400)
    authors = models.JSONField(default=list, blank=True, help_text="Author names, in the order printed.")
    publisher = models.CharField(max_length=200, blank=True)
    series = models.CharField(max_length=200, blank=True)
    series_number = models.CharField(max_length=20, blank=True)
    isbn = models.CharField("ISBN", max_length=20, blank=True)
    issn = models.CharField("ISSN", max_length=12, blank=True)
    published = PartialDateField(help_text="Publication date as printed ('2013-04').")
    url = models.URLField(blank=True, validators=[HttpURLValidator()])
    source = models.OneToOneField(
        "curation.Source", on_delete=models.PROTECT, related_name="edition", editable=False,
        help_text="The edition as an entry of the source register, which citations point to.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False,
        help_text="Moved by the editorial workflow (submit for review, publish), not edited by hand.",
    )
    cut_off = models.DateField(
        "cut-off date", null=True, blank=True,
        help_text="Changes proposed up to the end of this day (UTC) must be reviewed before the edition is "
                  "published; those proposed later wait for the next one. Empty: every pending proposal.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_snapshot = models.ForeignKey(
        "reviews.Snapshot", null=True, blank=True, on_delete=models.PROTECT, editable=False, related_name="+",
        help_text="The snapshot frozen when the edition was published: its citable form, which must stay.",
    )

    objects = CuratedQuerySet.as_manager()
    published_editions = PublishedEditionManager()
    history = curated_history()

    class Meta:
        ordering = ["year", "slug"]
        constraints = [unique_slug_constraint("reviewedition_slug_ci_unique", "review edition")]
        permissions = [("publish_reviewedition", "Can run the editorial workflow and publish an edition")]

    def __str__(self):
        authors = ", ".join(self.authors)
        return f"{authors} ({self.year})" if authors else self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class ReviewEntry(CuratedModel):
    """How one edition classified and described one mechanism, and where it stands in the workflow.

    ``responsible`` and ``reviewer_comment`` are private to the editorial team.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for review"
        APPROVED = "approved", "Approved"

    edition = models.ForeignKey(ReviewEdition, on_delete=models.CASCADE, related_name="entries")
    mechanism = models.ForeignKey(
        "mechanisms.Mechanism", on_delete=models.CASCADE, related_name="review_entries"
    )
    section = models.CharField(max_length=20, blank=True, help_text="The edition's section, e.g. '3.1.2'.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    governance = models.CharField(max_length=12, choices=Governance.choices)
    region = models.ForeignKey("mechanisms.Region", on_delete=models.PROTECT, related_name="+")
    background = models.TextField(blank=True)
    agenda = models.TextField(blank=True, help_text="Recent meetings and the evolution of the agenda.")
    linkages = models.TextField(blank=True, help_text="Linkages with multilateral agreements.")
    taxonomic_placement = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False,
        help_text="Moved by the workflow (mark ready, approve), not edited by hand.",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The curator in charge of this entry. Private.",
    )
    reviewer_comment = models.TextField(blank=True, help_text="Comments of the reviewers. Private.")

    history = curated_history()

    class Meta:
        ordering = ["edition__year", "section", "mechanism__slug"]
        verbose_name_plural = "review entries"
        constraints = [
            models.UniqueConstraint(fields=["edition", "mechanism"], name="one_entry_per_edition_and_mechanism")
        ]

    def __str__(self):
        return f"{self.mechanism} in {self.edition}"


class LeftOut(CuratedModel):
    """A mechanism of the dataset that an edition leaves out, and why; its report states the reason.

    An edition is published only when each mechanism of the dataset has an entry in it or is left out
    (apps/dataset/publishing.py); the reason is public with the edition's report.
    """

    edition = models.ForeignKey(ReviewEdition, on_delete=models.CASCADE, related_name="left_out")
    mechanism = models.ForeignKey("mechanisms.Mechanism", on_delete=models.CASCADE, related_name="left_out_of")
    reason = models.TextField(help_text="Why the edition leaves the mechanism out, as the report will state it.")

    history = curated_history()

    class Meta:
        ordering = ["edition__year", "mechanism__slug"]
        verbose_name = "mechanism left out"
        verbose_name_plural = "mechanisms left out"
        constraints = [
            models.UniqueConstraint(fields=["edition", "mechanism"], name="left_out_once_per_edition",
                                    violation_error_message="This mechanism is already left out of the edition.")
        ]

    def __str__(self):
        return f"{self.mechanism} left out of {self.edition}"

    def clean(self):
        super().clean()
        if not self.reason.strip():
            raise ValidationError({"reason": "Say why the edition leaves this mechanism out."})
        if self.edition_id and self.mechanism_id and ReviewEntry.objects.filter(
                edition_id=self.edition_id, mechanism_id=self.mechanism_id).exists():
            raise ValidationError({"mechanism": "The edition has an entry for this mechanism: delete the entry "
                                                "first, or keep the mechanism in."})


class Discrepancy(CuratedModel):
    """A place where the sources contradict each other (or one contradicts itself), with the value we
    recorded and the other one, each with the source and the place in it that gives it."""

    mechanism = models.ForeignKey(
        "mechanisms.Mechanism", on_delete=models.CASCADE, related_name="discrepancies"
    )
    subject = models.CharField(
        max_length=200, help_text="What the sources disagree on: a field, or e.g. 'meeting <slug> title'."
    )
    recorded = models.TextField(blank=True, help_text="The value recorded in the data (may be empty).")
    recorded_source = models.ForeignKey("curation.Source", on_delete=models.PROTECT, related_name="+",
                                        help_text="The source of the recorded value.")
    recorded_locator = models.CharField(max_length=500)
    conflicting = models.TextField(blank=True, help_text="The value the other passage gives (may be empty).")
    conflicting_source = models.ForeignKey("curation.Source", on_delete=models.PROTECT, related_name="+",
                                           help_text="The source that gives the other value.")
    conflicting_locator = models.CharField(max_length=500)
    note = models.TextField(blank=True, help_text="Why the recorded value was chosen.")
    position = models.PositiveSmallIntegerField(default=0)

    history = curated_history()

    class Meta:
        ordering = ["mechanism__slug", "position", "pk"]
        verbose_name_plural = "discrepancies"

    def __str__(self):
        return f"{self.mechanism}: {self.subject}"


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SnapshotImmutable("Snapshots cannot be changed.")

    def delete(self):
        raise SnapshotImmutable("Snapshots cannot be deleted.")

    def public(self):
        return self.filter(edition__status=ReviewEdition.Status.PUBLISHED)


class SnapshotImmutable(Exception):
    """Raised on any attempt to change or delete a snapshot."""


class IssuedSnapshot(models.Model):
    """The register of every snapshot slug ever issued, with its checksum: a slug is never given twice.

    It has no foreign key to the snapshot, so that it outlives a snapshot removed by force, and
    ``manage.py snapshot verify`` can tell that a cited snapshot has gone. Rows are never changed or
    deleted (database triggers refuse it).
    """

    slug = models.SlugField(max_length=100, unique=True)
    checksum = models.CharField("SHA-256", max_length=64)
    edition_slug = models.CharField(max_length=60)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at", "slug"]

    def __str__(self):
        return self.slug


class Snapshot(models.Model):
    """A frozen, citable, checksummed copy of the whole published dataset at one moment.

    ``content`` holds the canonical JSON (gzip-compressed); ``checksum`` is the SHA-256 of the
    uncompressed canonical JSON, so the same data always gives the same checksum. A snapshot is
    never changed or deleted: the model, its queryset, the admin and a database trigger refuse it.
    """

    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    edition = models.ForeignKey(ReviewEdition, on_delete=models.PROTECT, related_name="snapshots")
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Private.",
    )
    as_of = models.DateTimeField(help_text="The moment whose data the snapshot holds.")
    checksum = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(help_text="Bytes of canonical JSON.")
    counts = models.JSONField(default=dict, help_text="Records per kind, for listings.")
    content = models.BinaryField(help_text="Canonical JSON, gzip-compressed.")

    objects = SnapshotQuerySet.as_manager()
    bumps_data_version = True  # a new snapshot is new public data

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SnapshotImmutable("Snapshots cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SnapshotImmutable("Snapshots cannot be deleted.")

    @property
    def is_public(self):
        return self.edition.status == ReviewEdition.Status.PUBLISHED
