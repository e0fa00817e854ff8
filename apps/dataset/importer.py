"""Import a folder of dataset files (docs/dataset-format.md) into the database.

The import is atomic (any error, nothing is written), idempotent (a second run changes nothing and
reports so), validated by the models' own rules, and recorded in the edit history as one change set
of kind 'import' with its reason. Every error names the file, the record and the reason.

A mechanism file is the whole truth about that mechanism: its participations, meetings, documents,
names, review entries and discrepancies that the file no longer lists are deleted. Reference records
(states, organisations, sources, …) and mechanisms that no file mentions are left alone, so a folder
holding only some files (a sources.yaml and a few mechanism files) is an update of those records.
"""

import copy
import dataclasses
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from apps.curation import proposals
from apps.curation.history import recording
from apps.curation.models import ChangeSet, Citation, ConcurrentEditError, Source, repeated_citations
from apps.curation.records import CHOICE, DAY, INTEGER, NAMES, PLACE, REF, REFS, record
from apps.curation.roles import CURATOR
from apps.curation.sources import save_source
from apps.reviews.models import ReviewEdition, ReviewEntry
from apps.reviews.services import save_edition

from . import limits, publishing
from . import yaml_format as fmt
from .errors import DatasetError


@dataclass
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


def read_folder(path):
    """The dataset files under ``path``, as {relative name: text}."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError([f"{path}: no such folder"])
    paths = {name: root / name for name in fmt.REFERENCE_FILES if (root / name).exists()}
    for file in sorted((root / fmt.MECHANISMS_DIR).glob("*.yaml")):
        paths[f"{fmt.MECHANISMS_DIR}/{file.name}"] = file
    limits.check_sizes({name: path.stat().st_size for name, path in paths.items()})
    files = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    if not files:
        raise DatasetError([f"{path}: no dataset files found (expected {', '.join(fmt.REFERENCE_FILES)} "
                            f"or {fmt.MECHANISMS_DIR}/*.yaml)"])
    return files


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
    limits.check_sizes({name: len(text.encode("utf-8")) for name, text in files.items()})
    documents, errors = {}, []
    for name, text in files.items():
        if problem := limits.nesting_problem(name, text):
            errors.append(problem)
            continue
        try:
            documents[name] = fmt.load(text)
        except Exception as error:  # yaml raises several classes; all mean the same to a curator
            errors.append(f"{name}: broken YAML: {error}".replace("\n", " "))
    if errors:
        raise DatasetError(errors)

    importer = _Importer(user=user)
    try:
        with transaction.atomic(), recording(kind=ChangeSet.Kind.IMPORT, user=user, reason=reason):
            importer.run(documents)
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
        self._citations = None
        self.workflow = {}  # slug of a new edition -> the status the file gives it, reached through the workflow

    # ----- the whole run ---------------------------------------------------------------------

    def run(self, documents):
        for name in ("region", "theme", "edition", "state", "organization", "mechanism"):
            spec = record(name)
            self.tables[name] = {getattr(r, spec.key): r for r in spec.model.objects.all()}
        self.sources = {s.slug: s for s in Source.objects.all()}
        self.tables["source"] = {slug: s for slug, s in self.sources.items() if s.kind != Source.Kind.REVIEW_EDITION}

        # Sources first, editions among them: every citation points to a source.
        for file_name, name in (
            (fmt.EDITIONS_FILE, "edition"),
            (fmt.SOURCES_FILE, "source"),
            (fmt.REGIONS_FILE, "region"),
            (fmt.THEMES_FILE, "theme"),
            (fmt.STATES_FILE, "state"),
            (fmt.ORGANIZATIONS_FILE, "organization"),
        ):
            if file_name in documents:
                self.load_reference(file_name, name, self.as_list(file_name, documents[file_name]))
        mechanism_files = {n: d for n, d in documents.items() if n.startswith(f"{fmt.MECHANISMS_DIR}/")}
        self.load_mechanisms(mechanism_files)
        if not self.errors:
            self.run_workflow()

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
        """Set ``values`` on ``instance``, validate with the model's rules, save if anything changed.

        ``write(instance)`` saves it where a plain ``save()`` is not the whole write.
        """
        creating = instance.pk is None
        diffs = {}
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            if model_field.is_relation:
                current_id = getattr(instance, model_field.attname)
                if current_id != (value.pk if value is not None else None):
                    current = getattr(instance, name) if current_id is not None else None
                    diffs[name] = (_display(current), _display(value))
                    setattr(instance, name, value)
            elif getattr(instance, name) != value:
                diffs[name] = (_display(getattr(instance, name)), _display(value))
                setattr(instance, name, value)
        if not creating and not diffs:
            return instance
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
        try:
            with transaction.atomic():
                (write or type(instance).save)(instance)
        except IntegrityError as error:
            self.error(file, where, f"conflicts with an existing record ({error})")
            return None
        except ConcurrentEditError as error:
            self.error(file, where, str(error))
            return None
        if creating:
            self.created.add((model_label, key))
            self.changes.append(Change("create", model_label, key))
        elif (model_label, key) not in self.created:  # a second pass over a new record is part of its creation
            self.changes.append(Change("update", model_label, key, diffs))
        return instance

    def delete(self, instance, *, model_label, key):
        instance.delete()
        self.changes.append(Change("delete", model_label, key))

    # ----- citations -------------------------------------------------------------------------

    def citations_of(self, instance):
        if self._citations is None:
            self._citations = {}
            for citation in Citation.objects.current().select_related("source").order_by("position", "pk"):
                self._citations.setdefault((citation.content_type_id, citation.object_id), []).append(citation)
        content_type = ContentType.objects.get_for_model(instance)
        return self._citations.get((content_type.id, instance.pk), [])

    def sync_sources(self, file, where, instance, items, *, model_label, key):
        if instance is None or instance.pk is None:
            return
        if items is None:
            items = []
        if not isinstance(items, list):
            self.error(file, where, "sources must be a list of citations")
            return
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
                                content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk)
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
        for citation in existing:
            citation.delete()
        content_type = ContentType.objects.get_for_model(instance)
        created = []
        for position, citation in enumerate(wanted):
            citation.position = position
            citation.save()
            created.append(citation)
        self._citations[(content_type.id, instance.pk)] = created
        if (model_label, key) in self.created:
            return  # a new record's sources are part of its creation
        self.changes.append(Change("update", model_label, key, {"sources": (before, [str(c) for c in created])}))

    # ----- other names (states, organisations, mechanisms) -----------------------------------

    def sync_names(self, file, where, children, owner, items):
        """A record's names over time: known by the name itself, in the file's order."""
        if owner is None or owner.pk is None:
            return
        spec = record(children.record)
        existing = {n.name: n for n in getattr(owner, children.relation).all()}
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
        write = {"edition": save_edition, "source": save_source}.get(name)
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
                if instance.pk is None and status != ReviewEdition.Status.DRAFT:
                    self.workflow[key] = status  # created as a draft, then moved by run_workflow
            saved = self.save(file, where, instance, values, model_label=label, key=key, write=write)
            if saved is not None:
                table[key] = saved
                loaded.append((where, key, data, saved))
                if name == "edition":
                    self.sources[key] = saved.source
                elif name == "source":
                    self.sources[key] = saved
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

    def edition_status_kept(self, file, where, edition, status):
        """An edition's status moves through the editorial workflow only, never by an import."""
        if edition.pk and edition.status != status:
            self.error(file, where, f"status {edition.status!r} cannot become {status!r} by import: editions "
                                    "move through the editorial workflow (manage.py edition, or the admin)")
            return False
        return True

    # ----- mechanisms ------------------------------------------------------------------------

    def load_mechanisms(self, files):
        spec = record("mechanism")
        parsed = {}
        seen_slugs = {}
        for file, data in sorted(files.items()):
            if not self.check_keys(file, "mechanism", data, spec.keys):
                continue
            slug = _text(data.get("slug"))
            expected = file.rsplit("/", 1)[-1].removesuffix(".yaml")
            if not slug:
                self.error(file, "mechanism", "slug is required")
                continue
            if slug != expected:
                self.error(file, f"mechanism {slug!r}", f"the file must be named {slug}.yaml")
                continue
            if slug.lower() in seen_slugs:
                self.error(file, f"mechanism {slug!r}", f"duplicate slug (also in {seen_slugs[slug.lower()]})")
                continue
            seen_slugs[slug.lower()] = file
            parsed[file] = data
        self.check_unique_child_slugs(parsed, "meetings")
        self.check_unique_child_slugs(parsed, "documents")

        own = [f.name for f in spec.fields if f.kind == REF and f.to == "mechanism"]
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
            values = self.values(file, where, spec, data, only=own)
            if values is not None:
                self.save(file, where, mechanism, values, model_label="mechanism", key=mechanism.slug)
                if any(values.values()):
                    try:
                        mechanism.clean()
                    except ValidationError as error:
                        for message in error.messages:
                            self.error(file, where, message)
            for field in spec.fields:
                if field.kind == REFS:
                    self.sync_links(file, where, spec, mechanism, field, data.get(field.name))
            self.sync_sources(file, where, mechanism, data.get("sources"), model_label="mechanism", key=mechanism.slug)
            children = {c.record: c for c in spec.children}
            self.sync_names(file, where, children["mechanism_name"], mechanism, data.get("other_names"))
            self.sync_participations(file, mechanism, data.get("participations"))
            meetings = self.sync_slugged(file, mechanism, children["meeting"], data.get("meetings"))
            self.sync_slugged(file, mechanism, children["document"], data.get("documents"),
                              tables={"meeting": meetings})
            self.sync_review_entries(file, mechanism, data.get("review_entries"))
            self.sync_discrepancies(file, mechanism, data.get("discrepancies"))

    def check_unique_child_slugs(self, parsed, key):
        seen = {}
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
        current = sorted(getattr(o, other_key) for o in getattr(owner, field.name).all())
        if current != sorted(getattr(o, other_key) for o in wanted):
            getattr(owner, field.name).set(wanted)
            label, key = _model_label(spec), getattr(owner, spec.key)
            if (label, key) not in self.created:
                self.changes.append(Change("update", label, key,
                                           {field.name: (current, sorted(getattr(o, other_key) for o in wanted))}))

    def sync_participations(self, file, mechanism, items):
        """Participations are known by participant, role and start; the file lists them all."""
        spec = record("participation")
        items = items or []
        existing = {}
        for p in mechanism.participations.select_related("state", "organization"):
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
        # stored: kept here as the rows are saved, rather than read again for every row.
        stored = {instance.pk: copy.copy(instance) for key, instance in existing.items() if key in seen}
        for where, key, label, data, values in wanted:
            instance = existing.get(key) or spec.model(mechanism=mechanism)
            instance.stored_siblings = list(stored.values())
            saved = self.save(file, where, instance, values, model_label="participation", key=label)
            instance.stored_siblings = None
            if saved is not None:
                stored[saved.pk] = copy.copy(saved)
            self.sync_sources(file, where, saved, data.get("sources"), model_label="participation", key=label)

    def sync_slugged(self, file, mechanism, children, items, *, tables=None):
        """Bring a mechanism's records that have slugs (meetings, documents) in line with its file.

        Slugs are unique across mechanisms; records the file no longer lists are deleted. Returns the
        records kept, by slug.
        """
        spec = record(children.record)
        label = _model_label(spec)
        existing = {r.slug: r for r in getattr(mechanism, children.relation).all()}
        others, kept, listed = None, {}, set()
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
                if others is None:
                    others = dict(spec.model.objects.exclude(mechanism=mechanism)
                                  .values_list("slug", "mechanism__slug"))
                if slug in others:
                    self.error(file, where, f"duplicate slug: already a {label} of {others[slug]!r}")
                    continue
                instance = spec.model(slug=slug, mechanism=mechanism)
            saved = self.save(file, where, instance, {"mechanism": mechanism, **values}, model_label=label, key=slug)
            if saved is not None:
                kept[slug] = saved
            self.sync_sources(file, where, saved, data.get("sources"), model_label=label, key=slug)
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label=label, key=slug)
        return kept

    def sync_review_entries(self, file, mechanism, items):
        """One entry per edition; an entry arriving for an edition already published is approved."""
        spec = record("review_entry")
        existing = {e.edition.slug: e for e in mechanism.review_entries.select_related("edition")}
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
                self.approve_into_published(file, where, saved)
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label="review entry", key=f"{mechanism.slug} in {slug}")

    def approve_into_published(self, file, where, entry):
        """An entry arriving for an edition already published is approved, by the workflow and its role."""
        try:
            publishing.approve_entries(entries=[entry], user=self.user)
        except publishing.PublishRefused as refusal:
            for reason in refusal.reasons:
                self.error(file, where, f"an entry of the published edition {entry.edition.slug!r}: {reason}")

    def sync_discrepancies(self, file, mechanism, items):
        """Discrepancies are known by their position in the file; each side is a place in a source."""
        spec = record("discrepancy")
        existing = list(mechanism.discrepancies.all())
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


def _model_label(spec):
    """How a change to a record of ``spec`` is reported: 'organisation', 'review entry'."""
    return spec.label


def _label(field):
    """How a reference is named in an error: 'region', 'host state', 'parent organisation', 'source entry'."""
    to, words = record(field.to).label, field.name.split("_")
    if field.kind == REFS or field.name == field.to:
        return to
    return " ".join(words) if field.to in words else f"{' '.join(words)} {to}"
