"""The editorial workflow: an edition moves from draft to in review to published, and publishing
freezes a snapshot; an entry moves from draft to ready to approved. These functions are the only
way a status changes, and each checks the acting user's role. Every refusal says exactly what stands
in the way."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.curation import quality

from .models import ReviewEdition, ReviewEntry
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


def submit_for_review(*, edition, user):
    """Move a draft edition into review."""
    _require_editor(user, "submit an edition for review")
    if edition.status != ReviewEdition.Status.DRAFT:
        raise PublishRefused([f"'{edition}' is {edition.get_status_display().lower()}, not a draft."])
    edition.status = ReviewEdition.Status.IN_REVIEW
    edition._history_user = user
    edition.save()
    return edition


def return_to_draft(*, edition, user):
    _require_editor(user, "return an edition to draft")
    if edition.status != ReviewEdition.Status.IN_REVIEW:
        raise PublishRefused([f"'{edition}' is {edition.get_status_display().lower()}, not in review."])
    edition.status = ReviewEdition.Status.DRAFT
    edition._history_user = user
    edition.save()
    return edition


def _set_entry_status(entries, user, status):
    changed = []
    for entry in entries:  # one save each, so that each entry's history records the change
        if entry.status != status:
            entry.status = status
            entry._history_user = user
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
    return reasons


def publish_edition(*, edition, user, title=None):
    """Publish ``edition`` and freeze its snapshot, or raise PublishRefused listing every obstacle."""
    reasons = publish_refusals(edition, user)
    if reasons:
        raise PublishRefused(reasons)
    with transaction.atomic():
        edition.status = ReviewEdition.Status.PUBLISHED
        edition.published_at = timezone.now()
        edition._history_user = user
        edition.save()
        snapshot = create_snapshot(edition=edition, title=title or edition.title, user=user)
        edition.published_snapshot = snapshot
        edition.save()
        return snapshot
