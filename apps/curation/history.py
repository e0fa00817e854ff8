"""Grouping history records into change sets, and the reason each change was made.

Everything saved inside ``recording(...)`` gets its historical record linked to one ChangeSet, with
the change set's user and reason, so that an import or an admin save can be listed as one change.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .models import ChangeSet

_current = ContextVar("current_change_set", default=None)


@contextmanager
def recording(*, kind, user=None, reason=""):
    """Record every change made inside the block as one change set (saved on its first record)."""
    change_set = ChangeSet(kind=kind, user=user, reason=reason)
    token = _current.set(change_set)
    try:
        yield change_set
    finally:
        _current.reset(token)


@contextmanager
def acting_as(user, *, kind=ChangeSet.Kind.EDIT, reason=""):
    """Attribute every change made inside the block to ``user``.

    Inside a change set of that user already being recorded (an admin request, a command), the changes
    join it; otherwise they are recorded as a change set of their own.
    """
    current = _current.get()
    if current is not None and current.user_id == getattr(user, "pk", None):
        yield current
        return
    with recording(kind=kind, user=user, reason=reason) as change_set:
        yield change_set


@contextmanager
def joining(change_set):
    """Record every change made inside the block in an existing change set (an approved proposal)."""
    token = _current.set(change_set)
    try:
        yield change_set
    finally:
        _current.reset(token)


def current_change_set():
    return _current.get()


@receiver(pre_create_historical_record)
def link_history_to_change_set(sender, instance, history_instance, **kwargs):
    change_set = _current.get()
    if change_set is None:
        return
    if change_set.pk is None:
        change_set.save()
    history_instance.change_set = change_set
    if not history_instance.history_change_reason and change_set.reason:
        history_instance.history_change_reason = change_set.reason
    if history_instance.history_user_id is None and change_set.user_id is not None:
        history_instance.history_user_id = change_set.user_id
