"""Staged changes: a curator's change is a proposal until an editor approves it.

Every state change of a proposal goes through this module, which checks the role:

- ``capturing(user, ...)``: the writes made inside the block are recorded as a pending change set and rolled
  back; the live tables (what the public pages, the API, the caches and snapshots read) never see them;
- ``approve``: an editor applies a pending change set in one transaction, through the models' own save
  (version-guarded, three-way: a field someone else changed since is a conflict, never overwritten silently);
- ``reject`` (with a comment), ``withdraw`` (the proposer, while it is pending);
- ``revising(change_set, user)``: inside ``capturing``, the proposer goes on editing their own pending proposal;
  the block's writes update that change set instead of making a second one;
- ``approving_own(user, reason)``: an editor's or administrator's save applied and approved at once, with a reason.

A proposal stores, per record: the model's label, its pk (or a reference for a new row), the version it was
based on, the field values before and after, and whether it is deleted. See docs/staged-changes.md.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .history import current_change_set, joining
from .models import ChangeSet

APPROVE_PERMISSION = "curation.approve_changeset"
State = ChangeSet.State

_capture = ContextVar("proposal_capture", default=None)


class ProposalRefused(Exception):
    """The proposal is not in a state that allows this (e.g. already approved), or the data refuse it."""


class ProposalConflict(Exception):
    """Records the proposal changes were changed by someone else since, on the same fields."""

    def __init__(self, conflicts):
        self.conflicts = conflicts
        lines = [f"{c['record']}: {c['field']}: proposed '{c['proposed']}', now '{c['current']}'" for c in conflicts]
        super().__init__("Someone changed these since the proposal was made: " + "; ".join(lines))


def can_approve(user):
    """Editors and administrators approve; a curator only proposes."""
    return bool(user is not None and user.is_active and user.has_perm(APPROVE_PERMISSION))


def needs_review(user):
    """Whether this user's changes to curated data wait for an editor."""
    return not can_approve(user)


def _require_approver(user):
    if not can_approve(user):
        raise PermissionDenied("Only an editor or an administrator may approve or reject proposed changes.")


def _public(model):
    return getattr(model, "bumps_data_version", False)


def _serialize(model, pk):
    """A row's values as JSON data (many-to-many fields as lists of pks), or None when it does not exist."""
    rows = list(model._base_manager.filter(pk=pk))
    if not rows:
        return None
    data = serializers.serialize("python", rows)[0]["fields"]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@dataclass
class Capture:
    user: object
    kind: str
    reason: str = ""
    entries: dict = field(default_factory=dict)  # (label, pk) -> {"created", "deleted", "before"}
    items: list = field(default_factory=list)
    change_set: ChangeSet | None = None
    revised: ChangeSet | None = None  # the proposer's own pending proposal this save goes on editing

    def touch(self, model, pk, *, created=False, before=None):
        """Note the row ``pk``; ``before``: its values as read already (a bulk write reads them together)."""
        recorded = current_change_set()  # the change set the write is recorded in (a service may open its own)
        if recorded is not None and recorded.reason:
            self.reason = recorded.reason
        key = (model._meta.label, pk)
        if key not in self.entries:
            self.entries[key] = {"created": created, "deleted": False,
                                 "before": None if created else before or _serialize(model, pk)}
        return self.entries[key]

    def collect(self):
        """The changes made, as proposal items; new rows referred to by a reference, not by their pk."""
        refs = {key: f"new-{n}" for n, (key, entry) in enumerate(self.entries.items()) if entry["created"]}
        items = []
        for (label, pk), entry in self.entries.items():
            model = apps.get_model(label)
            after = None if entry["deleted"] else _serialize(model, pk)
            before = entry["before"]
            if entry["created"] and after is None:
                continue  # added and removed within the same change
            if before is not None and after is not None and _without_version(before) == _without_version(after):
                continue  # saved, but nothing of it changed (e.g. edited back to the approved values)
            items.append({
                "model": label,
                "pk": None if entry["created"] else pk,
                "ref": refs.get((label, pk)),
                "base_version": (before or {}).get("version"),
                "before": _without_version(before),
                "after": _with_refs(model, _without_version(after), refs),
                "delete": entry["deleted"],
            })
        self.items = items


