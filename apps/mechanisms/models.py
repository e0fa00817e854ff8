"""Consultation mechanisms on migration and the participations of states and organisations in them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.curation.models import CitedModel, CuratedModel, NamePeriod, curated_history
from apps.curation.partial_dates import PartialDateField, parse_or_none_lenient
from apps.curation.validators import HttpURLValidator, slug_validator, unique_slug_constraint

from .classification import Governance, Kind, Status


class Region(CitedModel, CuratedModel):
    """A regional grouping of the review (Annex A), such as 'Africa with Europe'."""

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    history = curated_history()

    class Meta:
        ordering = ["order", "name"]
        constraints = [unique_slug_constraint("region_slug_ci_unique", "region")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Theme(CuratedModel):
    """A term of the controlled vocabulary onto which mechanisms' objectives are mapped."""

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = curated_history()

    class Meta:
        ordering = ["name"]
        constraints = [unique_slug_constraint("theme_slug_ci_unique", "theme")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Mechanism(CitedModel, CuratedModel):
    """A regional consultative process (RCP), interregional forum (IRF) or other mechanism."""

    Kind = Kind
    Governance = Governance
    Status = Status

    slug = models.SlugField(
        max_length=60, unique=True, validators=[slug_validator], help_text="Public identifier; never change it."
    )
    acronym = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="mechanisms")
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    governance = models.CharField(max_length=12, choices=Governance.choices, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_note = models.TextField(blank=True)
    founded = PartialDateField(bounds=True)
    founded_earliest = models.DateField(null=True, editable=False, db_index=True)
    founded_latest = models.DateField(null=True, editable=False)
    ended = PartialDateField(bounds=True)
    ended_earliest = models.DateField(null=True, editable=False)
    ended_latest = models.DateField(null=True, editable=False)
    parent_framework = models.ForeignKey(
        "states.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pillar_mechanisms",
        help_text="The broader framework this mechanism is a pillar of, or is closely tied to.",
    )
    predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="successors"
    )
    website = models.URLField(blank=True, validators=[HttpURLValidator()])
    objectives = models.TextField(blank=True)
    secretariat_note = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="mechanisms")

    date_ranges = (("founded", "ended"),)
    history = curated_history(m2m_fields=[themes])

    class Meta:
        ordering = ["name"]
        constraints = [unique_slug_constraint("mechanism_slug_ci_unique", "mechanism")]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym not in self.name else self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("mechanisms:detail", kwargs={"slug": self.slug})

    @property
    def short_name(self):
        return self.acronym or self.name

    def clean(self):
        super().clean()
        self._validate_predecessor_chain()

    def _validate_predecessor_chain(self):
        seen = {self.pk} if self.pk else set()
        current = self.predecessor
        while current is not None:
            if current.pk in seen or current == self:
                raise ValidationError(
                    {"predecessor": "A mechanism cannot succeed itself, directly or through a chain."}
                )
            seen.add(current.pk)
            current = current.predecessor


class MechanismName(CitedModel, NamePeriod):
    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="other_names")

    history = curated_history()

    class Meta(NamePeriod.Meta):
        verbose_name = "other name"


def _bounds(start, end):
    first, last = parse_or_none_lenient(start), parse_or_none_lenient(end)
    return (first.earliest if first else datetime.date.min, last.latest if last else datetime.date.max)


TRANSITION_RULE = ("A role that ends on a date and another role that starts on that same date are a transition "
                   "(e.g. expected member until 2013-06-05, member from 2013-06-05), not an overlap.")


def is_transition(end, start):
    """True when one role ends on the very date another starts: the one rule for role transitions."""
    first, last = parse_or_none_lenient(end), parse_or_none_lenient(start)
    return first is not None and first == last


def role_conflict(participation, other):
    """A message when two standing roles of one participant in one mechanism overlap in time, else ''.

    Works on anything with ``role``, ``start``, ``end`` and a readable participant: model rows, or the
    rows of a file being imported. See TRANSITION_RULE: an end and a start on the same date do not overlap.
    """
    if participation.role == other.role or not {participation.role, other.role} <= Participation.STANDING_ROLES:
        return ""
    if is_transition(participation.end, other.start) or is_transition(other.end, participation.start):
        return ""
    a_start, a_end = _bounds(participation.start, participation.end)
    b_start, b_end = _bounds(other.start, other.end)
    if a_start > b_end or b_start > a_end:
        return ""
    labels = dict(Participation.Role.choices)
    period = f"from {other.start or 'an unknown start'} to {other.end or 'now'}"
    return (f"Already recorded as {labels[other.role].lower()} ({period}); a participant holds one of member, "
            f"observer and their expected, suspended or intermittent forms at a time. End the other role, or give "
            f"both periods so that they do not overlap. {TRANSITION_RULE}")


