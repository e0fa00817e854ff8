"""Import a folder of dataset files (docs/dataset-format.md) into the database.

The import is atomic (any error, nothing is written), idempotent (a second run changes nothing and
reports so), validated by the models' own rules, and recorded in the edit history as one change set
of kind 'import' with its reason. Every error names the file, the record and the reason.

A mechanism file is the whole truth about that mechanism: its participations, meetings, documents,
names, review entries and discrepancies that the file no longer lists are deleted. Reference records
(states, organisations, sources, …) and mechanisms that no file mentions are left alone, so a folder
holding only some files (a sources.yaml and a few mechanism files) is an update of those records.

The records are read and validated in memory, a reference file or a batch of mechanism files at a time,
and then written together (apps/curation/bulk.py): a few statements per kind of record and batch, with
one history row per record written, whatever the number of records. Only a batch is held in memory, so a
large folder streams. Once any error is found nothing more is written, but every file is still read, so
that every error is reported; the transaction is then rolled back.
"""

import copy
import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from apps.curation import bulk, proposals
from apps.curation.data_version import bump as bump_data_version
from apps.curation.history import recording
from apps.curation.models import ChangeSet, Citation, ConcurrentEditError, Source, repeated_citations
from apps.curation.records import CHOICE, DAY, INTEGER, NAMES, PLACE, REF, REFS, record
from apps.curation.roles import CURATOR
from apps.curation.sources import publish_registered
from apps.reviews.models import ReviewEdition, ReviewEntry
from apps.reviews.services import save_edition

from . import limits, publishing
from . import yaml_format as fmt
from .errors import DatasetError


@dataclass(slots=True)  # an import of a large folder holds one per record written
class Change:
    action: str  # 'create' | 'update' | 'delete'
    model: str
    key: str
    fields: dict = dataclasses.field(default_factory=dict)  # name -> (before, after)

    def __str__(self):
        text = f"{self.action} {self.model} {self.key}"
        if self.action == "update":
            text += ": " + "; ".join(f"{name} {before!r} -> {after!r}" for name, (before, after) in self.fields.items())
        return text


@dataclass
class ImportReport:
    changes: list = dataclasses.field(default_factory=list)
    files: int = 0
    dry_run: bool = False
    proposed: bool = False  # captured as a proposal for review, not applied

    @property
    def changed(self):
        return bool(self.changes)

    def counts(self):
        counts = {}
        for change in self.changes:
            counts[(change.model, change.action)] = counts.get((change.model, change.action), 0) + 1
        return counts

    def summary(self):
        if not self.changes:
            return f"No changes: the database already matches the {self.files} files."
        verb = "Would apply" if self.dry_run else "Proposed" if self.proposed else "Applied"
        parts = [f"{action} {count} {model}" for (model, action), count in sorted(self.counts().items())]
        return f"{verb} {len(self.changes)} changes from {self.files} files: " + ", ".join(parts) + "."


class _Rollback(Exception):
    pass


MECHANISMS_PER_BATCH = 100  # mechanism files read, validated and written together (a few thousand rows)
_UNREADABLE = object()  # what ``parse`` returns for a file it reported as unreadable


class _Folder(Mapping):
    """The dataset files of a folder as {relative name: text}, each read when it is asked for: an import
    holds one batch of files at a time, not the whole folder."""

    def __init__(self, paths):
        self.paths = paths

    def __getitem__(self, name):
        return self.paths[name].read_text(encoding="utf-8")

    def __iter__(self):
        return iter(self.paths)

    def __len__(self):
        return len(self.paths)