def _without_version(values):
    return None if values is None else {k: v for k, v in values.items() if k != "version"}


def _relations(model):
    """[(field name, target label, or None for a generic relation's object id, content type field)]."""
    found = []
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model is not None:
            found.append((model_field.name, model_field.related_model._meta.label, None))
    for private in model._meta.private_fields:
        if isinstance(private, GenericForeignKey):
            found.append((private.fk_field, None, private.ct_field))
    return found


def _with_refs(model, values, refs):
    """Values where a link to a row created by the same change names the row's reference."""
    if values is None or not refs:
        return values
    values = dict(values)
    for name, target, ct_field in _relations(model):
        if name not in values or values[name] is None:
            continue
        if target is None:
            ct = ContentType.objects.get_for_id(values[ct_field])
            target = ct.model_class()._meta.label if ct.model_class() else None
        ref = refs.get((target, values[name]))
        if ref is not None:
            values[name] = {"ref": ref}
    return values


@contextmanager
def capturing(user, *, kind=ChangeSet.Kind.EDIT, reason=""):
    """Run the block, record the curated data it changed as a pending proposal, and undo the writes.

    The block runs exactly as it would otherwise (forms, validation, the models' save), inside a savepoint
    that is rolled back when public data was written; other writes (a password, a session) are kept. After
    the block, ``capture.change_set`` is the proposal, or None when nothing of the data changed.
    """
    capture = Capture(user=user, kind=kind, reason=reason)
    token = _capture.set(capture)
    try:
        with transaction.atomic():
            yield capture
            capture.collect()
            recorded = current_change_set()
            if recorded is not None and recorded.reason:
                capture.reason = recorded.reason
            if capture.entries:
                transaction.set_rollback(True)
    finally:
        _capture.reset(token)
    if capture.revised is not None:
        capture.change_set = _revise(capture.revised, capture)
    elif capture.items:
        capture.change_set = ChangeSet.objects.create(
            kind=capture.kind, user=user, reason=capture.reason, state=State.PENDING, changes=capture.items)


def is_capturing():
    """Whether the writes being made now are captured as a proposal (inside ``capturing``), not applied."""
    return _capture.get() is not None


def revising(change_set, user, *, new_pks=None):
    """Inside ``capturing``: go on editing ``user``'s own pending proposal. Its changes are applied first (so the
    block starts from the proposed values) and the block's result replaces them, compared with the approved data.
    Returns {reference: pk} of the rows the proposal adds (``new_pks`` keeps the ones a form was shown with)."""
    capture = _capture.get()
    if capture is None:
        raise RuntimeError("revising() runs inside capturing().")
    if change_set.user_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the person who proposed a change may go on editing it.")
    if change_set.state != State.PENDING:
        raise ProposalRefused("This change set is no longer pending review.")
    noted = dict(capture.entries)
    try:
        with transaction.atomic():
            pks = apply_items(change_set.changes, force=True, new_pks=new_pks)
    except ProposalRefused:
        capture.entries = noted  # it no longer applies as it stands: the save is a proposal of its own
        raise
    capture.revised = change_set
    return pks


def _revise(change_set, capture):
    """Store the revised changes in the same change set; a proposal that no longer changes anything is withdrawn.
    When it was reviewed meanwhile, the new changes are a proposal of their own."""
    reason = capture.reason or change_set.reason
    if capture.items == change_set.changes and reason == change_set.reason:
        return None  # nothing new (e.g. the form refused the save)
    with transaction.atomic():
        if capture.items:
            updated = ChangeSet.objects.filter(pk=change_set.pk, state=State.PENDING).update(
                changes=capture.items, reason=reason)
        else:
            updated = ChangeSet.objects.filter(pk=change_set.pk, state=State.PENDING).update(
                state=State.WITHDRAWN, reviewed_at=timezone.now(),
                review_comment="Withdrawn: edited back to the approved values.")
    if not updated:
        if not capture.items:
            return None
        return ChangeSet.objects.create(kind=capture.kind, user=capture.user, reason=capture.reason,
                                        state=State.PENDING, changes=capture.items)
    change_set.refresh_from_db()
    change_set.revised = True
    return change_set


