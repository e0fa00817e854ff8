"""Import a folder of dataset files (docs/dataset-format.md) into the database.

The import is atomic (any error, nothing is written), idempotent (a second run changes nothing and
reports so), validated by the models' own rules, and recorded in the edit history as one change set
of kind 'import' with its reason. Every error names the file, the record and the reason.

A mechanism file is the whole truth about that mechanism: its participations, meetings, documents,
names, review entries and discrepancies that the file no longer lists are deleted. Reference records
(states, organisations, …) and mechanisms that no file mentions are left alone.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from apps.curation.history import recording
from apps.curation.models import ChangeSet, ConcurrentEditError
from apps.curation.roles import CURATOR
from apps.mechanisms.models import Mechanism, MechanismName, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Citation, Discrepancy, ReviewEdition, ReviewEntry
from apps.states.models import Organization, OrganizationName, State, StateName

from . import yaml_format as fmt


class DatasetError(Exception):
    """The dataset cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class Change:
    action: str  # 'create' | 'update' | 'delete'
    model: str
    key: str
    fields: dict = field(default_factory=dict)  # name -> (before, after)

    def __str__(self):
        text = f"{self.action} {self.model} {self.key}"
        if self.action == "update":
            text += ": " + "; ".join(f"{name} {before!r} -> {after!r}" for name, (before, after) in self.fields.items())
        return text


@dataclass
class ImportReport:
    changes: list = field(default_factory=list)
    files: int = 0
    dry_run: bool = False

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
        verb = "Would apply" if self.dry_run else "Applied"
        parts = [f"{action} {count} {model}" for (model, action), count in sorted(self.counts().items())]
        return f"{verb} {len(self.changes)} changes from {self.files} files: " + ", ".join(parts) + "."


class _Rollback(Exception):
    pass