def standing_role_conflicts(rows, stored=()):
    """[(row, message)] for each row of ``rows`` whose standing role overlaps another participation's.

    ``rows`` are the participations being saved together (their new values); ``stored`` are the ones
    already in the database, of which those among ``rows`` (same pk) or ``deleted`` are replaced by
    what is being saved. Every row is compared with every other of the same participant.
    """
    pending = {row.pk for row in rows if row.pk}
    everyone = [*rows, *(row for row in stored if row.pk not in pending)]
    conflicts = []
    for row in rows:
        for other in everyone:
            if other is row or (row.pk and other.pk == row.pk):
                continue
            if (other.state_id, other.organization_id) != (row.state_id, row.organization_id):
                continue
            message = role_conflict(row, other)
            if message:
                conflicts.append((row, message))
                break
    return conflicts


class Participation(CitedModel, CuratedModel):
    """A state or an organisation taking part in a mechanism in one role, over a period."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        EXPECTED_MEMBER = "expected-member", _("Expected member")
        SUSPENDED_MEMBER = "suspended-member", _("Suspended member")
        OBSERVER = "observer", _("Observer")
        EXPECTED_OBSERVER = "expected-observer", _("Expected observer")
        INTERMITTENT_OBSERVER = "intermittent-observer", _("Intermittent observer")
        PARTNER = "partner", _("Partner")
        SECRETARIAT = "secretariat", _("Secretariat")
        CHAIR = "chair", _("Chair or co-chair")
        STEERING_GROUP = "steering-group", _("Steering group")

    mechanism = models.ForeignKey(Mechanism, on_delete=models.CASCADE, related_name="participations")
    state = models.ForeignKey(
        "states.State", null=True, blank=True, on_delete=models.PROTECT, related_name="participations"
    )
    organization = models.ForeignKey(
        "states.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(max_length=24, choices=Role.choices, db_index=True)
    as_written = models.CharField(
        max_length=300, blank=True, help_text="The participant's name exactly as the source wrote it."
    )
    start = PartialDateField(bounds=True)
    start_earliest = models.DateField(null=True, editable=False)
    start_latest = models.DateField(null=True, editable=False)
    end = PartialDateField(bounds=True)
    end_earliest = models.DateField(null=True, editable=False)
    end_latest = models.DateField(null=True, editable=False)
    note = models.TextField(blank=True, help_text="Public note qualifying the participation.")

    date_ranges = (("start", "end"),)
    history = curated_history()

    class Meta:
        ordering = ["mechanism__slug", "role", "as_written", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(state__isnull=False, organization__isnull=True)
                    | models.Q(state__isnull=True, organization__isnull=False)
                ),
                name="participation_has_one_participant",
                violation_error_message="A participation names either a state or an organisation, not both.",
            ),
        ]

    def __str__(self):
        return f"{self.participant} — {self.get_role_display()} of {self.mechanism.short_name}"

    @property
    def participant(self):
        return self.state or self.organization

    # A participant holds one of these at a time in a mechanism; the others (partner, secretariat, chair,
    # steering group) combine with any of them.
    STANDING_ROLES = frozenset({Role.MEMBER, Role.EXPECTED_MEMBER, Role.SUSPENDED_MEMBER, Role.OBSERVER,
                                Role.EXPECTED_OBSERVER, Role.INTERMITTENT_OBSERVER})

    # Set when the rule is checked on all the rows saved together (validate_together) instead of row by row.
    _checked_with_siblings = False
    # Set by a writer that holds the mechanism's participations (the import, which validates a file's rows one
    # by one before writing them together): clean() compares the row with these instead of reading them again,
    # a query per row. They are the rows as stored, and the new rows accepted before this one.
    stored_siblings = None

    def clean(self):
        super().clean()
        if bool(self.state_id) == bool(self.organization_id):
            raise ValidationError("Choose either a state or an organisation as the participant.")
        known = self.mechanism_id or self.stored_siblings is not None  # siblings given: a new mechanism's rows too
        if known and self.role in self.STANDING_ROLES and not self._checked_with_siblings:
            roles = self.STANDING_ROLES - {self.role}
            if self.stored_siblings is None:
                others = Participation.objects.filter(
                    mechanism_id=self.mechanism_id, state_id=self.state_id, organization_id=self.organization_id,
                    role__in=roles,
                ).exclude(pk=self.pk)
            else:  # the same rows, in the same order (the model's), from memory; rows not yet written count too
                others = sorted((other for other in self.stored_siblings if other is not self
                                 and (other.pk is None or other.pk != self.pk) and other.role in roles
                                 and (other.state_id, other.organization_id) == (self.state_id, self.organization_id)),
                                key=lambda other: (other.role, other.as_written, other.pk is None, other.pk or 0))
            for _row, message in standing_role_conflicts([self], others):
                raise ValidationError({"role": message})

    @classmethod
    def validate_together(cls, mechanism_id, rows, deleted=()):
        """Check the standing-role rule on rows saved together (an admin page, an action, a bulk add), against
        each other and the mechanism's other participations: [(row, message)] for the rows in conflict."""
        gone = {row.pk for row in deleted if row.pk}
        stored = [row for row in cls.objects.filter(mechanism_id=mechanism_id, role__in=cls.STANDING_ROLES)
                  if row.pk not in gone]
        standing = [row for row in rows if row.role in cls.STANDING_ROLES]
        return standing_role_conflicts(standing, stored)
