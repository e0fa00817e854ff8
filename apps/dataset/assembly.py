"""Assemble the dataset-format records (docs/dataset-format.md) from the database, now or as of a past moment.

One assembler serves the YAML export, the snapshots and the as-of rebuild: it reads plain rows through
a row source, either the current tables (``LiveRows``) or the edit history as it stood at a moment
(``AsOfRows``), and builds records ordered by natural keys in Python, so that the result does not depend
on the database's collation. Mechanisms are produced in chunks, so memory stays flat however large the
dataset grows.

What a record holds, in which order, and how it sorts comes from its declaration (``records.py`` of
each app, read through apps/curation/records.py); nothing here names a field of a feature's model.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from apps.curation.models import Citation, Source
from apps.curation.records import CHOICE, DAY, NAMES, PLACE, REF, REFS, SOURCES, Children, Field, record, record_of

from .yaml_format import format_citation

# rcp-dataset/2 added the sources other than review editions ("sources") and citations' quotations.
FORMAT = "rcp-dataset/2"

# The reference records every mechanism may point to, read whole before the mechanisms.
REFERENCE = ("edition", "region", "theme", "state", "organization")


def _columns(model):
    if model is Citation:
        return ("id", "content_type_id", "object_id", "source_id", "locator", "covers", "quotation", "position")
    return record_of(model).columns


class LiveRows:
    """Rows of the current tables."""

    def rows(self, model, fields=None, **filters):
        return list(model.objects.filter(**filters).values(*(fields or _columns(model))))

    def links(self, model, name, owner_ids):
        """(owner id, other id) pairs of ``model``'s many-to-many field ``name``."""
        through = model._meta.get_field(name).remote_field.through
        owner, other = _link_columns(model, name)
        return list(through.objects.filter(**{f"{owner}__in": owner_ids}).values_list(owner, other))


class AsOfRows:
    """Rows as they stood at ``moment``, rebuilt from the edit history."""

    def __init__(self, moment):
        self.moment = moment

    def rows(self, model, fields=None, **filters):
        return list(model.history.as_of(self.moment).filter(**filters).values(*(fields or _columns(model))))

    def links(self, model, name, owner_ids):
        # Each historical record of the owner carries the set of links it had at that time.
        records = (
            model.history.filter(history_date__lte=self.moment, id__in=owner_ids)
            .latest_of_each()
            .exclude(history_type="-")
            .values_list("history_id", flat=True)
        )
        owner, other = _link_columns(model, name)
        links = getattr(model.history.model, name).model.objects.filter(history_id__in=list(records))
        return list(links.values_list(owner, other))


def _link_columns(model, name):
    field = model._meta.get_field(name)
    return f"{model._meta.model_name}_id", f"{field.related_model._meta.model_name}_id"


class _Citations:
    """Citations of a set of records, loaded in one query per model; ``sources`` are those that may be cited,
    and ``used`` collects the ids of those the citations written name."""

    def __init__(self, rows, sources, used):
        self.rows, self.sources, self.used = rows, sources, used
        self.by_subject = defaultdict(list)

    def load(self, model, ids):
        if not ids:
            return
        content_type = ContentType.objects.get_for_model(model)
        for row in self.rows.rows(Citation, content_type_id=content_type.id, object_id__in=list(ids),
                                  superseded_at__isnull=True):  # a superseded citation no longer states the value
            self.by_subject[(model, row["object_id"])].append(row)

    def of(self, model, object_id):
        found = []
        for row in sorted(self.by_subject.get((model, object_id), ()), key=lambda r: (r["position"], r["id"])):
            source = self.sources.get(row["source_id"])
            if source is None:
                continue  # cites a source that is not part of this dataset (an unpublished edition)
            self.used.add(row["source_id"])
            covers = [name for name in (part.strip() for part in row["covers"].split(",")) if name]
            found.append(format_citation(source["slug"], row["locator"], covers, row["quotation"]))
        return found


