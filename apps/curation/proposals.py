"""Staged changes: a curator's change is a proposal until an editor approves it.

Every state change of a proposal goes through this module, which checks the role:

- ``capturing(user, ...)``: the writes made inside the block are recorded as a pending change set and rolled
  back; the live tables (what the public pages, the API, the caches and snapshots read) never see them;
- ``approve``: an editor applies a pending change set in one transaction, through the models' own save
  (version-guarded, three-way: a field someone else changed since is a conflict, never overwritten silently);
- ``reject`` (with a comment), ``withdraw`` (the proposer, while it is pending).

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

    def touch(self, model, pk, *, created=False):
        recorded = current_change_set()  # the change set the write is recorded in (a service may open its own)
        if recorded is not None and recorded.reason:
            self.reason = recorded.reason
        key = (model._meta.label, pk)
        if key not in self.entries:
            self.entries[key] = {"created": created, "deleted": False,
                                 "before": None if created else _serialize(model, pk)}
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
            if before is not None and after is not None and before == after:
                continue
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
    if capture.items:
        capture.change_set = ChangeSet.objects.create(
            kind=capture.kind, user=user, reason=capture.reason, state=State.PENDING, changes=capture.items)


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


def approve(change_set, user, comment="", *, force=False):
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
            apply_items(locked.changes, author=proposer, reason=reason, force=force)
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


def apply_items(items, *, author=None, reason="", force=False):
    """Write the items through the models' own save and delete. Call inside a transaction."""
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
        obj.save()
        for name, pks in links.items():
            getattr(obj, name).set([refs.get(p["ref"]) if isinstance(p, dict) else p for p in pks])
        if item["ref"]:
            refs[item["ref"]] = obj.pk


# Reading proposals


def described(change_set):
    """The items of a proposal as a reviewer reads them: kind, record, action, [(field, before, after)]."""
    described_items = []
    for item in change_set.changes:
        model = apps.get_model(item["model"])
        before, after = item["before"] or {}, item["after"] or {}
        values = after or before
        name = next((str(values[k]) for k in ("name", "title", "locator", "role") if values.get(k)), "")
        if item["delete"]:
            action, fields = "Delete", []
        else:
            action = "Add" if item["pk"] is None else "Change"
            fields = [(_label(model, k), _display(before.get(k)), _display(v))
                      for k, v in after.items() if v != before.get(k)]
        described_items.append({"model": str(model._meta.verbose_name), "pk": item["pk"], "name": name,
                                "action": action, "fields": fields})
    return described_items


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001  (a field renamed since the proposal was made keeps its stored name)
        return name


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


def overlapping(change_set):
    """Other pending proposals that change a field this one changes."""
    mine = touched_fields(change_set)
    return [other for other in pending().exclude(pk=change_set.pk).select_related("user")
            if mine & touched_fields(other)]
