"""The editorial workflow: an edition moves from draft to in review to published, and publishing
freezes a snapshot; an entry moves from draft to ready to approved. These functions are the only
way a status changes, and each checks the acting user's role. Every refusal says exactly what stands
in the way."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.curation import proposals
from apps.curation.history import acting_as
from apps.reviews.models import ReviewEdition, ReviewEntry
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
    changed = []
    with acting_as(user):
        for entry in entries:  # one save each, so that each entry's history records the change
            if entry.status != status:
                entry.status = status
                entry.save()
                changed.append(entry)
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
    for problem in quality.blocking_problems():
        reasons.append(f"Data problem: {problem.record}: {problem.message}")
    # Publishing includes approved data only: a change proposed before now waits for its review first.
    for change_set in proposals.pending().select_related("user").order_by("created_at", "pk"):
        reasons.append(f"Change set {change_set.pk} by {change_set.user or 'an unknown user'}, proposed "
                       f"{change_set.created_at:%Y-%m-%d %H:%M} UTC, awaits review: approve or reject it first.")
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
