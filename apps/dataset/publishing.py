"""The editorial workflow: an edition starts from the previous one, moves from draft to in review to
published, and publishing freezes a snapshot; an entry moves from draft to ready to approved. These
functions are the only way a status changes, and each checks the acting user's role. Every refusal says
exactly what stands in the way (docs/editions.md)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.curation import bulk, proposals
from apps.curation.history import acting_as
from apps.curation.models import Source
from apps.mechanisms.models import Mechanism
from apps.reviews.models import LeftOut, ReviewEdition, ReviewEntry
from apps.reviews.services import save_edition

from . import quality
from .snapshots import create_snapshot

PUBLISH_PERMISSION = "reviews.publish_reviewedition"
EDIT_ENTRY_PERMISSION = "reviews.change_reviewentry"


@dataclass
class PublishRefused(Exception):
    """Publishing is refused; ``reasons`` lists every entry and problem that stands in the way."""

    reasons: list = field(default_factory=list)

    def __str__(self):
        return "Publishing refused:\n- " + "\n- ".join(self.reasons)


def _require_editor(user, action):
    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        raise PublishRefused([f"{user or 'Nobody'} may not {action}: it takes the editor role."])


def _move(edition, *, user, action, source, target):
    """Move ``edition`` from status ``source`` to ``target`` as ``user``, who must be an editor."""
    _require_editor(user, action)
    if edition.status != source:
        current = edition.get_status_display().lower()
        raise PublishRefused([f"'{edition}' is {current}, not {ReviewEdition.Status(source).label.lower()}."])
    edition.status = target
    with acting_as(user):
        save_edition(edition)
    return edition


def submit_for_review(*, edition, user):
    """Move a draft edition into review."""
    return _move(edition, user=user, action="submit an edition for review",
                 source=ReviewEdition.Status.DRAFT, target=ReviewEdition.Status.IN_REVIEW)


def return_to_draft(*, edition, user):
    """Send an edition in review back to draft."""
    return _move(edition, user=user, action="return an edition to draft",
                 source=ReviewEdition.Status.IN_REVIEW, target=ReviewEdition.Status.DRAFT)


def _set_entry_status(entries, user, status):
    changed = [entry for entry in entries if entry.status != status]
    with acting_as(user), transaction.atomic():
        for entry in changed:
            entry.status = status
        # Written together, each row only if no one changed it since it was read, and each entry's history
        # records the change: an edition of thousands of entries is approved in a few statements.
        bulk.update(ReviewEntry, changed, ["status"])
        bulk.record_history(ReviewEntry, changed, created=False)
    return changed


def mark_entries_ready(*, entries, user):
    """Mark review entries ready for review (a curator's step); returns the entries that changed."""
    if user is None or not user.has_perm(EDIT_ENTRY_PERMISSION):
        raise PublishRefused([f"{user or 'Nobody'} may not mark entries ready: it takes the curator role."])
    return _set_entry_status(entries, user, ReviewEntry.Status.READY)


def approve_entries(*, entries, user):
    """Approve review entries (an editor's step); returns the entries that changed."""
    _require_editor(user, "approve review entries")
    return _set_entry_status(entries, user, ReviewEntry.Status.APPROVED)


# What an edition carries from the previous one: the classification and the narrative of each entry.
CARRIED_FIELDS = ("section", "kind", "governance", "region_id", "background", "agenda", "linkages",
                  "taxonomic_placement")


def start_edition(*, previous, slug, year, title, user, cut_off=None):
    """Start a draft edition from ``previous``, in one transaction: the new edition (with its entry in the
    source register) and a draft entry for every entry of ``previous``, with its classification, region,
    section and narrative to revise. Mechanisms ``previous`` left out are not carried: the new edition
    decides about each again. Refused, creating nothing, when the slug is taken."""
    _require_editor(user, "start an edition")
    if ReviewEdition.objects.filter(slug__iexact=slug).exists():
        raise PublishRefused([f"An edition '{slug}' already exists; nothing was started."])
    reasons = []
    if Source.objects.filter(slug__iexact=slug).exists():
        reasons.append(f"The source register already has a source '{slug}'; choose another slug for the edition.")
    if year < previous.year:
        reasons.append(f"The new edition's year ({year}) is before the year of '{previous.slug}' ({previous.year}).")
    edition = ReviewEdition(slug=slug, year=year, title=title, publisher=previous.publisher,
                            series=previous.series, cut_off=cut_off)
    try:
        edition.full_clean(exclude=["source"])
    except ValidationError as error:
        reasons += [message if name == "__all__" else f"{name}: {message}"
                    for name, messages in error.message_dict.items() for message in messages]
    if reasons:
        raise PublishRefused(reasons)
    with transaction.atomic(), acting_as(user, reason=f"Started from {previous.slug}"):
        save_edition(edition)
        for entry in previous.entries.order_by("mechanism__slug"):  # one save each, so each has its history
            carried = ReviewEntry(edition=edition, mechanism_id=entry.mechanism_id, status=ReviewEntry.Status.DRAFT,
                                  **{name: getattr(entry, name) for name in CARRIED_FIELDS})
            carried.save()
    return edition


def _required_by(edition):
    """The mechanisms ``edition`` must have an entry for or leave out: all those of the dataset, dissolved
    and succeeded ones included (an edition says what became of them), except

    - those founded after its year, which it could not review;
    - a mechanism succeeded by one that has an entry in the edition: that entry covers it, as the 2013
      review covers the CBCP in the section of its successor, the EPPMA.
    """
    founded_later = Q(founded_earliest__gt=datetime.date(edition.year, 12, 31))
    successor_reviewed = Exists(ReviewEntry.objects.filter(edition=edition, mechanism__predecessor=OuterRef("pk")))
    return Mechanism.objects.exclude(founded_later).exclude(successor_reviewed)


def mechanisms_without_entry(edition):
    """The mechanisms ``edition`` neither has an entry for nor leaves out (nor covers otherwise), by slug."""
    entries = ReviewEntry.objects.filter(edition=edition, mechanism=OuterRef("pk"))
    left_out = LeftOut.objects.filter(edition=edition, mechanism=OuterRef("pk"))
    return _required_by(edition).filter(~Exists(entries), ~Exists(left_out)).order_by("slug")


def pending_before_cut_off(edition):
    """The proposals ``edition`` waits for: those made by the end of its cut-off day (UTC), every one
    without a cut-off. A proposal made later waits for the next edition; it is not live data, so the
    snapshot does not hold it either way."""
    pending = proposals.pending()
    if edition.cut_off is not None:
        end = datetime.datetime.combine(edition.cut_off + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        pending = pending.filter(created_at__lt=end)
    return pending.select_related("user").order_by("created_at", "pk")


def publish_refusals(edition, user):
    """Everything that stands in the way of publishing ``edition`` now; empty when it may be published."""
    reasons = []
    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        reasons.append(f"{user or 'Nobody'} may not publish: it takes the editor role.")
    if edition.status != ReviewEdition.Status.IN_REVIEW:
        reasons.append(f"The edition is {edition.get_status_display().lower()}; only an edition in review "
                       "can be published.")
    entries = edition.entries.select_related("mechanism").order_by("mechanism__slug")
    if not entries:
        reasons.append("The edition has no entries.")
    for entry in entries:
        if entry.status != ReviewEntry.Status.APPROVED:
            reasons.append(f"Entry '{entry.mechanism.slug}' is {entry.get_status_display().lower()}, not approved.")
    for mechanism in mechanisms_without_entry(edition):
        reasons.append(f"Mechanism '{mechanism.slug}' has no entry in this edition: add one, or leave it out "
                       "with a reason.")
    both = edition.left_out.filter(mechanism__review_entries__edition=edition).select_related("mechanism")
    for left_out in both.order_by("mechanism__slug"):
        reasons.append(f"Mechanism '{left_out.mechanism.slug}' has an entry and is left out: keep one of the two.")
    for problem in quality.blocking_problems():
        reasons.append(f"Data problem: {problem.record}: {problem.message}")
    # Publishing includes approved data only: a change proposed by the cut-off waits for its review first.
    cut_off = f", by the cut-off ({edition.cut_off:%Y-%m-%d})," if edition.cut_off else ","
    for change_set in pending_before_cut_off(edition):
        reasons.append(f"Change set {change_set.pk} by {change_set.user or 'an unknown user'}, proposed "
                       f"{change_set.created_at:%Y-%m-%d %H:%M} UTC{cut_off} awaits review: approve or reject "
                       "it first.")
    return reasons


def publish_edition(*, edition, user, title=None):
    """Publish ``edition`` and freeze its snapshot, or raise PublishRefused listing every obstacle."""
    reasons = publish_refusals(edition, user)
    if reasons:
        raise PublishRefused(reasons)
    with transaction.atomic(), acting_as(user):
        edition.status = ReviewEdition.Status.PUBLISHED
        edition.published_at = timezone.now()
        save_edition(edition)
        snapshot = create_snapshot(edition=edition, title=title or edition.title, user=user)
        edition.published_snapshot = snapshot
        edition.save()
        return snapshot