@contextmanager
def approving_own(user, reason):
    """An editor's or administrator's save, applied at once and approved by its author, with a reason.

    The change set being recorded holds the author as both proposer and approver, and the reason. A curator is
    refused (PermissionDenied), whatever the form posted. The block runs in a transaction: a caller whose save
    did not go through (a form error) calls ``transaction.set_rollback(True)`` inside it.
    """
    _require_approver(user)
    reason = (reason or "").strip()
    with transaction.atomic():
        change_set = current_change_set()
        saved_before = change_set is not None and change_set.pk is not None
        if change_set is not None:  # saved as approved with its first history record
            change_set.reason = reason or change_set.reason
            change_set.state, change_set.reviewer, change_set.review_comment = State.APPROVED, user, reason
            change_set.reviewed_at = timezone.now()
        yield change_set
        if change_set is not None and change_set.pk is not None:
            if not reason:
                raise ValidationError({"change_reason": "Say why you approve your own change: it is kept in the "
                                                        "history."})
            if saved_before and not transaction.get_rollback():
                ChangeSet.objects.filter(pk=change_set.pk).update(
                    state=State.APPROVED, reviewer=user, review_comment=reason, reviewed_at=change_set.reviewed_at)


def note_bulk_write(model, pks, *, created=False):
    """Inside ``capturing``: note rows a bulk write changes, which sends no signals, as the save signals below
    note a save's: call it before an update (to keep the rows as they were) and after an insert."""
    capture = _capture.get()
    if capture is None or not _public(model):
        return
    label = model._meta.label
    new = [pk for pk in pks if (label, pk) not in capture.entries]
    before = {} if created else _serialize_many(model, new)
    for pk in new:
        capture.touch(model, pk, created=created, before=before.get(pk))


def _serialize_many(model, pks):
    """{pk: values} of the rows ``pks`` as ``_serialize`` gives each, read in one query per thousand rows."""
    found = {}
    for start in range(0, len(pks), 1000):
        rows = list(model._base_manager.filter(pk__in=pks[start:start + 1000]))
        for row in serializers.serialize("python", rows):
            found[row["pk"]] = json.loads(json.dumps(row["fields"], cls=DjangoJSONEncoder))
    return found


@receiver(pre_save)
def _before_save(sender, instance, raw=False, **kwargs):
    capture = _capture.get()
    if capture is not None and _public(sender) and not raw and instance.pk is not None and not instance._state.adding:
        capture.touch(sender, instance.pk)


@receiver(post_save)
def _after_save(sender, instance, created, raw=False, **kwargs):
    capture = _capture.get()
    if capture is not None and _public(sender) and not raw:
        capture.touch(sender, instance.pk, created=created)


@receiver(pre_delete)
def _before_delete(sender, instance, **kwargs):
    capture = _capture.get()
    if capture is not None and _public(sender):
        capture.touch(sender, instance.pk)


@receiver(post_delete)
def _after_delete(sender, instance, **kwargs):
    capture = _capture.get()
    if capture is not None and _public(sender):
        capture.touch(sender, instance.pk)["deleted"] = True


@receiver(m2m_changed)
def _before_links_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    capture = _capture.get()
    if capture is None or not action.startswith("pre_"):
        return
    if not reverse and _public(type(instance)) and instance.pk is not None:
        capture.touch(type(instance), instance.pk)
    elif reverse and _public(model):
        for pk in pk_set or ():
            capture.touch(model, pk)


# Review


