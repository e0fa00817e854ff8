"""Data-quality checks: what in the data needs a curator's attention, and what blocks publishing.

Each check yields Problems; a blocking problem stops an edition from being published. The report is
shown by ``manage.py check_data`` and on the admin's data-quality page, and asked by the editorial
workflow before publishing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apps.curation.models import Citation
from apps.curation.partial_dates import parse_or_none
from apps.mechanisms.models import Mechanism, Participation
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Discrepancy
from apps.states.models import Organization, State

BLOCKING = "blocking"
WARNING = "warning"
NOTE = "note"

VERIFICATION_MAX_AGE = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Problem:
    check: str  # the check's name, e.g. 'missing-citation'
    severity: str  # BLOCKING, WARNING or NOTE
    record: str  # the record, as a curator reads it
    message: str  # what is wrong and what to do
    admin_url: str = ""  # where to fix it

    @property
    def blocking(self):
        return self.severity == BLOCKING


def _admin_url(instance):
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def _without_citations(model):
    cited = Citation.objects.current().filter(
        content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
    )
    return model.objects.filter(~Exists(cited))


def check_missing_citations():
    """Every mechanism, participation, meeting and document must say where the review states it."""
    for model, related in ((Mechanism, ()), (Participation, ("mechanism", "state", "organization")),
                           (Meeting, ("mechanism",)), (Document, ("mechanism",))):
        for instance in _without_citations(model).select_related(*related):
            yield Problem("missing-citation", BLOCKING, f"{model._meta.verbose_name}: {instance}",
                          "No source is cited. Add the source and locator (e.g. 'Annex B') that state it.",
                          _admin_url(instance))


def check_uncited_changes():
    """A value a curator changed needs its own citation: the ones it had supported the old value."""
    superseded = Citation.objects.filter(superseded_at__isnull=False).order_by("superseded_at", "pk")
    subjects = {(c.content_type_id, c.object_id) for c in superseded.only("content_type_id", "object_id")}
    if not subjects:
        return
    covered = defaultdict(set)
    for citation in Citation.objects.current().filter(
            object_id__in={object_id for _, object_id in subjects}).only("content_type_id", "object_id", "covers"):
        covered[(citation.content_type_id, citation.object_id)].update(citation.covered_fields or ["*"])
    uncited = {}
    for citation in superseded.select_related("source"):
        subject = (citation.content_type_id, citation.object_id)
        for name, old in citation.superseded_values.items():
            if name not in covered[subject] and "*" not in covered[subject]:
                uncited.setdefault((subject, name), (old, citation))
    records = {}
    for (content_type_id, object_id), _name in uncited:
        records.setdefault(content_type_id, set()).add(object_id)
    for content_type_id, ids in records.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        records[content_type_id] = model.objects.in_bulk(ids)
    for ((content_type_id, object_id), name), (old, citation) in uncited.items():
        instance = records[content_type_id].get(object_id)
        if instance is None:
            continue
        yield Problem("uncited-change", BLOCKING, f"{instance._meta.verbose_name}: {instance}",
                      f"'{name}' was changed from {old!r}, which {citation.source.slug} {citation.locator} "
                      "stated; no source is cited for its new value. Cite the source that states it.",
                      _admin_url(instance))


def check_date_values():
    """Stored partial dates are well formed and ends are not before starts (rules the admin enforces)."""
    for model in (Mechanism, Participation, Meeting):
        for instance in model.objects.all():
            for start, end in model.date_ranges:
                try:
                    first, last = parse_or_none(getattr(instance, start)), parse_or_none(getattr(instance, end))
                except ValueError as error:
                    yield Problem("bad-date", BLOCKING, f"{model._meta.verbose_name}: {instance}", str(error),
                                  _admin_url(instance))
                    continue
                if first and last and last.latest < first.earliest:
                    yield Problem("end-before-start", BLOCKING, f"{model._meta.verbose_name}: {instance}",
                                  f"The {end} ({last}) is before the {start} ({first}).", _admin_url(instance))


def check_stale_forthcoming_meetings(today=None):
    today = today or timezone.localdate()
    stale = Meeting.objects.filter(status=Meeting.Status.FORTHCOMING).filter(
        Q(end_latest__lt=today) | Q(end_latest__isnull=True, start_latest__lt=today)
    ).select_related("mechanism")
    for meeting in stale:
        yield Problem("stale-forthcoming", WARNING, f"meeting: {meeting}",
                      "Marked forthcoming, but its date has passed. Record whether it was held or cancelled.",
                      _admin_url(meeting))


def check_meetings_before_founding():
    early = Meeting.objects.filter(
        mechanism__founded_earliest__isnull=False, start_latest__lt=F("mechanism__founded_earliest")
    ).select_related("mechanism")
    for meeting in early:
        yield Problem("meeting-before-founding", WARNING, f"meeting: {meeting}",
                      f"Dated before its mechanism was founded ({meeting.mechanism.founded}). Check both dates, "
                      "or explain the meeting's place (e.g. a founding conference) in its note.",
                      _admin_url(meeting))


def check_meetings_without_host():
    for meeting in Meeting.objects.filter(host__isnull=True).select_related("mechanism"):
        yield Problem("meeting-without-host", WARNING, f"meeting: {meeting}",
                      "No host state is recorded.", _admin_url(meeting))


def check_unverified(today=None):
    today = today or timezone.localdate()
    limit = today - VERIFICATION_MAX_AGE
    for mechanism in Mechanism.objects.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=limit)):
        when = f"last verified {mechanism.last_verified}" if mechanism.last_verified else "never verified"
        yield Problem("unverified", WARNING, f"mechanism: {mechanism}",
                      f"Not verified against its sources for more than 12 months ({when}).",
                      _admin_url(mechanism))


def check_unreferenced():
    used = Q(participations__isnull=False) | Q(pillar_mechanisms__isnull=False) | Q(children__isnull=False)
    for organization in Organization.objects.exclude(used).distinct():
        yield Problem("unreferenced-organization", NOTE, f"organisation: {organization}",
                      "Referenced by no mechanism or participation. Delete it or link it.",
                      _admin_url(organization))
    # Every ISO state exists whether or not it takes part; one whose names were curated should be used.
    curated = State.objects.annotate(name_count=Count("names")).filter(name_count__gt=0)
    for state in curated.filter(participations__isnull=True, hosted_meetings__isnull=True).distinct():
        yield Problem("unreferenced-state", NOTE, f"state: {state}",
                      "Has curated names but takes part in nothing and hosts nothing.", _admin_url(state))


def check_mechanisms_without_members():
    members = Participation.STANDING_ROLES - {Participation.Role.OBSERVER, Participation.Role.EXPECTED_OBSERVER,
                                              Participation.Role.INTERMITTENT_OBSERVER}
    with_members = Participation.objects.filter(mechanism=OuterRef("pk"), role__in=members)
    for mechanism in Mechanism.objects.filter(~Exists(with_members)):
        yield Problem("no-members", WARNING, f"mechanism: {mechanism}",
                      "No member (or expected or suspended member) is recorded.", _admin_url(mechanism))


def check_overdue_expected(today=None):
    today = today or timezone.localdate()
    overdue = Mechanism.objects.filter(status=Mechanism.Status.EXPECTED, last_verified__isnull=True) | \
        Mechanism.objects.filter(status=Mechanism.Status.EXPECTED, last_verified__lt=today - VERIFICATION_MAX_AGE)
    for mechanism in overdue.distinct():
        yield Problem("expected-overdue", WARNING, f"mechanism: {mechanism}",
                      "Still marked expected (not yet launched) and not verified in the last 12 months: check "
                      "whether it was launched, and record its founding date and status.", _admin_url(mechanism))


def check_recorded_discrepancies():
    for discrepancy in Discrepancy.objects.select_related("mechanism", "recorded_source", "conflicting_source"):
        yield Problem(
            "source-discrepancy", NOTE, f"mechanism: {discrepancy.mechanism}",
            f"{discrepancy.subject}: recorded {discrepancy.recorded!r} ({discrepancy.recorded_source.slug} "
            f"{discrepancy.recorded_locator}); the source also gives {discrepancy.conflicting!r} "
            f"({discrepancy.conflicting_source.slug} {discrepancy.conflicting_locator}).",
            _admin_url(discrepancy),
        )


CHECKS = (
    check_missing_citations,
    check_uncited_changes,
    check_date_values,
    check_stale_forthcoming_meetings,
    check_meetings_before_founding,
    check_meetings_without_host,
    check_unverified,
    check_unreferenced,
    check_mechanisms_without_members,
    check_overdue_expected,
    check_recorded_discrepancies,
)


def run_checks():
    """Every problem in the data, blocking ones first."""
    problems = [problem for check in CHECKS for problem in check()]
    order = {BLOCKING: 0, WARNING: 1, NOTE: 2}
    return sorted(problems, key=lambda p: (order[p.severity], p.check, p.record))


def blocking_problems():
    checks = (check_missing_citations, check_uncited_changes, check_date_values)
    return [problem for check in checks for problem in check()]