class Assembly:
    """The dataset as records of the dataset format.

    ``public_only`` keeps what the public may see: published editions, their review entries, citations
    of public sources only, and of those sources their public fields. ``all_reference`` writes every
    state, organisation and source; without it, only those the mechanisms refer to (and what those refer
    to in turn).
    """

    def __init__(self, rows=None, *, public_only, all_reference):
        self.rows = rows or LiveRows()
        self.public_only, self.all_reference = public_only, all_reference
        public = {"status": "published"} if public_only else {}
        self.tables = {
            name: {r["id"]: r for r in self.rows.rows(record(name).model, **(public if name == "edition" else {}))}
            for name in REFERENCE
        }
        # Every source a citation may name: a public dataset, those the public may see (a review edition
        # once published). Review editions are written as editions; the others as sources.
        cited = {"is_public": True} if public_only else {}
        self.sources = {r["id"]: r for r in self.rows.rows(Source, fields=("id", "slug", "kind"), **cited)}
        self.tables["source"] = self.sources  # a document's entry in the register (Document.source_entry)
        self.used = {"state": set(), "organization": set(), "source": set()}  # what the written records refer to
        self.citations = _Citations(self.rows, self.sources, self.used["source"])
        for name in REFERENCE:
            if record(name).cited:
                self.citations.load(record(name).model, self.tables[name].keys())

    # ----- values ---------------------------------------------------------------------------------

    def _key(self, name, row_id, tables):
        """The natural key of record ``row_id`` of type ``name``, or None when it is not in the dataset."""
        if row_id is None:
            return ""
        table = tables.get(name, self.tables.get(name))
        if table is None or row_id not in table:
            return None
        if name in self.used:
            self.used[name].add(row_id)
        return table[row_id][record(name).key]

    def _value(self, field, row, tables, links):
        if field.kind == REF:
            key = self._key(field.to, row[f"{field.name}_id"], tables)
            return "" if key is None and not field.required else key
        if field.kind == REFS:
            return sorted(self._key(field.to, other, tables) for other in links.get((field.name, row["id"]), ()))
        if field.kind == PLACE:
            source = self.sources.get(row[f"{field.place}_source_id"])  # the public may see it, or None
            if source is None:
                return None
            self.used["source"].add(source["id"])
            return format_citation(source["slug"], row[f"{field.place}_locator"])
        if field.kind == NAMES:
            return list(row[field.name])
        if field.kind == DAY:
            return row[field.name].isoformat() if row[field.name] else ""
        return row[field.name]

    def _sort_key(self, name, row, tables):
        spec, key = record(name), []
        fields = {f.name: f for f in spec.fields}
        for part in spec.order:
            field = fields.get(part)
            if field is not None and field.kind == CHOICE:
                key.append([value for value, _label in spec.model._meta.get_field(part).choices].index(row[part]))
            elif field is not None and field.kind == REF:
                other = row[f"{part}_id"]
                table = tables.get(field.to, self.tables.get(field.to, {}))
                key.append((0, self._sort_key(field.to, table[other], tables)) if other in table else (1,))
            else:
                key.append("" if row[part] is None else row[part])
        return (*key, row["id"])  # the id settles ties, so that the order never depends on the database

    def _record(self, name, row, tables, related, links, citations):
        """One record of type ``name`` from its row, or None when it points outside the dataset."""
        spec, out = record(name), {}
        for item in spec.layout:
            if isinstance(item, Field):
                value = self._value(item, row, tables, links)
                if value is None:
                    return None  # e.g. an entry of an edition that is not published
                if value == "" and not item.written_when_empty:
                    continue
                out[item.name] = value
            elif item is SOURCES:
                out[item.key] = citations.of(spec.model, row["id"])
            elif isinstance(item, Children):
                out[item.key] = self._children(item, row["id"], tables, related, links, citations)
        return out

    def _children(self, children, owner_id, tables, related, links, citations):
        rows = related[children.record].get(owner_id, [])
        built = (self._record(children.record, r, tables, related, links, citations)
                 for r in sorted(rows, key=lambda r: self._sort_key(children.record, r, tables)))
        return [r for r in built if r is not None]

    def _load_related(self, spec, owner_ids, related, citations):
        """The child rows of records ``owner_ids`` of ``spec``, grouped by owner, and their citations."""
        for children in spec.children:
            child = record(children.record)
            grouped = defaultdict(list)
            for row in self.rows.rows(child.model, **{f"{child.owner}_id__in": list(owner_ids)}):
                grouped[row[f"{child.owner}_id"]].append(row)
            related[children.record] = grouped
            if child.cited:
                citations.load(child.model, [r["id"] for rows in grouped.values() for r in rows])

    def _links(self, spec, owner_ids):
        links = defaultdict(list)
        for field in spec.fields:
            if field.kind == REFS:
                for owner, other in self.rows.links(spec.model, field.name, owner_ids):
                    links[(field.name, owner)].append(other)
        return links

    def _top_level(self, name, ids):
        spec, related = record(name), {}
        self._load_related(spec, ids, related, self.citations)
        table = self.tables[name]
        ordered = sorted((table[i] for i in ids), key=lambda r: self._sort_key(name, r, {}))
        return [self._record(name, row, {}, related, {}, self.citations) for row in ordered]

    # ----- reference records --------------------------------------------------------------------

    def edition_records(self):
        return self._top_level("edition", self.tables["edition"])

    def source_records(self):
        """The sources other than review editions: all of them, or (without ``all_reference``) those the
        written citations name; call it after every other kind of record. A public dataset holds only what
        the public may read of each: never a correspondence's content, and a correspondence's label for
        its title, without its address."""
        ids = [i for i, source in self.sources.items() if source["kind"] != Source.Kind.REVIEW_EDITION
               and (self.all_reference or i in self.used["source"])]
        spec = record("source")
        rows = sorted(self.rows.rows(Source, fields=spec.columns, id__in=ids),
                      key=lambda r: self._sort_key("source", r, {}))
        records = [self._record("source", row, {}, {}, {}, self.citations) for row in rows]
        if self.public_only:
            records = [_public_source(record_, row) for record_, row in zip(records, rows, strict=True)]
        return records

    def region_records(self):
        return self._top_level("region", self.tables["region"])

    def theme_records(self):
        return self._top_level("theme", self.tables["theme"])

    def state_records(self):
        """Every state, or (without ``all_reference``) those referred to.

        Call it last: mechanisms and organisations add the states they refer to.
        """
        table = self.tables["state"]
        ids = set(table) if self.all_reference else self._closure(set(self.used["state"]), "sovereign_id", table)
        return self._top_level("state", ids)

    def organization_records(self):
        """Every organisation, or those referred to; call after ``mechanism_records``."""
        table = self.tables["organization"]
        ids = set(table) if self.all_reference else self._closure(set(self.used["organization"]), "parent_id", table)
        return self._top_level("organization", ids)

    @staticmethod
    def _closure(ids, parent_key, table):
        found, todo = set(), [i for i in ids if i is not None]
        while todo:
            current = todo.pop()
            if current in found or current not in table:
                continue
            found.add(current)
            if table[current][parent_key]:
                todo.append(table[current][parent_key])
        return found

    # ----- mechanisms ---------------------------------------------------------------------------

    def mechanism_records(self, chunk_size=200):
        """Every mechanism, in slug order, one chunk of mechanisms' related rows in memory at a time."""
        mechanism = record("mechanism").model
        slugs = {r["id"]: r["slug"] for r in self.rows.rows(mechanism, fields=("id", "slug"))}
        ordered = sorted(slugs, key=lambda i: slugs[i])
        all_mechanisms = {i: {"id": i, "slug": slug} for i, slug in slugs.items()}
        for start in range(0, len(ordered), chunk_size):
            yield from self._chunk(ordered[start:start + chunk_size], all_mechanisms)

    def _chunk(self, ids, all_mechanisms):
        spec = record("mechanism")
        mechanisms = {r["id"]: r for r in self.rows.rows(spec.model, id__in=ids)}
        citations = _Citations(self.rows, self.sources, self.used["source"])  # only this chunk's: memory stays flat
        citations.load(spec.model, list(mechanisms))
        related = {}
        self._load_related(spec, ids, related, citations)
        meetings = {r["id"]: r for rows in related.get("meeting", {}).values() for r in rows}
        tables = {"mechanism": all_mechanisms, "meeting": meetings}
        links = self._links(spec, ids)
        for mechanism_id in ids:
            yield self._record("mechanism", mechanisms[mechanism_id], tables, related, links, citations)


def _public_source(written, row):
    """What the public may read of a source: never a correspondence's content, title, signatories or
    address (it is public only by its label, 'Communication from the X secretariat, March 2026'); never a
    curator's note (not data at all)."""
    written = {name: value for name, value in written.items() if name != "content"}
    if row["kind"] == Source.Kind.CORRESPONDENCE:
        label = Source(kind=row["kind"], correspondent=row["correspondent"], date=row["date"]).label
        written.update(title=label, authors=[], url="", archive_url="")
    return written