def approve(change_set, user, comment="", *, force=False, new_pks=None):
    """Apply a pending proposal in one transaction and mark it approved by ``user``.

    A field the proposal changes that someone else has changed since raises ProposalConflict and applies
    nothing, unless ``force`` (the editor chose the proposed values over the newer ones).
    """
    _require_approver(user)
    with transaction.atomic():
        locked = ChangeSet.objects.select_for_update(of=("self",)).select_related("user").get(pk=change_set.pk)
        if locked.state != State.PENDING:
            raise ProposalRefused(f"This change set is {locked.get_state_display().lower()}, not pending review.")
        proposer = locked.user
        note = f"Proposed by {proposer or 'an unknown user'}, approved by {user}"
        reason = f"{locked.reason} ({note})" if locked.reason else note
        with joining(locked):
            apply_items(locked.changes, author=proposer, reason=reason, force=force, new_pks=new_pks)
        locked.state, locked.reviewer, locked.review_comment = State.APPROVED, user, comment
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["state", "reviewer", "review_comment", "reviewed_at"])
    change_set.refresh_from_db()
    return change_set


def reject(change_set, user, comment):
    """Refuse a pending proposal; the approved data stay as they are and the proposer reads ``comment``."""
    _require_approver(user)
    if not (comment or "").strip():
        raise ValidationError({"review_comment": "Say why the change is rejected: the proposer reads it."})
    _finish(change_set, State.REJECTED, reviewer=user, comment=comment.strip())


def withdraw(change_set, user):
    """The proposer takes back their pending proposal."""
    if change_set.user_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the person who proposed a change may withdraw it.")
    _finish(change_set, State.WITHDRAWN)


def _finish(change_set, state, *, reviewer=None, comment=""):
    with transaction.atomic():
        updated = ChangeSet.objects.filter(pk=change_set.pk, state=State.PENDING).update(
            state=state, reviewer=reviewer, review_comment=comment, reviewed_at=timezone.now())
    if not updated:
        raise ProposalRefused("This change set is no longer pending review.")
    change_set.refresh_from_db()


def pending():
    return ChangeSet.objects.filter(state=State.PENDING)


def without_repeat(change_set):
    """``change_set``, unless the same person already has the very same changes pending: then that earlier
    proposal, and the repeat is dropped (a command run twice before anyone reviewed the first run)."""
    earlier = (pending().filter(user=change_set.user, kind=change_set.kind).exclude(pk=change_set.pk)
               .order_by("pk"))
    for candidate in earlier:
        if candidate.changes == change_set.changes:
            change_set.delete()
            return candidate
    return change_set


# Applying


def _resolved(values, refs):
    return {k: (refs[v["ref"]] if isinstance(v, dict) and set(v) == {"ref"} else v) for k, v in values.items()}


def _build(model, pk, values):
    """An unsaved instance holding ``values`` (as the serializers store them), and its many-to-many lists."""
    many = {f.name for f in model._meta.many_to_many}
    concrete = {k: v for k, v in values.items() if k not in many}
    obj = next(serializers.deserialize("python", [{"model": model._meta.label_lower, "pk": pk, "fields": concrete}]))
    return obj.object, {k: v for k, v in values.items() if k in many}


def _display(value):
    return "(empty)" if value in (None, "", []) else str(value)


def conflicts_of(items):
    """[{record, field, proposed, current}] for the fields changed since the proposal was based on them."""
    found = []
    for item in items:
        if item["pk"] is None:
            continue
        model = apps.get_model(item["model"])
        live = _serialize(model, item["pk"])
        label = f"{model._meta.verbose_name} #{item['pk']}"
        if live is None:
            if not item["delete"]:
                found.append({"record": label, "field": "(the whole record)", "proposed": "changed",
                              "current": "deleted since"})
            continue
        live = _without_version(live)
        before, after = item["before"] or {}, item["after"] or {}
        if item["delete"]:
            if live != before:
                found.append({"record": label, "field": "(the whole record)", "proposed": "deleted",
                              "current": "changed since"})
            continue
        for name, value in after.items():
            if value != before.get(name) and live.get(name) not in (before.get(name), value):
                found.append({"record": label, "field": name, "proposed": _display(value),
                              "current": _display(live.get(name))})
    return found