def read_folder(path):
    """The dataset files under ``path``, as a mapping {relative name: text}, measured against the limits."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError([f"{path}: no such folder"])
    paths = {name: root / name for name in fmt.REFERENCE_FILES if (root / name).exists()}
    for file in sorted((root / fmt.MECHANISMS_DIR).glob("*.yaml")):
        paths[f"{fmt.MECHANISMS_DIR}/{file.name}"] = file
    limits.check_sizes({name: path.stat().st_size for name, path in paths.items()})
    if not paths:
        raise DatasetError([f"{path}: no dataset files found (expected {', '.join(fmt.REFERENCE_FILES)} "
                            f"or {fmt.MECHANISMS_DIR}/*.yaml)"])
    return _Folder(paths)


def held_editions(files):
    """The slugs of the editions ``files`` bring that the database already holds."""
    text = files.get(fmt.EDITIONS_FILE)
    if not text:
        return []
    try:
        records = fmt.load(text) or []
        slugs = [record["slug"] for record in records]
    except Exception as error:  # broken YAML or records without a slug: the import would say the same
        message = f"{fmt.EDITIONS_FILE}: cannot read the editions' slugs: {error}"
        raise DatasetError([message.replace("\n", " ")]) from None
    return sorted(ReviewEdition.objects.filter(slug__in=slugs).values_list("slug", flat=True))


# An import may change any curated record and publish the editions it brings: the editor's role, the
# same as the admin's bulk import. Statuses still move only through the workflow services.
IMPORT_PERMISSIONS = (
    *(f"{app}.{codename}" for app, codename in CURATOR if not codename.startswith("view")),
    publishing.PUBLISH_PERMISSION,
)


def import_dataset(files, *, user=None, reason="", dry_run=False):
    """Import ``files`` ({relative name: YAML text}); return an ImportReport or raise DatasetError.

    With a ``user``, the import acts as that user: it needs an editor's permissions, and the history
    names them. A new edition marked published (or in review) is created as a draft and then moved
    through the editorial workflow as that user, with all its checks; without a user nothing can be.
    """
    if user is not None and not user.has_perms(IMPORT_PERMISSIONS):
        raise DatasetError([f"{user} may not import: it takes the editor role, as the admin's bulk import does."])
    limits.check_sizes({name: len(files[name].encode("utf-8")) for name in files})

    importer = _Importer(user=user)
    try:
        with transaction.atomic(), recording(kind=ChangeSet.Kind.IMPORT, user=user, reason=reason):
            importer.run(files)
            if importer.errors:
                raise DatasetError(importer.errors)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return ImportReport(changes=importer.changes, files=len(files), dry_run=dry_run,
                        proposed=proposals.is_capturing())


def _text(value):
    return "" if value is None else str(value).strip() if not isinstance(value, str) else value.strip()


def _display(value):
    if isinstance(value, models.Model):
        key = getattr(value, "natural_key", None)
        return key()[0] if key else str(value)
    return value


class _Importer:
    """Reads records as their declarations (``records.py`` of each app) describe them.

    What is special to a kind of record stays here, by name: an edition's status moves only through the
    workflow, a participation is known by its participant, role and start, a mechanism's meetings and
    documents by slugs unique across mechanisms, and a discrepancy's sources are places in editions.
    """

    def __init__(self, user=None):
        self.user = user
        self.errors = []
        self.changes = []
        self.created = set()
        self.tables = {}  # record type -> {natural key: instance}
        self.sources = {}
        self.workflow = {}  # slug of a new edition -> the status the file gives it, reached through the workflow
        self.writes = _Writes(self)
        self.rows = {}  # (owner model, owner pk, relation) -> the stored rows of a batch's records, read together
        self.citations = {}  # (content type id, object id) -> current citations of a batch's stored records
        self.entries_to_approve = []  # (file, where, entry): new entries of editions already published
        self.claimed = {}  # (model, one-to-one field) -> {pk of the record pointed to: the row's pk, or its id if new}

    # ----- the whole run ---------------------------------------------------------------------

    def run(self, files):
        for name in ("region", "theme", "edition", "state", "organization", "mechanism"):
            spec = record(name)
            self.tables[name] = {getattr(r, spec.key): r for r in spec.model.objects.all()}
        self.sources = {s.slug: s for s in Source.objects.all()}
        self.tables["source"] = {slug: s for slug, s in self.sources.items() if s.kind != Source.Kind.REVIEW_EDITION}

        # Sources first, editions among them: every citation points to a source. A reference file that cannot
        # be read stops the import here: every file after it would only repeat that its records are unknown.
        references = [(file_name, name, self.parse(file_name, files[file_name])) for file_name, name in (
            (fmt.EDITIONS_FILE, "edition"),
            (fmt.SOURCES_FILE, "source"),
            (fmt.REGIONS_FILE, "region"),
            (fmt.THEMES_FILE, "theme"),
            (fmt.STATES_FILE, "state"),
            (fmt.ORGANIZATIONS_FILE, "organization"),
        ) if file_name in files]
        if self.errors:
            return
        for file_name, name, data in references:
            self.load_reference(file_name, name, self.as_list(file_name, data))
            self.writes.flush()
        del references
        self.load_mechanisms(files, sorted(n for n in files if n.startswith(f"{fmt.MECHANISMS_DIR}/")))
        if not self.errors:
            bulk.refresh_statistics(self.writes.written)
            self.run_workflow()

    def parse(self, name, text):
        """The records of one file, or _UNREADABLE after reporting why it cannot be read."""
        if problem := limits.nesting_problem(name, text):
            self.errors.append(problem)
            return _UNREADABLE
        try:
            return fmt.load(text)
        except Exception as error:  # yaml raises several classes; all mean the same to a curator
            self.errors.append(f"{name}: broken YAML: {error}".replace("\n", " "))
            return _UNREADABLE

    def run_workflow(self):
        """Move each new edition to the status its file gives, through the workflow services and as the
        importing user: submitting and publishing need an editor, publishing needs every entry approved
        and no blocking data problem, and freezes the edition's snapshot."""
        for slug, status in self.workflow.items():
            edition = self.tables["edition"][slug]
            try:
                publishing.submit_for_review(edition=edition, user=self.user)
                if status == ReviewEdition.Status.PUBLISHED:
                    publishing.approve_entries(entries=edition.entries.all(), user=self.user)
                    publishing.publish_edition(edition=edition, user=self.user)
            except publishing.PublishRefused as refusal:
                for reason in refusal.reasons:
                    self.error(fmt.EDITIONS_FILE, f"edition {slug!r}", f"cannot become {status!r}: {reason}")

    def as_list(self, name, data):
        if data is None:
            return []
        if not isinstance(data, list):
            self.error(name, "file", "expected a list of records")
            return []
        return data

    def error(self, file, where, message):
        self.errors.append(f"{file}: {where}: {message}")

    # ----- generic record handling -----------------------------------------------------------

    def check_keys(self, file, where, data, allowed):
        if not isinstance(data, dict):
            self.error(file, where, f"expected a mapping, got {type(data).__name__}")
            return False
        unknown = [key for key in data if key not in allowed]
        if unknown:
            self.error(file, where, f"unknown key {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")
            return False
        return True

    def choice(self, file, where, model, name, value):
        field_ = model._meta.get_field(name)
        choices = [key for key, _label in field_.choices]
        if value not in choices:
            self.error(file, where, f"unknown {name} {value!r}; use one of {', '.join(choices)}")
            return None
        return value

    def lookup(self, file, where, table, label, key, *, required=False):
        key = _text(key)
        if not key:
            if required:
                self.error(file, where, f"{label} is required")
            return None
        found = table.get(key)
        if found is None:
            self.error(file, where, f"unknown {label} {key!r}")
        return found

    def values(self, file, where, spec, data, *, only=None, skip=(), tables=None):
        """The declared fields of ``data`` as model values, or None after reporting every problem.

        ``only`` and ``skip`` choose fields by name; ``tables`` adds records a reference may name
        (a document's meeting among its mechanism's meetings). Many-to-many fields and places are
        read by their own steps.
        """
        values, ok = {}, True
        for field in spec.fields:
            if field.kind in (REFS, PLACE) or field.name in skip or (only is not None and field.name not in only):
                continue
            raw = data.get(field.name, field.default)
            if field.kind == CHOICE:
                value = self.choice(file, where, spec.model, field.name, raw if raw != "" else data.get(field.name))
            elif field.kind == REF:
                table = (tables or {}).get(field.to, self.tables.get(field.to, {}))
                value = self.lookup(file, where, table, _label(field), raw, required=field.required)
                if value is None and (_text(raw) or field.required):
                    ok = False
                values[field.name] = value  # None: no record named, which an optional reference allows
                continue
            elif field.kind == INTEGER:
                try:
                    value = int(raw) if raw not in (None, "") else int(field.default)
                except (TypeError, ValueError):
                    self.error(file, where, f"{field.name} must be a whole number, got {raw!r}")
                    value = None
            elif field.kind == NAMES:
                value = [_text(item) for item in raw] if isinstance(raw, list | tuple) else None
                if value is None:
                    self.error(file, where, f"{field.name} must be a list of names")
            elif field.kind == DAY:
                try:
                    values[field.name] = datetime.date.fromisoformat(_text(raw)) if _text(raw) else None
                except ValueError:
                    self.error(file, where, f"{field.name} must be a date written 'YYYY-MM-DD', got {raw!r}")
                    ok = False
                continue
            else:
                value = _text(raw)
            if value is None:
                ok = False
            values[field.name] = value
        return values if ok else None

    def valid_items(self, file, key, spec, items):
        """(index, where, data, values) of each record of ``items`` whose keys and values are valid; the
        problems of the others are reported."""
        for index, data in enumerate(items or []):
            where = f"{key}[{index}]"
            if not self.check_keys(file, where, data, spec.keys):
                continue
            values = self.values(file, where, spec, data)
            if values is not None:
                yield index, where, data, values

    def save(self, file, where, instance, values, *, model_label, key, exclude_validation=(), write=None):
        """Set ``values`` on ``instance``, validate with the model's rules, and have it written with its batch
        if anything changed (a new record is created). Returns the instance, or None when it is invalid.

        ``write(instance)`` saves it at once where a plain write is not the whole of it (an edition and its
        entry in the source register).
        """
        creating = instance.pk is None and not self.writes.is_new(instance)
        diffs = {}
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            if model_field.is_relation:
                current_id = getattr(instance, model_field.attname)
                if value is not None and value.pk is None:  # a record of this import, written with its batch
                    changed = not (model_field.is_cached(instance) and model_field.get_cached_value(instance) is value)
                else:
                    changed = current_id != (value.pk if value is not None else None)
                if changed:
                    current = getattr(instance, name) if current_id is not None else None
                    diffs[name] = (_display(current), _display(value))
                    setattr(instance, name, value)
            elif getattr(instance, name) != value:
                diffs[name] = (_display(getattr(instance, name)), _display(value))
                setattr(instance, name, value)
        if not creating and not diffs:
            return instance
        if not self.one_to_one_free(file, where, instance, diffs):
            return None
        fk_names = [f.name for f in instance._meta.concrete_fields if f.is_relation]
        try:
            instance.full_clean(
                exclude=[*fk_names, *exclude_validation], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = "" if field_name == "__all__" else f"{field_name}: "
                for message in messages:
                    self.error(file, where, f"{label}{message}")
            return None
        if write is not None:
            if not self.write_now(file, where, instance, write):
                return None
        elif creating:
            self.writes.create(instance, file, where)
        elif not self.writes.is_new(instance):  # a new record's second pass is written with its creation
            self.writes.update(instance, [instance._meta.get_field(name).attname for name in diffs], file, where)
        if creating:
            self.created.add((model_label, key))
            self.changes.append(Change("create", model_label, key))
        elif (model_label, key) not in self.created:  # a second pass over a new record is part of its creation
            self.changes.append(Change("update", model_label, key, diffs))
        return instance

    def one_to_one_free(self, file, where, instance, diffs):
        """A record that only one row may point to (a document's entry in the source register) is not claimed
        twice: checked against the rows as stored and as this import sets them, not left to the database."""
        free = True
        for name in diffs:
            model_field = instance._meta.get_field(name)
            target = getattr(instance, name) if model_field.one_to_one else None
            if target is None:
                continue
            key = (type(instance), name)
            if key not in self.claimed:
                self.claimed[key] = {target_id: pk for target_id, pk in type(instance)._default_manager.filter(
                    **{f"{name}__isnull": False}).values_list(model_field.attname, "pk")}
            claimed = self.claimed[key]
            holder, me = claimed.get(target.pk), instance.pk if instance.pk is not None else ("new", id(instance))
            if target.pk is not None and holder is not None and holder != me:
                self.error(file, where, f"{name}: {_display(target)!r} is already another "
                                        f"{instance._meta.verbose_name}'s")
                free = False
            elif target.pk is not None:
                claimed[target.pk] = me
        return free

    def write_now(self, file, where, instance, write):
        """Save one record at once, by ``write``; False after reporting why it could not be."""
        try:
            with transaction.atomic():
                write(instance)
        except IntegrityError as error:
            self.error(file, where, f"conflicts with an existing record ({error})")
            return False
        except ConcurrentEditError as error:
            self.error(file, where, str(error))
            return False
        return True

    def delete(self, instance, *, model_label, key):
        if not self.errors:
            instance.delete()
        self.changes.append(Change("delete", model_label, key))

    # ----- rows of a batch's stored records, read together ----------------------------------

    def read_rows(self, spec, owners):
        """Read the child rows (names, participations, meetings...) of the stored records among ``owners``,
        and the current citations of them all: a query per kind of row, not per record."""
        self.rows, self.citations = {}, {}
        stored = [owner for owner in owners if owner is not None and owner.pk is not None]
        if not stored:
            return
        pks = [owner.pk for owner in stored]
        cited = {spec.model: pks} if spec.cited else {}
        for children in spec.children:
            child = record(children.record)
            related = [f.name for f in child.fields if f.kind == REF and f.to in ("state", "organization", "edition")]
            for key in pks:
                self.rows[(spec.model, key, children.relation)] = []
            for pk_chunk in _chunks(pks):
                for row in child.model.objects.filter(**{f"{child.owner}_id__in": pk_chunk}).select_related(*related):
                    self.rows[(spec.model, getattr(row, f"{child.owner}_id"), children.relation)].append(row)
                    if child.cited:
                        cited.setdefault(child.model, []).append(row.pk)
        for field in spec.fields:
            if field.kind == REFS:
                through = spec.model._meta.get_field(field.name).remote_field.through
                own, _other = _link_fields(spec.model, field.name)
                for key in pks:
                    self.rows[(spec.model, key, field.name)] = []
                for pk_chunk in _chunks(pks):
                    for link in through.objects.filter(**{f"{own}__in": pk_chunk}):
                        self.rows[(spec.model, getattr(link, own), field.name)].append(link)
        for model, object_ids in cited.items():
            content_type = ContentType.objects.get_for_model(model)
            for id_chunk in _chunks(object_ids):
                for citation in (Citation.objects.current().filter(content_type=content_type, object_id__in=id_chunk)
                                 .select_related("source").order_by("position", "pk")):
                    self.citations.setdefault((content_type.id, citation.object_id), []).append(citation)
            for object_id in object_ids:
                self.citations.setdefault((content_type.id, object_id), [])

    def rows_of(self, owner, relation):
        """The stored rows of ``owner``'s ``relation``: none for a new record, else as read for its batch."""
        if owner.pk is None:
            return []
        found = self.rows.get((type(owner), owner.pk, relation))
        if found is not None:
            return list(found)
        field = owner._meta.get_field(relation)
        if field.many_to_many:  # its link rows, as read_rows reads them
            own, _other = _link_fields(type(owner), relation)
            return list(field.remote_field.through.objects.filter(**{own: owner.pk}))
        return list(getattr(owner, relation).all())

    # ----- citations -------------------------------------------------------------------------

    def citations_of(self, instance):
        if instance.pk is None:
            return []
        content_type = ContentType.objects.get_for_model(instance)
        found = self.citations.get((content_type.id, instance.pk))
        if found is None:
            found = list(Citation.objects.current().filter(content_type=content_type, object_id=instance.pk)
                         .select_related("source").order_by("position", "pk"))
        return found

    def sync_sources(self, file, where, instance, items, *, model_label, key):
        if instance is None:
            return
        if items is None:
            items = []
        if not isinstance(items, list):
            self.error(file, where, "sources must be a list of citations")
            return
        content_type = ContentType.objects.get_for_model(instance)
        wanted = []
        for item in items:
            try:
                source_slug, locator, covers, quotation = fmt.parse_citation(item)
            except ValueError as error:
                self.error(file, where, f"bad citation: {error}")
                continue
            source = self.sources.get(source_slug)
            if source is None:
                self.error(file, where, f"citation of unknown source {source_slug!r}")
                continue
            citation = Citation(source=source, locator=locator, covers=",".join(covers), quotation=quotation,
                                content_type=content_type, object_id=instance.pk)
            try:  # the model's own rules: a locator's and a quotation's length, the fields a record has, the
                # places a kind of source allows
                citation.clean_fields(exclude=["content_type", "object_id", "position", "source"])
                citation.validate_covers()
                citation.validate_place()
            except ValidationError as error:
                cited = f"{source_slug} {locator[:60]}".rstrip()
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        self.error(file, where, f"citation {cited}: {field_name}: {message}")
                continue
            wanted.append(citation)
        for message in repeated_citations(wanted):
            self.error(file, where, message)
        existing = self.citations_of(instance)
        if [(c.source_id, c.locator, c.covers, c.quotation) for c in existing] == [
                (c.source_id, c.locator, c.covers, c.quotation) for c in wanted]:
            return
        before = [str(c) for c in existing]
        for position, citation in enumerate(wanted):
            citation.position = position
        self.writes.cite(instance, wanted, [c.pk for c in existing])
        if (model_label, key) in self.created:
            return  # a new record's sources are part of its creation
        self.changes.append(Change("update", model_label, key, {"sources": (before, [str(c) for c in wanted])}))

    # ----- other names (states, organisations, mechanisms) -----------------------------------

    def sync_names(self, file, where, children, owner, items):
        """A record's names over time: known by the name itself, in the file's order."""
        if owner is None:
            return
        spec = record(children.record)
        existing = {n.name: n for n in self.rows_of(owner, children.relation)}
        seen = set()
        for index, data in enumerate(items or []):
            here = f"{where}.{children.key}[{index}]"
            if not self.check_keys(file, here, data, spec.keys):
                continue
            name = _text(data.get("name"))
            if not name:
                self.error(file, here, "name is required")
                continue
            if name in seen:
                self.error(file, here, f"the name {name!r} is listed twice")
                continue
            seen.add(name)
            values = self.values(file, here, spec, data)
            if values is None:
                continue
            key = f"{_display(owner)} / {name}"
            instance = existing.get(name) or spec.model(**{spec.owner: owner})
            saved = self.save(file, here, instance, values, model_label=_model_label(spec), key=key)
            self.sync_sources(file, here, saved, data.get("sources"), model_label=_model_label(spec), key=key)
        for name, instance in existing.items():
            if name not in seen:
                self.delete(instance, model_label=_model_label(spec), key=f"{_display(owner)} / {name}")

    # ----- reference files -------------------------------------------------------------------

    def unique_keys(self, file, records, key_name, *, case_insensitive=True):
        """Report duplicate keys in one file; return the records with a usable key."""
        seen, usable = {}, []
        for index, data in enumerate(records):
            if not isinstance(data, dict):
                self.error(file, f"record {index + 1}", "expected a mapping")
                continue
            key = _text(data.get(key_name))
            if not key:
                self.error(file, f"record {index + 1}", f"{key_name} is required")
                continue
            folded = key.lower() if case_insensitive else key
            if folded in seen:
                self.error(file, f"{key_name} {key!r}", f"duplicate {key_name} (also record {seen[folded] + 1})")
                continue
            seen[folded] = index
            usable.append(data)
        return usable

    def load_reference(self, file, name, records):
        """One file of reference records (editions, regions, themes, states, organisations).

        References to records of the same kind (a state's sovereign, an organisation's parent), names
        and citations are read in a second pass, once every record of the file exists.
        """
        spec, table, label = record(name), self.tables[name], _model_label(record(name))
        own = [f.name for f in spec.fields if f.kind == REF and f.to == name]
        write = save_edition if name == "edition" else None  # an edition is saved with its entry among the sources
        loaded = []
        for data in self.unique_keys(file, records, spec.key):
            key = _text(data[spec.key])
            where = f"{label} {key!r}"
            if not self.check_keys(file, where, data, spec.keys):
                continue
            if name == "source" and not self.source_kept_apart(file, where, key, data):
                continue
            values = self.values(file, where, spec, data, skip=own)
            if values is None:
                continue
            instance = table.get(key) or spec.model(**{spec.key: key})
            if name == "edition":
                status = values.pop("status")  # moved by the workflow only
                if not self.edition_status_kept(file, where, instance, status):
                    continue
                if not self.edition_slug_free(file, where, instance, key):
                    continue
                if instance.pk is None and status != ReviewEdition.Status.DRAFT:
                    self.workflow[key] = status  # created as a draft, then moved by run_workflow
            elif name == "source":
                publish_registered(instance)
            saved = self.save(file, where, instance, values, model_label=label, key=key, write=write)
            if saved is not None:
                table[key] = saved
                loaded.append((where, key, data, saved))
                if name == "edition":
                    self.sources[key] = saved.source
                elif name == "source":
                    self.sources[key] = saved
        self.read_rows(spec, [instance for _where, _key, _data, instance in loaded])
        for where, key, data, instance in loaded:
            if own:
                values = self.values(file, where, spec, data, only=own)
                if values is not None:
                    self.save(file, where, instance, values, model_label=label, key=key)
            for children in spec.children:
                self.sync_names(file, where, children, instance, data.get(children.key))
            if spec.cited:
                self.sync_sources(file, where, instance, data.get("sources"), model_label=label, key=key)

    def source_kept_apart(self, file, where, slug, data):
        """sources.yaml holds every source but the review editions, which editions.yaml holds."""
        kinds = [kind for kind, _label in Source.Kind.choices if kind != Source.Kind.REVIEW_EDITION]
        if data.get("kind") not in kinds:
            self.error(file, where, f"unknown kind {data.get('kind')!r}; use one of {', '.join(kinds)} "
                                    f"(review editions are written in {fmt.EDITIONS_FILE})")
            return False
        taken = self.sources.get(slug)
        if taken is not None and taken.kind == Source.Kind.REVIEW_EDITION:
            self.error(file, where, f"the slug {slug!r} is a review edition's, written in {fmt.EDITIONS_FILE}")
            return False
        return True

    def edition_slug_free(self, file, where, edition, slug):
        """A new edition becomes a source of the register under its own slug, which no other source may have."""
        taken = self.sources.get(slug)
        if edition.pk is None and taken is not None and taken.kind != Source.Kind.REVIEW_EDITION:
            self.error(file, where, f"the slug {slug!r} is already a source's, written in {fmt.SOURCES_FILE}")
            return False
        return True

    def edition_status_kept(self, file, where, edition, status):
        """An edition's status moves through the editorial workflow only, never by an import."""
        if edition.pk and edition.status != status:
            self.error(file, where, f"status {edition.status!r} cannot become {status!r} by import: editions "
                                    "move through the editorial workflow (manage.py edition, or the admin)")
            return False
        return True

    # ----- mechanisms ------------------------------------------------------------------------

    def load_mechanisms(self, files, names):
        """The mechanism files ``names`` of ``files``, a batch at a time: each batch is read, validated and
        then written together, and only its files are held in memory."""
        spec = record("mechanism")
        own = [f.name for f in spec.fields if f.kind == REF and f.to == "mechanism"]
        coming = {name.rsplit("/", 1)[-1].removesuffix(".yaml") for name in names}  # slugs of files not yet read
        self.seen_slugs, self.child_slugs = {}, {"meetings": {}, "documents": {}}
        self.slug_owners = {}  # record type -> {slug, casefolded: slug of the mechanism that has it}
        for name in ("meeting", "document"):
            self.slug_owners[name] = {slug.lower(): owner for slug, owner in
                                      record(name).model.objects.values_list("slug", "mechanism__slug")}
        waiting = []  # (file, where, mechanism, data): references to mechanisms of files read later
        for start in range(0, len(names), MECHANISMS_PER_BATCH):
            batch = names[start:start + MECHANISMS_PER_BATCH]
            parsed = self.read_mechanism_files(files, batch, spec)
            coming.difference_update(name.rsplit("/", 1)[-1].removesuffix(".yaml") for name in batch)
            self.read_rows(spec, [self.tables["mechanism"].get(_text(data["slug"])) for data in parsed.values()])
            saved = {}
            for file, data in parsed.items():
                slug = _text(data["slug"])
                where = f"mechanism {slug!r}"
                values = self.values(file, where, spec, data, skip=own)
                if values is None:
                    continue
                instance = self.tables["mechanism"].get(slug) or spec.model(slug=slug)
                mechanism = self.save(file, where, instance, values, model_label="mechanism", key=slug)
                if mechanism is not None:
                    self.tables["mechanism"][slug] = saved[file] = mechanism
            for file, mechanism in saved.items():
                data = parsed[file]
                where = f"mechanism {mechanism.slug!r}"
                if any(_text(data.get(name)) in coming for name in own):
                    waiting.append((file, where, mechanism, {name: data.get(name) for name in own}))
                    self.writes.hold_history(mechanism)  # its history row waits for the reference
                else:
                    self.save_own_references(file, where, spec, mechanism, data, own)
                self.sync_mechanism_rows(file, where, spec, mechanism, data)
            self.writes.flush()
            self.approve_into_published()
        for file, where, mechanism, data in waiting:
            self.save_own_references(file, where, spec, mechanism, data, own)
            self.writes.release_history(mechanism)
        self.writes.flush()

    def read_mechanism_files(self, files, names, spec):
        """{file: record} of the files ``names`` that are readable mechanisms with a slug of their own."""
        parsed = {}
        for file in names:
            data = self.parse(file, files[file])
            if data is _UNREADABLE or not self.check_keys(file, "mechanism", data, spec.keys):
                continue
            slug = _text(data.get("slug"))
            expected = file.rsplit("/", 1)[-1].removesuffix(".yaml")
            if not slug:
                self.error(file, "mechanism", "slug is required")
                continue
            if slug != expected:
                self.error(file, f"mechanism {slug!r}", f"the file must be named {slug}.yaml")
                continue
            if slug.lower() in self.seen_slugs:
                self.error(file, f"mechanism {slug!r}", f"duplicate slug (also in {self.seen_slugs[slug.lower()]})")
                continue
            self.seen_slugs[slug.lower()] = file
            parsed[file] = data
        self.check_unique_child_slugs(parsed, "meetings")
        self.check_unique_child_slugs(parsed, "documents")
        return parsed

    def save_own_references(self, file, where, spec, mechanism, data, own):
        """A mechanism's references to other mechanisms (its predecessor), once those are read."""
        values = self.values(file, where, spec, data, only=own)
        if values is None:
            return
        self.save(file, where, mechanism, values, model_label="mechanism", key=mechanism.slug)
        if any(values.values()):
            try:
                mechanism.clean()
            except ValidationError as error:
                for message in error.messages:
                    self.error(file, where, message)

    def sync_mechanism_rows(self, file, where, spec, mechanism, data):
        """A mechanism's links, citations and child rows, as its file lists them."""
        for field in spec.fields:
            if field.kind == REFS:
                self.sync_links(file, where, spec, mechanism, field, data.get(field.name))
        self.sync_sources(file, where, mechanism, data.get("sources"), model_label="mechanism", key=mechanism.slug)
        children = {c.record: c for c in spec.children}
        self.sync_names(file, where, children["mechanism_name"], mechanism, data.get("other_names"))
        self.sync_participations(file, mechanism, data.get("participations"))
        meetings = self.sync_slugged(file, mechanism, children["meeting"], data.get("meetings"))
        self.sync_slugged(file, mechanism, children["document"], data.get("documents"), tables={"meeting": meetings})
        self.sync_review_entries(file, mechanism, data.get("review_entries"))
        self.sync_discrepancies(file, mechanism, data.get("discrepancies"))

    def check_unique_child_slugs(self, parsed, key):
        """A meeting's or a document's slug is listed once across the files (the batches read so far)."""
        seen = self.child_slugs[key]
        for file, data in parsed.items():
            for index, item in enumerate(data.get(key) or []):
                slug = _text(item.get("slug")) if isinstance(item, dict) else ""
                if not slug:
                    continue
                if slug.lower() in seen:
                    self.error(file, f"{key}[{index}] {slug!r}", f"duplicate slug (also in {seen[slug.lower()]})")
                seen[slug.lower()] = file

    def sync_links(self, file, where, spec, owner, field, keys):
        """A many-to-many field, such as a mechanism's themes: the set of records the file lists."""
        keys = keys or []
        if not isinstance(keys, list):
            self.error(file, where, f"{field.name} must be a list of {field.to} keys")
            return
        wanted = []
        for key in keys:
            other = self.lookup(file, where, self.tables[field.to], _label(field), key)
            if other is not None:
                wanted.append(other)
        other_key = record(field.to).key
        own, other_id = _link_fields(spec.model, field.name)
        links = self.rows_of(owner, field.name)
        by_id = {o.pk: o for o in self.tables[field.to].values()}
        current = sorted(getattr(by_id[getattr(link, other_id)], other_key) for link in links)
        if current != sorted(getattr(o, other_key) for o in wanted):
            wanted_ids = {o.pk for o in wanted}
            stale = [link.pk for link in links if getattr(link, other_id) not in wanted_ids]
            kept = {getattr(link, other_id) for link in links}
            self.writes.relink(owner, spec.model._meta.get_field(field.name),
                               [o for o in dict.fromkeys(wanted) if o.pk not in kept], stale)
            label, key = _model_label(spec), getattr(owner, spec.key)
            if (label, key) not in self.created:
                self.changes.append(Change("update", label, key,
                                           {field.name: (current, sorted(getattr(o, other_key) for o in wanted))}))

    def sync_participations(self, file, mechanism, items):
        """Participations are known by participant, role and start; the file lists them all."""
        spec = record("participation")
        items = items or []
        existing = {}
        for p in self.rows_of(mechanism, "participations"):
            existing[(p.state.alpha3 if p.state else None, p.organization.slug if p.organization else None,
                      p.role, p.start)] = p
        seen, wanted = set(), []
        for index, data in enumerate(items):
            where = f"participations[{index}]"
            if not self.check_keys(file, where, data, spec.keys):
                continue
            label = _text(data.get("as_written")) or data.get("state") or data.get("organization")
            where = f"participations[{index}] ({label})"
            if bool(_text(data.get("state"))) == bool(_text(data.get("organization"))):
                self.error(file, where, "give exactly one of 'state' (alpha-3) or 'organization' (slug)")
                continue
            values = self.values(file, where, spec, data)
            if values is None:
                continue
            state, organization = values["state"], values["organization"]
            key = (state.alpha3 if state else None, organization.slug if organization else None, values["role"],
                   values["start"])
            if key in seen:
                self.error(file, where, "the same participant is listed twice with the same role and start")
                continue
            seen.add(key)
            label = f"{mechanism.slug} / {key[0] or key[1]} / {key[2]}" + (f" from {key[3]}" if key[3] else "")
            wanted.append((where, key, label, data, {"mechanism": mechanism, **values}))
        # Rows the file no longer lists go first, so that the rules comparing a row with its siblings
        # (one standing role at a time) see the mechanism as the file describes it.
        for key, instance in existing.items():
            if key not in seen:
                label = f"{mechanism.slug} / {key[0] or key[1]} / {key[2]}"
                self.delete(instance, model_label="participation", key=label)
        # Stored rows are saved before new ones for the same reason: an expected member whose role the
        # file ends on the day its membership starts is ended before the member row is checked against it,
        # in whatever order the file lists them (the export lists members first).
        wanted.sort(key=lambda row: row[1] not in existing)
        # The rule of one standing role at a time compares each row with the mechanism's participations as
        # the rows before it left them: kept here as the rows are validated, rather than read for every row.
        # A stored row is kept as it was read until its new values are accepted; a new row, once accepted, is
        # compared with the rows after it.
        stored = {id(instance): copy.copy(instance) for key, instance in existing.items() if key in seen}
        for where, key, label, data, values in wanted:
            instance = existing.get(key) or spec.model(mechanism=mechanism)
            instance.stored_siblings = list(stored.values())
            saved = self.save(file, where, instance, values, model_label="participation", key=label)
            instance.stored_siblings = None
            if saved is not None:
                stored[id(instance)] = copy.copy(saved) if saved.pk is not None else saved
            self.sync_sources(file, where, saved, data.get("sources"), model_label="participation", key=label)

    def sync_slugged(self, file, mechanism, children, items, *, tables=None):
        """Bring a mechanism's records that have slugs (meetings, documents) in line with its file.

        Slugs are unique across mechanisms; records the file no longer lists are deleted. Returns the
        records kept, by slug.
        """
        spec = record(children.record)
        label = _model_label(spec)
        existing = {r.slug: r for r in self.rows_of(mechanism, children.relation)}
        owners, kept, listed = self.slug_owners[children.record], {}, set()
        for index, data in enumerate(items or []):
            where = f"{children.key}[{index}]"
            if not self.check_keys(file, where, data, spec.keys):
                continue
            slug = _text(data.get("slug"))
            where = f"{children.key}[{index}] ({slug or 'no slug'})"
            if not slug:
                self.error(file, where, "slug is required")
                continue
            listed.add(slug)
            values = self.values(file, where, spec, data, tables=tables)
            if values is None:
                continue
            instance = existing.get(slug)
            if instance is None:
                owner = owners.get(slug.lower())
                if owner is not None and owner != mechanism.slug:
                    self.error(file, where, f"duplicate slug: already a {label} of {owner!r}")
                    continue
                owners[slug.lower()] = mechanism.slug
                instance = spec.model(slug=slug, mechanism=mechanism)
            saved = self.save(file, where, instance, {"mechanism": mechanism, **values}, model_label=label, key=slug)
            if saved is not None:
                kept[slug] = saved
            self.sync_sources(file, where, saved, data.get("sources"), model_label=label, key=slug)
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label=label, key=slug)
                owners.pop(slug.lower(), None)
        return kept

    def sync_review_entries(self, file, mechanism, items):
        """One entry per edition; an entry arriving for an edition already published is approved."""
        spec = record("review_entry")
        existing = {e.edition.slug: e for e in self.rows_of(mechanism, "review_entries")}
        listed = set()
        for _index, where, _data, values in self.valid_items(file, "review_entries", spec, items):
            edition = values["edition"]
            if edition.slug in listed:
                self.error(file, where, f"a second entry for edition {edition.slug!r}")
                continue
            listed.add(edition.slug)
            instance = existing.get(edition.slug) or ReviewEntry(edition=edition, mechanism=mechanism)
            creating = instance.pk is None
            saved = self.save(file, where, instance, {"mechanism": mechanism, **values}, model_label="review entry",
                              key=f"{mechanism.slug} in {edition.slug}")
            if saved is not None and creating and edition.is_published:
                self.entries_to_approve.append((file, where, saved))
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label="review entry", key=f"{mechanism.slug} in {slug}")

    def approve_into_published(self):
        """Entries that arrived, in the batch just written, for editions already published are approved, by the
        workflow and its role."""
        waiting, self.entries_to_approve = self.entries_to_approve, []
        if self.errors or not waiting:
            return
        try:
            publishing.approve_entries(entries=[entry for _file, _where, entry in waiting], user=self.user)
        except publishing.PublishRefused as refusal:
            for file, where, entry in waiting:
                for reason in refusal.reasons:
                    self.error(file, where, f"an entry of the published edition {entry.edition.slug!r}: {reason}")

    def sync_discrepancies(self, file, mechanism, items):
        """Discrepancies are known by their position in the file; each side is a place in a source."""
        spec = record("discrepancy")
        existing = self.rows_of(mechanism, "discrepancies")
        for index, where, data, values in self.valid_items(file, "discrepancies", spec, items):
            ok = True
            for field in spec.fields:
                if field.kind != PLACE:
                    continue
                try:
                    source_slug, locator, _covers, _quotation = fmt.parse_citation(data.get(field.name))
                except ValueError as error:
                    self.error(file, where, f"{field.name}: {error}")
                    ok = False
                    continue
                source = self.sources.get(source_slug)
                if source is None:
                    self.error(file, where, f"{field.name}: unknown source {source_slug!r}")
                    ok = False
                    continue
                values[f"{field.place}_source"], values[f"{field.place}_locator"] = source, locator
            if not ok:
                continue
            instance = existing[index] if index < len(existing) else spec.model(mechanism=mechanism)
            self.save(file, where, instance, {"mechanism": mechanism, "position": index, **values},
                      model_label="discrepancy", key=f"{mechanism.slug} #{index + 1} ({values['subject']})")
        for instance in existing[len(items or []):]:
            self.delete(instance, model_label="discrepancy", key=f"{mechanism.slug} ({instance.subject})")


