"""One timeline of a record's history and of the rows that belong to it, as a curator reads it: full values,
choices by their labels, related records by their names, one reason; and the restore of a deleted row.

Read in a fixed number of queries: one per kind of row, one per kind of related record named in a change."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from .history import recording
from .models import ChangeSet

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Entry:
    record: object
    model: type
    label: str
    action: str
    changes: list = field(default_factory=list)  # (field label, before, after)
    reason: str = ""
    restorable: bool = False

    @property
    def when(self):
        return self.record.history_date

    @property
    def kind(self):
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def who(self):
        return self.record.history_user or "an import or a command"


def _diff_fields(model):
    """The fields a curator edits: not the version, not the bounds derived from partial dates."""
    history = model.history.model
    return [f for f in history.tracked_fields
            if f.name not in {"version", "id"} and getattr(model._meta.get_field(f.name), "editable", False)]


class _Names:
    """Related records by their names, fetched once per related model."""

    def __init__(self):
        self.wanted, self.found = defaultdict(set), {}

    def want(self, model_field, value):
        if model_field.is_relation and value not in (None, ""):
            self.wanted[model_field.related_model].add(value)

    def fetch(self):
        for model, pks in self.wanted.items():
            for pk, obj in model._base_manager.in_bulk(pks).items():
                self.found[(model, pk)] = str(obj)

    def show(self, model_field, value):
        if value in (None, ""):
            return "(empty)"
        if model_field.is_relation:
            return self.found.get((model_field.related_model, value), f"(deleted {value})")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)


def _label(model, record, names):
    """A readable name for a row of any kind, without a query per row."""
    fields = {f.name for f in model._meta.concrete_fields}
    if model._meta.model_name == "participation":
        state = model._meta.get_field("state")
        organization = model._meta.get_field("organization")
        who = names.show(state, record.state_id) if record.state_id else names.show(
            organization, record.organization_id)
        return f"{who} — {names.show(model._meta.get_field('role'), record.role)}"
    if model._meta.model_name == "citation":
        return f"{names.show(model._meta.get_field('source'), record.source_id)} {record.locator}"
    for name in ("name", "title", "slug"):
        if name in fields:
            return str(getattr(record, name))
    return f"#{record.pk}"


def build(sources, *, limit=500):
    """Entries, newest first, of the history records of ``sources``: [(model, filter on its history)]."""
    names = _Names()
    raw = []
    for model, filters in sources:
        # Not a change set's stored proposal: an import's holds thousands of items, read again for every row.
        records = list(model.history.filter(**filters).select_related("history_user", "change_set")
                       .defer("change_set__changes")
                       .order_by("id", "history_date", "history_id"))
        fields = _diff_fields(model)
        label_fields = [f for f in fields if f.is_relation and f.name in {"state", "organization", "edition", "source"}]
        previous = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            if record.history_type == "~" and before is not None:
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(record, f.attname)
                    if old != new:
                        changes.append((f, old, new))
                        names.want(model._meta.get_field(f.name), old)
                        names.want(model._meta.get_field(f.name), new)
            for f in label_fields:
                names.want(model._meta.get_field(f.name), getattr(record, f.attname))
            previous[record.id] = record
            raw.append((model, record, changes))
    names.fetch()
    live = _live_ids(raw)
    entries = []
    for model, record, changes in raw:
        reason = record.history_change_reason or (record.change_set.reason if record.change_set_id else "")
        entries.append(Entry(
            record=record, model=model, label=_label(model, record, names), action=ACTIONS[record.history_type],
            changes=[(str(model._meta.get_field(f.name).verbose_name).capitalize(),
                      names.show(model._meta.get_field(f.name), old), names.show(model._meta.get_field(f.name), new))
                     for f, old, new in changes],
            reason=reason or "",
            restorable=record.history_type == "-" and record.id not in live[model],
        ))
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return [e for e in entries if e.action != "Changed" or e.changes][:limit]


def _live_ids(raw):
    """{model: ids of its rows that exist now}, for the deleted rows of the timeline (one query per model)."""
    deleted = defaultdict(set)
    for model, record, _changes in raw:
        if record.history_type == "-":
            deleted[model].add(record.id)
    live = defaultdict(set)
    for model, ids in deleted.items():
        live[model] = set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return live


class RestoreRefused(Exception):
    pass


def restore(model, history_id, *, user, within=None, reason=""):
    """Bring back a deleted row as it was when deleted, as one change set of kind 'revert'. ``within``: a Q the
    deletion's history record must match (the timeline's, so that a page restores only its own rows)."""
    if not user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}"):
        raise PermissionDenied
    record = model.history.filter(within or Q(), history_id=history_id).first()
    if record is None or record.history_type != "-":
        raise RestoreRefused("This history entry is not a deletion.")
    if model._base_manager.filter(pk=record.id).exists():
        raise RestoreRefused(f"This {model._meta.verbose_name} exists again; nothing to restore.")
    instance = record.instance
    if hasattr(instance, "version"):
        instance.version = record.version + 1
    try:
        instance.full_clean()
    except ValidationError as error:
        raise RestoreRefused(f"It cannot come back as it was: {' '.join(error.messages)}") from None
    reason = reason or f"Restored the {model._meta.verbose_name} deleted at {record.history_date:%Y-%m-%d %H:%M} UTC"
    with transaction.atomic(), recording(kind=ChangeSet.Kind.REVERT, user=user, reason=reason):
        instance._history_user = user
        instance.save(force_insert=True)
    return instance


@dataclass
class RecordChanges:
    """The changes to one record since a moment, newest first."""

    model: type
    record_id: int
    label: str
    entries: list

    @property
    def kind(self):
        return str(self.model._meta.verbose_name).capitalize()


def curated_models():
    """The models whose history is kept (with its change sets)."""
    return [model for model in apps.get_models()
            if getattr(model._meta, "simple_history_manager_attribute", None) == "history"]


def changed_since(moment, *, limit=5000):
    """Every applied change (approved, or saved by an editor) since ``moment``, grouped by record, with its
    field-level differences: [RecordChanges], the records changed most recently first. A citation's changes go
    with the record it cites. Proposals never reach the history until approved, so it holds none of them.
    One query per kind of record, plus the names shown."""
    sources = [(model, {"id__in": model.history.filter(history_date__gte=moment).values("id")})
               for model in curated_models()]
    groups = {}
    for entry in build(sources, limit=limit):
        if entry.when < moment:
            continue
        model, record_id = _owner(entry)
        if (model, record_id) not in groups:
            groups[(model, record_id)] = RecordChanges(model=model, record_id=record_id, label="", entries=[])
            groups[(model, record_id)].label = entry.label if model is entry.model else ""
        groups[(model, record_id)].entries.append(entry)
    unnamed = defaultdict(set)
    for group in groups.values():
        if not group.label:
            unnamed[group.model].add(group.record_id)
    for model, ids in unnamed.items():
        found = model._base_manager.in_bulk(ids)
        for record_id in ids:
            group = groups[(model, record_id)]
            group.label = str(found[record_id]) if record_id in found else f"#{record_id} (deleted)"
    return list(groups.values())


def _owner(entry):
    """The record an entry is about: a citation's is the record it cites."""
    content_type_id = getattr(entry.record, "content_type_id", None)
    if content_type_id is not None and hasattr(entry.record, "object_id"):
        cited = ContentType.objects.get_for_id(content_type_id).model_class()
        if cited is not None:
            return cited, entry.record.object_id
    return entry.model, entry.record.id
