"""How a change set reads to the editor who reviews it: one entry per record, named as people name it
('Thailand — Member of Bali Process'), with the fields that change, references shown by name, choices by
their label, and the bookkeeping nobody types left out (a partial date's bounds, a citation's position and
the ids of the record it cites for).

A proposal stores its items as serialised values (apps/curation/proposals.py): a reference is an id, or
``{"ref": "new-12"}`` for a record the same proposal adds. Names are read in one query per kind of record
referred to, so that an import's proposal of a few thousand rows reads in a few queries.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist

from .models import parse_covers

# Fields no person edits: the row's lock counter, its position among a record's citations, and when a
# citation stopped supporting a changed value (what it supported is shown instead, under SUPERSEDED).
BOOKKEEPING = {"version", "position", "superseded_at"}
SUPERSEDED = "superseded_values"
ACTIONS = {"Add": "added", "Change": "changed", "Delete": "deleted"}


def described(change_set):
    """The items of a proposal as a reviewer reads them, in the proposal's order: [{model, pk, name, action,
    fields: [(label, before, after)]}]. ``model`` says 'citation of participation' for a citation."""
    return Reading(change_set.changes).items()


def grouped(items):
    """``items`` by kind of record, in the order each kind first appears: [{kind, items, counts}], where
    ``counts`` reads '290 added, 23 changed'."""
    groups = {}
    for item in items:
        groups.setdefault(item["model"], []).append(item)
    return [{"kind": kind, "items": rows, "anchor": "changes-" + kind.replace(" ", "-"), "counts": _counts(rows)}
            for kind, rows in groups.items()]


def _counts(rows):
    counted = defaultdict(int)
    for row in rows:
        counted[row["action"]] += 1
    return ", ".join(f"{counted[action]} {word}" for action, word in ACTIONS.items() if counted[action])


class Reading:
    """The names behind a proposal's references, looked up once, and each item written out with them."""

    def __init__(self, changes):
        self.changes = changes
        self.by_ref = {item["ref"]: item for item in changes if item.get("ref")}
        self.objects = self._fetch()
        self._names = {}

    # ----- looking the records up -------------------------------------------------------------------

    def _fetch(self):
        wanted = defaultdict(set)
        for item in self.changes:
            model = apps.get_model(item["model"])
            if item["pk"] is not None:
                wanted[model].add(item["pk"])
            for values in (item["before"] or {}, item["after"] or {}):
                for name, value in values.items():
                    target = self._target(model, name, values)
                    if target is not None:
                        ids = value if isinstance(value, list) else [value]
                        wanted[target].update(i for i in ids if isinstance(i, int))
        return {model: records_named(model, ids) for model, ids in wanted.items()}

    @staticmethod
    def _target(model, name, values):
        """The model a field's value refers to, or None for a value that is not a reference."""
        generic = _generic(model)
        if generic is not None and name == generic.fk_field:
            content_type = values.get(generic.ct_field)
            return ContentType.objects.get_for_id(content_type).model_class() if isinstance(content_type, int) else None
        field = _field(model, name)
        if field is None or not field.is_relation or field.related_model is ContentType:
            return None
        return field.related_model

    def name_of(self, model, value):
        """The name of the record ``value`` (an id, or a reference to a record the proposal adds)."""
        if isinstance(value, dict) and "ref" in value:
            item = self.by_ref.get(value["ref"])
            return self.item_name(item) if item is not None else "(a new record)"
        found = self.objects.get(model, {}).get(value)
        return str(found) if found is not None else f"{model._meta.verbose_name} #{value} (no longer recorded)"

    # ----- writing the items out ----------------------------------------------------------------------

    def items(self):
        return [self.item(item) for item in self.changes]

    def item(self, item):
        model = apps.get_model(item["model"])
        before, after = item["before"] or {}, item["after"] or {}
        if item["delete"]:
            action, names = "Delete", []
        elif item["pk"] is None:
            action, names = "Add", [name for name, value in after.items() if value not in (None, "", [], {})]
        else:
            action, names = "Change", [name for name, value in after.items() if value != before.get(name)]
        values = after or before
        fields = [(self.label(model, name, values), self.text(model, name, before.get(name), values),
                   self.text(model, name, after.get(name), values))
                  for name in names if self.shown(model, name)]
        generic = _generic(model)
        kind = str(model._meta.verbose_name)
        if generic is not None:
            subject = self._target(model, generic.fk_field, values)
            kind = f"{kind} of {subject._meta.verbose_name}" if subject is not None else kind
        return {"model": kind, "pk": item["pk"], "name": self.item_name(item), "action": action, "fields": fields}

    def item_name(self, item):
        key = item.get("ref") or (item["model"], item["pk"])
        if key not in self._names:
            self._names[key] = "…"  # a record whose name refers back to itself reads '…' there
            self._names[key] = self._item_name(item)
        return self._names[key]

    def _item_name(self, item):
        model = apps.get_model(item["model"])
        values = item["after"] or item["before"] or {}
        generic = _generic(model)
        if generic is not None:  # a citation is named by what it cites for, its source and place beside
            subject = self._target(model, generic.fk_field, values)
            return self.name_of(subject, values.get(generic.fk_field)) if subject is not None else ""
        if item["pk"] is not None and item["pk"] in self.objects.get(model, {}):
            return str(self.objects[model][item["pk"]])
        return self._unsaved_name(model, values)

    def _unsaved_name(self, model, values):
        """A new record's name as its model writes it, from the proposed values, with what it refers to."""
        instance = model()
        try:
            for name, value in values.items():
                field = _field(model, name)
                if field is None or field.many_to_many or field.one_to_many:
                    continue
                if field.is_relation and value is not None:
                    target = self.objects.get(field.related_model, {}).get(value) if isinstance(value, int) else None
                    if target is None:
                        raise LookupError(name)  # it refers to a record added alongside: named below instead
                    setattr(instance, field.name, target)
                else:
                    setattr(instance, field.attname, value)
            return str(instance)
        except Exception:  # noqa: BLE001  (a model's __str__ may need what an unsaved record lacks)
            named = [str(values[key]) for key in ("name", "title", "slug", "locator") if values.get(key)]
            refers = [self.name_of(_field(model, name).related_model, value) for name, value in values.items()
                      if value not in (None, "") and (f := _field(model, name)) is not None and f.many_to_one]
            return " · ".join(named[:1] + refers) or f"a new {model._meta.verbose_name}"

    def shown(self, model, name):
        if name in BOOKKEEPING:
            return False
        generic = _generic(model)
        if generic is not None and name in (generic.ct_field, generic.fk_field):
            return False  # the record cited for is the entry's name
        stem = name.removesuffix("_earliest").removesuffix("_latest")
        return stem == name or _field(model, stem) is None  # a partial date's bounds follow the date shown

    def label(self, model, name, values):
        if name == SUPERSEDED:
            return "supported earlier values"
        return _label_of(model, name)

    def text(self, model, name, value, values):
        if isinstance(value, bool):
            return "yes" if value else "no"
        if value in (None, "", [], {}):
            return "(the whole record)" if name == "covers" and value is not None else "(empty)"
        generic = _generic(model)
        subject = self._target(model, generic.fk_field, values) if generic is not None else None
        if name == "covers" and subject is not None:
            return ", ".join(_label_of(subject, covered) for covered in parse_covers(value))
        if name == SUPERSEDED and isinstance(value, dict):
            return "; ".join(f"{_label_of(subject, covered) if subject else covered}: “{old}”"
                             for covered, old in value.items())
        target = self._target(model, name, values)
        if target is not None:
            ids = value if isinstance(value, list) else [value]
            return ", ".join(self.name_of(target, i) for i in ids)
        field = _field(model, name)
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, list):
            return "; ".join(map(str, value))
        return str(value)


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # a field renamed since the proposal was made keeps its stored name


def _label_of(model, name):
    """A field's label; a citation may also cover a record's rows ('other_names'), named by their kind."""
    field = _field(model, name)
    if field is None:
        return name.replace("_", " ")
    if field.auto_created and not field.concrete:
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _generic(model):
    return next((f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)), None)


def records_named(model, ids):
    """{id: record} of ``model``, loaded with the records their names are made of, in one query."""
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is not ContentType]
    return model._base_manager.select_related(*related).in_bulk(ids)