class _Writes:
    """The writes of a batch of records, held while the batch is read and validated, then made together: for
    each kind of record, its new rows, its changed rows, their links, citations and history rows, each in a
    statement per few hundred rows. Nothing more is written once the import has found an error."""

    def __init__(self, importer):
        self.importer = importer
        # Records whose history row waits for a reference to a record of a later batch (a predecessor), so that
        # they have one row, written with the reference: id -> [record, created by the import, changed].
        self.held = {}
        self.written = {}  # model -> rows created: the tables whose statistics are refreshed before the workflow
        self.clear()

    def clear(self):
        self.new = {}  # model -> [instance]
        self.new_ids = set()
        self.changed = {}  # model -> {id(instance): (instance, {attname})}
        self.relinked = {}  # model -> {id(instance): instance}: records whose many-to-many links change
        self.links = []  # (owner, many-to-many field, [records to link], [link pks to remove])
        self.citations = []  # (subject, [new citations in their order])
        self.stale_citations = []  # pks of the citations the new ones replace
        self.released = []  # held records whose reference is now written, and their history row with it
        self.places = {}  # id(instance) -> (file, where): to name a record a write refuses

    def is_new(self, instance):
        return id(instance) in self.new_ids

    def create(self, instance, file, where):
        self.new.setdefault(type(instance), []).append(instance)
        self.new_ids.add(id(instance))
        self.places[id(instance)] = (file, where)

    def update(self, instance, attnames, file, where):
        _instance, fields = self.changed.setdefault(type(instance), {}).setdefault(id(instance), (instance, set()))
        fields.update(attnames)
        self.places[id(instance)] = (file, where)

    def relink(self, owner, field, add, remove):
        self.links.append((owner, field, add, remove))
        self.relinked.setdefault(type(owner), {})[id(owner)] = owner

    def cite(self, subject, citations, stale):
        self.citations.append((subject, citations))
        self.stale_citations += stale

    def hold_history(self, instance):
        self.held[id(instance)] = [instance, self.is_new(instance), False]

    def release_history(self, instance):
        self.released.append(instance)

    def flush(self):
        """Write the batch, in the order the rows refer to each other; a conflict the validation did not
        foresee is reported (naming the batch's files) and the rest of the import is still read."""
        try:
            if not self.importer.errors and (self.new or self.changed or self.links or self.citations
                                             or self.released):
                with transaction.atomic():  # a savepoint per batch, not per record
                    self.write()
        except IntegrityError as error:
            files = sorted({file for file, _where in self.places.values()})
            self.importer.error(", ".join(files), "a record", f"conflicts with an existing record ({error})")
        except ConcurrentEditError as error:
            file, where = self.places.get(id(error.instance), ("the dataset", "a record"))
            self.importer.error(file, where, str(error))
        finally:
            self.clear()

    def write(self):
        order = sorted({*self.new, *self.changed, *self.relinked}, key=_depth)
        for model, owners in self.relinked.items():  # their links are about to change: a proposal notes them first
            proposals.note_bulk_write(model, [o.pk for o in owners.values() if o.pk is not None])
        if self.stale_citations:
            Citation.objects.filter(pk__in=self.stale_citations).delete()  # with their history, as one by one
        for model in order:
            rows = list(self.changed.get(model, {}).values())
            # A proposal applies a kind of record's stored rows before its new ones, as they were validated (an
            # expected member's role ended before the member row that follows it is checked).
            proposals.note_bulk_write(model, [instance.pk for instance, _names in rows])
            for generation in _generations(self.new.get(model, ())):
                bulk.create(model, generation)
            self.written[model] = self.written.get(model, 0) + len(self.new.get(model, ()))
            if rows:
                fields = sorted({name for _instance, names in rows for name in names})
                bulk.update(model, [instance for instance, _names in rows], fields)
        self.write_links()
        citations = []
        for subject, cited in self.citations:
            for citation in cited:
                citation.object_id = subject.pk
            citations += cited
        if citations:
            bulk.create(Citation, citations)
            self.written[Citation] = self.written.get(Citation, 0) + len(citations)
        for model in order:
            created = list(self.new.get(model, ()))
            changed = [i for i, _names in self.changed.get(model, {}).values()]
            done = {id(i) for i in created} | {id(i) for i in changed}
            changed += [i for key, i in self.relinked.get(model, {}).items() if key not in done]
            for instance in (*created, *changed):
                if id(instance) in self.held:
                    self.held[id(instance)][2] = True
            bulk.record_history(model, [i for i in created if id(i) not in self.held], created=True)
            bulk.record_history(model, [i for i in changed if id(i) not in self.held], created=False)
        bulk.record_history(Citation, citations, created=True)
        for instance in self.released:
            _instance, created, changed = self.held.pop(id(instance))
            if changed:
                bulk.record_history(type(instance), [instance], created=created)

    def write_links(self):
        stale, added = {}, {}
        for owner, field, add, remove in self.links:
            through = field.remote_field.through
            own, other = _link_fields(type(owner), field.name)
            stale.setdefault(through, []).extend(remove)
            added.setdefault(through, []).extend(through(**{own: owner.pk, other: o.pk}) for o in add)
        for through, pks in stale.items():
            if pks:
                through.objects.filter(pk__in=pks).delete()
        for through, rows in added.items():
            through.objects.bulk_create(rows, batch_size=bulk.BATCH)
        if self.links:
            bump_data_version()


