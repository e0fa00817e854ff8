"""Writing many curated records in a few statements, with what a save of each would bring.

``bulk_create`` and ``bulk_update`` send no signals and skip ``save()``, so what a save brings is done here
for all the rows at once: the partial-date bounds are filled, the version moves on (an update applies only
where the row still has the version it was read with, as a save's guard does), each record gets one history
row in the change set being recorded, with its user, reason and many-to-many links, and inside a proposal
being captured the rows are noted as the save signals note them, so the proposal holds them instead.
"""

from django.db import connections, models, router
from django.db.models import Case, Value, When
from django.utils import timezone

from . import proposals
from .history import current_change_set
from .models import ConcurrentEditError
from .partial_dates import PartialDateField

BATCH = 500  # rows per statement: a few hundred keeps each statement's parameters well within the drivers' limits


def _bound_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, PartialDateField) and f.bounds]


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def create(model, instances):
    """Insert ``instances`` (new rows of ``model``), in batches; their pks are set. No history row yet:
    ``record_history`` writes it once the record's links are written too."""
    bounds = _bound_fields(model)
    for instance in instances:
        for field in bounds:
            field.fill_bounds(instance)
    model._default_manager.bulk_create(instances, batch_size=BATCH)
    for instance in instances:
        instance._loaded_version = getattr(instance, "version", None)
    proposals.note_bulk_write(model, [instance.pk for instance in instances], created=True)


def update(model, instances, fields):
    """Write ``fields`` of ``instances`` (stored rows of ``model``), in batches, each row only if it still
    has the version it was read with. Raises ConcurrentEditError for the first row someone else changed
    since (the transaction is then to be rolled back). No history row yet: see ``record_history``."""
    names = set(fields)
    bounds = [f for f in _bound_fields(model) if f.name in names]
    names.update(name for f in bounds for name in f.bound_names())
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    proposals.note_bulk_write(model, [instance.pk for instance in instances])
    guards = {}
    for instance in instances:
        for field in bounds:
            field.fill_bounds(instance)
        if versioned:
            guard = instance.expected_version or getattr(instance, "_loaded_version", None) or instance.version
            guards[instance.pk] = guard
            instance.version = guard + 1
    if versioned:
        names.add("version")
    names = sorted(names)
    for batch in _batches(instances):
        queryset = model._default_manager.all()
        if versioned:
            queryset = queryset.filter(version=Case(*(When(pk=i.pk, then=Value(guards[i.pk])) for i in batch),
                                                    output_field=models.PositiveIntegerField()))
        written = queryset.bulk_update(batch, names, batch_size=len(batch))
        if written != len(batch):
            _refuse_stale(model, batch, guards)
    for instance in instances:
        instance._loaded_version, instance.expected_version = getattr(instance, "version", None), None


def _refuse_stale(model, batch, guards):
    current = dict(model._default_manager.filter(pk__in=[i.pk for i in batch]).values_list("pk", "version"))
    for instance in batch:
        if current.get(instance.pk) != guards[instance.pk] + 1:
            instance.version = guards[instance.pk]
            raise ConcurrentEditError(instance, guards[instance.pk], current.get(instance.pk))


def record_history(model, instances, *, created):
    """One history row per record of ``instances`` (as they are now, links included), in the change set
    being recorded, with its user and reason, as the history signal gives a saved record's row."""
    history = getattr(model, "history", None)
    if history is None or not instances:
        return
    change_set = current_change_set()
    if change_set is not None and change_set.pk is None:
        change_set.save()
    history_model = history.model
    # The row simple_history's bulk_history_create builds, with its values given in the fields' order: built
    # from keyword arguments, the rows took a third of a large import's time.
    tracked = {f.attname for f in history_model.tracked_fields}
    given = {
        "change_set_id": change_set.pk if change_set is not None else None,
        "history_date": timezone.now(),
        "history_change_reason": (change_set.reason if change_set is not None else "") or None,
        "history_type": "+" if created else "~",
        "history_user_id": change_set.user_id if change_set is not None else None,
    }
    columns = [(f.attname in tracked, f.attname, given.get(f.attname)) for f in history_model._meta.concrete_fields]
    rows = [history_model(*(getattr(instance, name) if own else value for own, name, value in columns))
            for instance in instances]
    history_model._default_manager.bulk_create(rows, batch_size=BATCH)
    for field in getattr(history_model, "_history_m2m_fields", ()):
        _record_links_history(model, field, instances, rows)


def _record_links_history(model, field, instances, rows):
    """The many-to-many rows of each history row, as simple_history writes them for a save."""
    from simple_history.models import HistoricalRecords  # noqa: PLC0415  (its registry of link history models)

    link_history = HistoricalRecords.m2m_models[field]
    through = field.remote_field.through
    own = next(f for f in through._meta.fields if f.is_relation and f.related_model is model)
    by_owner = {}
    for link in through._default_manager.filter(**{f"{own.attname}__in": [i.pk for i in instances]}):
        by_owner.setdefault(getattr(link, own.attname), []).append(link)
    names = [f.attname for f in through._meta.fields]
    link_rows = [link_history(history=row, **{name: getattr(link, name) for name in names})
                 for row in rows for link in by_owner.get(getattr(row, model._meta.pk.attname), ())]
    link_history._default_manager.bulk_create(link_rows, batch_size=BATCH)


ANALYSED_FROM = 5000  # rows written in bulk into a table before its statistics are refreshed


def refresh_statistics(written):
    """On PostgreSQL, refresh the planner's statistics of the tables ``written`` ({model: rows}) filled with
    many rows. Inside the transaction that wrote them the planner still takes them for empty, and reads a
    table once per row of another (the publishing checks that follow a large import took minutes, not
    seconds); ANALYZE in the same transaction sees the new rows."""
    for model, rows in written.items():
        connection = connections[router.db_for_write(model)]
        if rows >= ANALYSED_FROM and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