def apply_items(items, *, author=None, reason="", force=False, new_pks=None):
    """Write the items through the models' own save and delete. Call inside a transaction.

    Returns {reference: pk} of the rows added. ``new_pks`` gives such rows the pks they had when the same
    proposal was applied before and rolled back (the form its proposer was shown), when they are free."""
    if not force:
        conflicts = conflicts_of(items)
        if conflicts:
            raise ProposalConflict(conflicts)
    refs = {}
    for item in items:
        model = apps.get_model(item["model"])
        if item["delete"]:
            live = model._base_manager.filter(pk=item["pk"]).first()
            if live is not None:
                live._history_user, live._change_reason = author, reason
                live.delete()
            continue
        after = _resolved(item["after"], refs)
        if item["pk"] is None:
            obj, links = _build(model, None, after)
            wanted = (new_pks or {}).get(item["ref"])
            if wanted is not None and not model._base_manager.filter(pk=wanted).exists():
                obj.pk = wanted
        else:
            obj = model._base_manager.filter(pk=item["pk"]).first()
            if obj is None:
                continue  # deleted since; the editor chose to apply the rest
            before = item["before"] or {}
            changed = {k: v for k, v in after.items() if v != before.get(k)}
            proposed, links = _build(model, item["pk"], changed)
            for name in changed:
                if name not in links:
                    model_field = model._meta.get_field(name)
                    setattr(obj, model_field.attname, getattr(proposed, model_field.attname))
            if hasattr(obj, "expected_version"):
                obj.expected_version = obj.version  # three-way checked above: based on the current row
        obj._history_user, obj._change_reason = author, reason
        try:
            obj.full_clean()
        except ValidationError as error:
            raise ProposalRefused(f"{model._meta.verbose_name} '{obj}': {'; '.join(error.messages)}") from None
        obj.save(force_insert=item["pk"] is None)
        for name, pks in links.items():
            getattr(obj, name).set([refs.get(p["ref"]) if isinstance(p, dict) else p for p in pks])
        if item["ref"]:
            refs[item["ref"]] = obj.pk
    return refs


# Reading proposals


def touched_fields(change_set):
    """{(model label, pk, field)} the proposal changes, for finding proposals that overlap."""
    touched = set()
    for item in change_set.changes:
        if item["pk"] is None:
            continue
        before, after = item["before"] or {}, item["after"] or {}
        names = before if item["delete"] else [k for k, v in after.items() if v != before.get(k)]
        touched.update((item["model"], item["pk"], name) for name in names)
    return touched


def touches(change_set, model, pk):
    """Whether the proposal changes the record ``model`` #``pk`` or a row that belongs to it (a participation,
    a citation of it: a row whose link points to the record)."""
    label, pk = model._meta.label, int(pk)
    content_type = None
    for item in change_set.changes:
        if item["model"] == label and item["pk"] == pk:
            return True
        item_model = apps.get_model(item["model"])
        for values in (item["before"] or {}, item["after"] or {}):
            for name, target, ct_field in _relations(item_model):
                if values.get(name) != pk:
                    continue
                if target == label:
                    return True
                if target is None:
                    content_type = content_type or ContentType.objects.get_for_model(model).pk
                    if values.get(ct_field) == content_type:
                        return True
    return False


def pending_on(model, pk):
    """The pending proposals that change the record or its rows, oldest first (one query)."""
    return [change_set for change_set in pending().select_related("user").order_by("created_at", "pk")
            if touches(change_set, model, pk)]


def overlapping(change_set):
    """Other pending proposals that change a field this one changes."""
    mine = touched_fields(change_set)
    return [other for other in pending().exclude(pk=change_set.pk).select_related("user")
            if mine & touched_fields(other)]