_depths = {}


def _depth(model, seen=()):
    """How deep ``model`` sits in the chain of references between models: a row is written after the rows
    it refers to (a participation after its mechanism, a document after its meeting)."""
    if model in _depths:
        return _depths[model]
    if model in seen:
        return 0
    targets = {f.related_model for f in model._meta.concrete_fields
               if f.is_relation and f.related_model is not None and f.related_model is not model}
    depth = 1 + max((_depth(target, (*seen, model)) for target in targets), default=0)
    if not seen:
        _depths[model] = depth
    return depth


def _generations(instances):
    """``instances`` in groups, each after the group holding the records of the same model it refers to (a
    mechanism after its predecessor); each group is yielded once the one before it is written."""
    if not instances:
        return
    model = type(instances[0])
    own = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
    pending = list(instances)
    while pending:
        ready = [i for i in pending if not any(f.is_cached(i) and f.get_cached_value(i) is not None
                                               and f.get_cached_value(i).pk is None for f in own)]
        if not ready:  # records that refer to each other in a ring: the models' validation refuses that
            ready = pending
        yield ready
        done = {id(i) for i in ready}
        pending = [i for i in pending if id(i) not in done]


def _link_fields(model, name):
    """The attnames of a many-to-many field's link rows: (the owner's, the other record's)."""
    field = model._meta.get_field(name)
    return field.m2m_column_name(), field.m2m_reverse_name()


def _chunks(items, size=900):
    """``items`` in lists small enough for one query's parameters on every database."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _model_label(spec):
    """How a change to a record of ``spec`` is reported: 'organisation', 'review entry'."""
    return spec.label


def _label(field):
    """How a reference is named in an error: 'region', 'host state', 'parent organisation', 'source entry'."""
    to, words = record(field.to).label, field.name.split("_")
    if field.kind == REFS or field.name == field.to:
        return to
    return " ".join(words) if field.to in words else f"{' '.join(words)} {to}"