def read_folder(path):
    """The dataset files under ``path``, as {relative name: text}."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError([f"{path}: no such folder"])
    from . import limits

    paths = {name: root / name for name in fmt.REFERENCE_FILES if (root / name).exists()}
    for file in sorted((root / fmt.MECHANISMS_DIR).glob("*.yaml")):
        paths[f"{fmt.MECHANISMS_DIR}/{file.name}"] = file
    limits.check_sizes({name: path.stat().st_size for name, path in paths.items()})
    files = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    if not files:
        raise DatasetError([f"{path}: no dataset files found (expected {', '.join(fmt.REFERENCE_FILES)} "
                            f"or {fmt.MECHANISMS_DIR}/*.yaml)"])
    return files


# An import may change any curated record and publish the editions it brings: the editor's role, the
# same as the admin's bulk import. Statuses still move only through the workflow services.
IMPORT_PERMISSIONS = (
    *(f"{app}.{codename}" for app, codename in CURATOR if not codename.startswith("view")),
    "reviews.publish_reviewedition",
)


def import_dataset(files, *, user=None, reason="", dry_run=False):
    """Import ``files`` ({relative name: YAML text}); return an ImportReport or raise DatasetError.

    With a ``user``, the import acts as that user: it needs an editor's permissions, and the history
    names them. A new edition marked published (or in review) is created as a draft and then moved
    through the editorial workflow as that user, with all its checks; without a user nothing can be.
    """
    if user is not None and not user.has_perms(IMPORT_PERMISSIONS):
        raise DatasetError([f"{user} may not import: it takes the editor role, as the admin's bulk import does."])
    from . import limits

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
    return ImportReport(changes=importer.changes, files=len(files), dry_run=dry_run)


def _text(value):
    return "" if value is None else str(value).strip() if not isinstance(value, str) else value.strip()


def _display(value):
    if isinstance(value, models.Model):
        key = getattr(value, "natural_key", None)
        return key()[0] if key else str(value)
    return value


class _Importer:
    def __init__(self, user=None):
        self.user = user
        self.errors = []
        self.changes = []
        self.created = set()
        self.regions, self.themes, self.editions, self.states, self.organizations = {}, {}, {}, {}, {}
        self.mechanisms = {}
        self._citations = None
        self.workflow = {}  # slug of a new edition -> the status the file gives it, reached through the workflow

    # ----- the whole run ---------------------------------------------------------------------

    def run(self, documents):
        self.regions = {r.slug: r for r in Region.objects.all()}
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.editions = {e.slug: e for e in ReviewEdition.objects.all()}
        self.states = {s.alpha3: s for s in State.objects.all()}
        self.organizations = {o.slug: o for o in Organization.objects.all()}
        self.mechanisms = {m.slug: m for m in Mechanism.objects.all()}

        # Editions first: every citation points to one.
        for name, loader in (
            (fmt.EDITIONS_FILE, self.load_editions),
            (fmt.REGIONS_FILE, self.load_regions),
            (fmt.THEMES_FILE, self.load_themes),
            (fmt.STATES_FILE, self.load_states),
            (fmt.ORGANIZATIONS_FILE, self.load_organizations),
        ):
            if name in documents:
                loader(name, self.as_list(name, documents[name]))
        mechanism_files = {n: d for n, d in documents.items() if n.startswith(f"{fmt.MECHANISMS_DIR}/")}
        self.load_mechanisms(mechanism_files)
        if not self.errors:
            self.run_workflow()

    def run_workflow(self):
        """Move each new edition to the status its file gives, through the workflow services and as the
        importing user: submitting and publishing need an editor, publishing needs every entry approved
        and no blocking data problem, and freezes the edition's snapshot."""
        from apps.reviews import services

        for slug, status in self.workflow.items():
            edition = self.editions[slug]
            try:
                services.submit_for_review(edition=edition, user=self.user)
                if status == ReviewEdition.Status.PUBLISHED:
                    services.approve_entries(entries=edition.entries.all(), user=self.user)
                    services.publish_edition(edition=edition, user=self.user)
            except services.PublishRefused as refusal:
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

    def save(self, file, where, instance, values, *, model_label, key, exclude_validation=()):
        """Set ``values`` on ``instance``, validate with the model's rules, save if anything changed."""
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
                instance.save()
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
            for citation in Citation.objects.select_related("edition").order_by("position", "pk"):
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
                edition_slug, locator, covers = fmt.parse_citation(item)
            except ValueError as error:
                self.error(file, where, f"bad citation: {error}")
                continue
            edition = self.editions.get(edition_slug)
            if edition is None:
                self.error(file, where, f"citation of unknown edition {edition_slug!r}")
                continue
            known = {f.name for f in instance._meta.get_fields()}
            unknown = [name for name in covers if name not in known]
            if unknown:
                self.error(file, where, f"citation {edition_slug} {locator} covers unknown field "
                                        f"{', '.join(map(repr, unknown))}")
                continue
            wanted.append((edition, locator, ",".join(covers)))
        existing = self.citations_of(instance)
        if [(c.edition_id, c.locator, c.covers) for c in existing] == [(e.pk, loc, cov) for e, loc, cov in wanted]:
            return
        before = [str(c) for c in existing]
        for citation in existing:
            citation.delete()
        content_type = ContentType.objects.get_for_model(instance)
        created = []
        for position, (edition, locator, covers) in enumerate(wanted):
            citation = Citation(
                edition=edition, locator=locator, covers=covers, position=position,
                content_type=content_type, object_id=instance.pk,
            )
            citation.save()
            created.append(citation)
        self._citations[(content_type.id, instance.pk)] = created
        if (model_label, key) in self.created:
            return  # a new record's sources are part of its creation
        self.changes.append(Change("update", model_label, key, {"sources": (before, [str(c) for c in created])}))

    # ----- other names (states, organisations, mechanisms) -----------------------------------

    NAME_KEYS = ("name", "kind", "valid_from", "valid_until", "sources")

    def sync_names(self, file, where, model, owner_field, owner, items, *, model_label):
        if owner is None or owner.pk is None:
            return
        items = items or []
        existing = {n.name: n for n in model.objects.filter(**{owner_field: owner})}
        seen = set()
        for index, data in enumerate(items):
            here = f"{where}.names[{index}]"
            if not self.check_keys(file, here, data, self.NAME_KEYS):
                continue
            name = _text(data.get("name"))
            if not name:
                self.error(file, here, "name is required")
                continue
            if name in seen:
                self.error(file, here, f"the name {name!r} is listed twice")
                continue
            seen.add(name)
            kind = self.choice(file, here, model, "kind", data.get("kind", "alias"))
            if kind is None:
                continue
            key = f"{_display(owner)} / {name}"
            instance = existing.get(name) or model(**{owner_field: owner})
            saved = self.save(file, here, instance, {
                "name": name, "kind": kind,
                "valid_from": _text(data.get("valid_from")), "valid_until": _text(data.get("valid_until")),
            }, model_label=model_label, key=key)
            self.sync_sources(file, here, saved, data.get("sources"), model_label=model_label, key=key)
        for name, instance in existing.items():
            if name not in seen:
                self.delete(instance, model_label=model_label, key=f"{_display(owner)} / {name}")

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

    EDITION_KEYS = ("slug", "year", "title", "authors", "publisher", "series", "series_number", "isbn", "issn",
                    "published", "url", "status", "sources")

    def load_editions(self, file, records):
        for data in self.unique_keys(file, records, "slug"):
            slug = _text(data["slug"])
            where = f"edition {slug!r}"
            if not self.check_keys(file, where, data, self.EDITION_KEYS):
                continue
            authors = data.get("authors") or []
            if not isinstance(authors, list):
                self.error(file, where, "authors must be a list of names")
                continue
            status = self.choice(file, where, ReviewEdition, "status", data.get("status", "published"))
            if status is None:
                continue
            instance = self.editions.get(slug) or ReviewEdition(slug=slug)
            if instance.pk and instance.status != status:
                self.error(file, where, f"status {instance.status!r} cannot become {status!r} by import: editions "
                                        "move through the editorial workflow (manage.py edition, or the admin)")
                continue
            if not instance.pk and status != ReviewEdition.Status.DRAFT:
                self.workflow[slug] = status  # created as a draft, then moved by run_workflow
            try:
                year = int(data.get("year"))
            except (TypeError, ValueError):
                self.error(file, where, f"year must be a whole number, got {data.get('year')!r}")
                continue
            saved = self.save(file, where, instance, {
                "slug": slug, "year": year, "title": _text(data.get("title")),
                "authors": [_text(a) for a in authors], "publisher": _text(data.get("publisher")),
                "series": _text(data.get("series")), "series_number": _text(data.get("series_number")),
                "isbn": _text(data.get("isbn")), "issn": _text(data.get("issn")),
                "published": _text(data.get("published")), "url": _text(data.get("url")),
            }, model_label="edition", key=slug)
            if saved is not None:
                self.editions[slug] = saved
        # Sources after all editions exist: an edition may cite another.
        for data in records:
            if isinstance(data, dict) and _text(data.get("slug")) in self.editions:
                slug = _text(data["slug"])
                self.sync_sources(file, f"edition {slug!r}", self.editions[slug], data.get("sources"),
                                  model_label="edition", key=slug)

    def load_regions(self, file, records):
        for data in self.unique_keys(file, records, "slug"):
            slug = _text(data["slug"])
            where = f"region {slug!r}"
            if not self.check_keys(file, where, data, ("slug", "name", "order", "sources")):
                continue
            instance = self.regions.get(slug) or Region(slug=slug)
            saved = self.save(file, where, instance, {
                "slug": slug, "name": _text(data.get("name")), "order": data.get("order") or 0,
            }, model_label="region", key=slug)
            if saved is not None:
                self.regions[slug] = saved
            self.sync_sources(file, where, saved, data.get("sources"), model_label="region", key=slug)

    def load_themes(self, file, records):
        for data in self.unique_keys(file, records, "slug"):
            slug = _text(data["slug"])
            where = f"theme {slug!r}"
            if not self.check_keys(file, where, data, ("slug", "name", "description")):
                continue
            instance = self.themes.get(slug) or Theme(slug=slug)
            saved = self.save(file, where, instance, {
                "slug": slug, "name": _text(data.get("name")), "description": _text(data.get("description")),
            }, model_label="theme", key=slug)
            if saved is not None:
                self.themes[slug] = saved

    STATE_KEYS = ("alpha3", "alpha2", "numeric", "name", "official_name", "kind", "sovereign", "note", "names",
                  "sources")

    def load_states(self, file, records):
        records = self.unique_keys(file, records, "alpha3")
        for data in records:
            alpha3 = _text(data["alpha3"])
            where = f"state {alpha3!r}"
            if not self.check_keys(file, where, data, self.STATE_KEYS):
                continue
            kind = self.choice(file, where, State, "kind", data.get("kind", "sovereign"))
            if kind is None:
                continue
            instance = self.states.get(alpha3) or State(alpha3=alpha3)
            saved = self.save(file, where, instance, {
                "alpha3": alpha3, "alpha2": _text(data.get("alpha2")), "numeric": _text(data.get("numeric")),
                "name": _text(data.get("name")), "official_name": _text(data.get("official_name")),
                "kind": kind, "note": _text(data.get("note")),
            }, model_label="state", key=alpha3)
            if saved is not None:
                self.states[alpha3] = saved
        for data in records:
            alpha3 = _text(data["alpha3"])
            state = self.states.get(alpha3)
            if state is None or not isinstance(data, dict):
                continue
            where = f"state {alpha3!r}"
            sovereign = self.lookup(file, where, self.states, "sovereign state", data.get("sovereign"))
            if _text(data.get("sovereign")) and sovereign is None:
                continue
            self.save(file, where, state, {"sovereign": sovereign}, model_label="state", key=alpha3)
            self.sync_names(file, where, StateName, "state", state, data.get("names"), model_label="state name")
            self.sync_sources(file, where, state, data.get("sources"), model_label="state", key=alpha3)

    ORGANIZATION_KEYS = ("slug", "acronym", "name", "kind", "state", "parent", "website", "other_names", "sources")

    def load_organizations(self, file, records):
        records = self.unique_keys(file, records, "slug")
        for data in records:
            slug = _text(data["slug"])
            where = f"organisation {slug!r}"
            if not self.check_keys(file, where, data, self.ORGANIZATION_KEYS):
                continue
            kind = self.choice(file, where, Organization, "kind", data.get("kind"))
            state = self.lookup(file, where, self.states, "state", data.get("state"))
            if kind is None or (_text(data.get("state")) and state is None):
                continue
            instance = self.organizations.get(slug) or Organization(slug=slug)
            saved = self.save(file, where, instance, {
                "slug": slug, "acronym": _text(data.get("acronym")), "name": _text(data.get("name")),
                "kind": kind, "state": state, "website": _text(data.get("website")),
            }, model_label="organisation", key=slug)
            if saved is not None:
                self.organizations[slug] = saved
        for data in records:
            slug = _text(data["slug"])
            organization = self.organizations.get(slug)
            if organization is None:
                continue
            where = f"organisation {slug!r}"
            parent = self.lookup(file, where, self.organizations, "parent organisation", data.get("parent"))
            if _text(data.get("parent")) and parent is None:
                continue
            self.save(file, where, organization, {"parent": parent}, model_label="organisation", key=slug)
            self.sync_names(file, where, OrganizationName, "organization", organization, data.get("other_names"),
                            model_label="organisation name")
            self.sync_sources(file, where, organization, data.get("sources"), model_label="organisation", key=slug)

    # ----- mechanisms ------------------------------------------------------------------------

    MECHANISM_KEYS = ("slug", "acronym", "name", "other_names", "region", "kind", "governance", "status",
                      "status_note", "founded", "ended", "parent_framework", "predecessor", "website",
                      "objectives", "secretariat_note", "themes", "sources", "participations", "meetings",
                      "documents", "review_entries", "discrepancies")

    def load_mechanisms(self, files):
        parsed = {}
        seen_slugs = {}
        for file, data in sorted(files.items()):
            if not self.check_keys(file, "mechanism", data, self.MECHANISM_KEYS):
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
        self.check_unique_child_slugs(parsed, "meetings", Meeting)
        self.check_unique_child_slugs(parsed, "documents", Document)

        saved = {}
        for file, data in parsed.items():
            mechanism = self.save_mechanism(file, data)
            if mechanism is not None:
                saved[file] = mechanism
        for file, mechanism in saved.items():
            data = parsed[file]
            where = f"mechanism {mechanism.slug!r}"
            predecessor = self.lookup(file, where, self.mechanisms, "predecessor mechanism", data.get("predecessor"))
            if not (_text(data.get("predecessor")) and predecessor is None):
                self.save(file, where, mechanism, {"predecessor": predecessor},
                          model_label="mechanism", key=mechanism.slug)
                if predecessor is not None:
                    try:
                        mechanism.clean()
                    except ValidationError as error:
                        for message in error.messages:
                            self.error(file, where, message)
            self.sync_themes(file, where, mechanism, data.get("themes"))
            self.sync_sources(file, where, mechanism, data.get("sources"), model_label="mechanism", key=mechanism.slug)
            self.sync_names(file, where, MechanismName, "mechanism", mechanism, data.get("other_names"),
                            model_label="mechanism name")
            self.sync_participations(file, mechanism, data.get("participations"))
            meetings = self.sync_meetings(file, mechanism, data.get("meetings"))
            self.sync_documents(file, mechanism, data.get("documents"), meetings)
            self.sync_review_entries(file, mechanism, data.get("review_entries"))
            self.sync_discrepancies(file, mechanism, data.get("discrepancies"))

    def check_unique_child_slugs(self, parsed, key, model):
        seen = {}
        for file, data in parsed.items():
            for index, item in enumerate(data.get(key) or []):
                slug = _text(item.get("slug")) if isinstance(item, dict) else ""
                if not slug:
                    continue
                if slug.lower() in seen:
                    self.error(file, f"{key}[{index}] {slug!r}", f"duplicate slug (also in {seen[slug.lower()]})")
                seen[slug.lower()] = file

    def save_mechanism(self, file, data):
        slug = _text(data["slug"])
        where = f"mechanism {slug!r}"
        region = self.lookup(file, where, self.regions, "region", data.get("region"), required=True)
        framework = self.lookup(file, where, self.organizations, "parent framework (organisation)",
                                data.get("parent_framework"))
        kind = self.choice(file, where, Mechanism, "kind", data.get("kind"))
        governance = self.choice(file, where, Mechanism, "governance", data.get("governance"))
        status = self.choice(file, where, Mechanism, "status", data.get("status", "active"))
        if None in (region, kind, governance, status) or (_text(data.get("parent_framework")) and framework is None):
            return None
        instance = self.mechanisms.get(slug) or Mechanism(slug=slug)
        saved = self.save(file, where, instance, {
            "slug": slug, "acronym": _text(data.get("acronym")), "name": _text(data.get("name")),
            "region": region, "kind": kind, "governance": governance, "status": status,
            "status_note": _text(data.get("status_note")), "founded": _text(data.get("founded")),
            "ended": _text(data.get("ended")), "parent_framework": framework,
            "website": _text(data.get("website")), "objectives": _text(data.get("objectives")),
            "secretariat_note": _text(data.get("secretariat_note")),
        }, model_label="mechanism", key=slug)
        if saved is not None:
            self.mechanisms[slug] = saved
        return saved

    def sync_themes(self, file, where, mechanism, slugs):
        slugs = slugs or []
        if not isinstance(slugs, list):
            self.error(file, where, "themes must be a list of theme slugs")
            return
        wanted = []
        for slug in slugs:
            theme = self.lookup(file, where, self.themes, "theme", slug)
            if theme is not None:
                wanted.append(theme)
        current = sorted(t.slug for t in mechanism.themes.all())
        if current != sorted(t.slug for t in wanted):
            mechanism.themes.set(wanted)
            if ("mechanism", mechanism.slug) not in self.created:
                self.changes.append(Change("update", "mechanism", mechanism.slug,
                                           {"themes": (current, sorted(t.slug for t in wanted))}))

    PARTICIPATION_KEYS = ("state", "organization", "role", "as_written", "start", "end", "note", "sources")

    def sync_participations(self, file, mechanism, items):
        items = items or []
        existing = {}
        for p in mechanism.participations.select_related("state", "organization"):
            existing[(p.state.alpha3 if p.state else None, p.organization.slug if p.organization else None,
                      p.role, p.start)] = p
        seen, wanted = set(), []
        for index, data in enumerate(items):
            where = f"participations[{index}]"
            if not self.check_keys(file, where, data, self.PARTICIPATION_KEYS):
                continue
            label = _text(data.get("as_written")) or data.get("state") or data.get("organization")
            where = f"participations[{index}] ({label})"
            has_state, has_org = bool(_text(data.get("state"))), bool(_text(data.get("organization")))
            if has_state == has_org:
                self.error(file, where, "give exactly one of 'state' (alpha-3) or 'organization' (slug)")
                continue
            state = self.lookup(file, where, self.states, "state", data.get("state")) if has_state else None
            organization = (self.lookup(file, where, self.organizations, "organisation", data.get("organization"))
                            if has_org else None)
            role = self.choice(file, where, Participation, "role", data.get("role"))
            if role is None or (state is None and organization is None):
                continue
            start = _text(data.get("start"))
            key = (state.alpha3 if state else None, organization.slug if organization else None, role, start)
            if key in seen:
                self.error(file, where, "the same participant is listed twice with the same role and start")
                continue
            seen.add(key)
            label = f"{mechanism.slug} / {key[0] or key[1]} / {role}" + (f" from {start}" if start else "")
            wanted.append((where, key, label, data, {
                "mechanism": mechanism, "state": state, "organization": organization, "role": role,
                "as_written": _text(data.get("as_written")), "start": start, "end": _text(data.get("end")),
                "note": _text(data.get("note")),
            }))
        # Rows the file no longer lists go first, so that the rules comparing a row with its siblings
        # (one standing role at a time) see the mechanism as the file describes it.
        for key, instance in existing.items():
            if key not in seen:
                label = f"{mechanism.slug} / {key[0] or key[1]} / {key[2]}"
                self.delete(instance, model_label="participation", key=label)
        for where, key, label, data, values in wanted:
            instance = existing.get(key) or Participation(mechanism=mechanism)
            saved = self.save(file, where, instance, values, model_label="participation", key=label)
            self.sync_sources(file, where, saved, data.get("sources"), model_label="participation", key=label)

    MEETING_KEYS = ("slug", "title", "kind", "status", "start", "end", "date_as_written", "city", "host",
                    "venue_as_written", "theme", "note", "sources")

    def sync_slugged(self, file, mechanism, items, *, model, section, label, keys, values_of):
        """Bring a mechanism's records that have slugs (meetings, documents) in line with its file.

        ``values_of(where, data)`` reads one record's fields, or reports its errors and returns None.
        Slugs are unique across mechanisms; records the file no longer lists are deleted.
        """
        existing = {record.slug: record for record in getattr(mechanism, section).all()}
        others, kept, listed = None, {}, set()
        for index, data in enumerate(items or []):
            where = f"{section}[{index}]"
            if not self.check_keys(file, where, data, keys):
                continue
            slug = _text(data.get("slug"))
            where = f"{section}[{index}] ({slug or 'no slug'})"
            if not slug:
                self.error(file, where, "slug is required")
                continue
            listed.add(slug)
            values = values_of(where, data)
            if values is None:
                continue
            instance = existing.get(slug)
            if instance is None:
                if others is None:
                    others = dict(model.objects.exclude(mechanism=mechanism).values_list("slug", "mechanism__slug"))
                if slug in others:
                    self.error(file, where, f"duplicate slug: already a {label} of {others[slug]!r}")
                    continue
                instance = model(slug=slug, mechanism=mechanism)
            saved = self.save(file, where, instance, {"slug": slug, "mechanism": mechanism, **values},
                              model_label=label, key=slug)
            if saved is not None:
                kept[slug] = saved
            self.sync_sources(file, where, saved, data.get("sources"), model_label=label, key=slug)
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label=label, key=slug)
        return kept

    def sync_meetings(self, file, mechanism, items):
        def values_of(where, data):
            kind = self.choice(file, where, Meeting, "kind", data.get("kind", "other"))
            status = self.choice(file, where, Meeting, "status", data.get("status", "held"))
            host = self.lookup(file, where, self.states, "host state", data.get("host"))
            if None in (kind, status) or (_text(data.get("host")) and host is None):
                return None
            return {
                "title": _text(data.get("title")), "kind": kind, "status": status, "start": _text(data.get("start")),
                "end": _text(data.get("end")), "date_as_written": _text(data.get("date_as_written")),
                "city": _text(data.get("city")), "host": host, "venue_as_written": _text(data.get("venue_as_written")),
                "theme": _text(data.get("theme")), "note": _text(data.get("note")),
            }

        return self.sync_slugged(file, mechanism, items, model=Meeting, section="meetings", label="meeting",
                                 keys=self.MEETING_KEYS, values_of=values_of)

    DOCUMENT_KEYS = ("slug", "title", "kind", "date", "meeting", "url", "note", "sources")

    def sync_documents(self, file, mechanism, items, meetings):
        def values_of(where, data):
            kind = self.choice(file, where, Document, "kind", data.get("kind"))
            meeting = self.lookup(file, where, meetings, "meeting of this mechanism", data.get("meeting"))
            if kind is None or (_text(data.get("meeting")) and meeting is None):
                return None
            return {"meeting": meeting, "title": _text(data.get("title")), "kind": kind,
                    "date": _text(data.get("date")), "url": _text(data.get("url")), "note": _text(data.get("note"))}

        self.sync_slugged(file, mechanism, items, model=Document, section="documents", label="document",
                          keys=self.DOCUMENT_KEYS, values_of=values_of)

    ENTRY_KEYS = ("edition", "section", "kind", "governance", "region", "background", "agenda", "linkages",
                  "taxonomic_placement")

    def sync_review_entries(self, file, mechanism, items):
        items = items or []
        existing = {e.edition.slug: e for e in mechanism.review_entries.select_related("edition")}
        listed = set()
        for index, data in enumerate(items):
            where = f"review_entries[{index}]"
            if not self.check_keys(file, where, data, self.ENTRY_KEYS):
                continue
            edition = self.lookup(file, where, self.editions, "edition", data.get("edition"), required=True)
            region = self.lookup(file, where, self.regions, "region", data.get("region"), required=True)
            kind = self.choice(file, where, ReviewEntry, "kind", data.get("kind"))
            governance = self.choice(file, where, ReviewEntry, "governance", data.get("governance"))
            if None in (edition, region, kind, governance):
                continue
            if edition.slug in listed:
                self.error(file, where, f"a second entry for edition {edition.slug!r}")
                continue
            listed.add(edition.slug)
            key = f"{mechanism.slug} in {edition.slug}"
            instance = existing.get(edition.slug) or ReviewEntry(edition=edition, mechanism=mechanism)
            creating = instance.pk is None
            saved = self.save(file, where, instance, {
                "edition": edition, "mechanism": mechanism, "section": _text(data.get("section")),
                "kind": kind, "governance": governance, "region": region,
                "background": _text(data.get("background")), "agenda": _text(data.get("agenda")),
                "linkages": _text(data.get("linkages")), "taxonomic_placement": _text(data.get("taxonomic_placement")),
            }, model_label="review entry", key=key)
            if saved is not None and creating and edition.is_published:
                self.approve_into_published(file, where, saved)
        for slug, instance in existing.items():
            if slug not in listed:
                self.delete(instance, model_label="review entry", key=f"{mechanism.slug} in {slug}")

    def approve_into_published(self, file, where, entry):
        """An entry arriving for an edition already published is approved, by the workflow and its role."""
        from apps.reviews import services

        try:
            services.approve_entries(entries=[entry], user=self.user)
        except services.PublishRefused as refusal:
            for reason in refusal.reasons:
                self.error(file, where, f"an entry of the published edition {entry.edition.slug!r}: {reason}")

    DISCREPANCY_KEYS = ("subject", "recorded", "recorded_source", "conflicting", "conflicting_source", "note")

    def sync_discrepancies(self, file, mechanism, items):
        items = items or []
        existing = list(mechanism.discrepancies.all())
        for index, data in enumerate(items):
            where = f"discrepancies[{index}]"
            if not self.check_keys(file, where, data, self.DISCREPANCY_KEYS):
                continue
            values = {"mechanism": mechanism, "position": index, "subject": _text(data.get("subject")),
                      "recorded": _text(data.get("recorded")), "conflicting": _text(data.get("conflicting")),
                      "note": _text(data.get("note"))}
            ok = True
            for side in ("recorded", "conflicting"):
                try:
                    edition_slug, locator, covers = fmt.parse_citation(data.get(f"{side}_source"))
                except ValueError as error:
                    self.error(file, where, f"{side}_source: {error}")
                    ok = False
                    continue
                edition = self.lookup(file, where, self.editions, "edition", edition_slug)
                if edition is None:
                    ok = False
                    continue
                values[f"{side}_edition"], values[f"{side}_locator"] = edition, locator
            if not ok:
                continue
            instance = existing[index] if index < len(existing) else Discrepancy(mechanism=mechanism)
            self.save(file, where, instance, values, model_label="discrepancy",
                      key=f"{mechanism.slug} #{index + 1} ({values['subject']})")
        for instance in existing[len(items):]:
            self.delete(instance, model_label="discrepancy", key=f"{mechanism.slug} ({instance.subject})")
