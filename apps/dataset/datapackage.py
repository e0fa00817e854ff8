"""A snapshot as a Frictionless Data Package (v2): datapackage.json plus one CSV table per kind of record.

The tables follow the records' declarations (``records.py`` of each app). Every table has a Table
Schema with its primary key and foreign keys; partial dates are strings with
a pattern; each resource carries the SHA-256 hash of its file. The package validates with
``frictionless validate``. Text a spreadsheet would run as a formula is neutralised (``neutralised``).
"""

import csv
import hashlib
import io
import json

from apps.curation.records import DATE, DAY, INTEGER, NAMES, REF, REFS, SOURCES, Children, Field, record

from . import research
from .yaml_format import parse_citation

PARTIAL_DATE = {"type": "string", "constraints": {"pattern": r"(\d{4}(-\d{2}(-\d{2})?)?)?"},
                "description": "Partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown."}


def _field(name, kind="string", **extra):
    return {"name": name, "type": kind, **extra}


def _date(name):
    return {"name": name, **PARTIAL_DATE}


def _fk(fields, resource, reference_fields):
    fields = [fields] if isinstance(fields, str) else fields
    reference_fields = [reference_fields] if isinstance(reference_fields, str) else reference_fields
    return {"fields": fields, "reference": {"resource": resource, "fields": reference_fields}}


def _required(name, kind="string"):
    return _field(name, kind, constraints={"required": True})


# The record types written at the top of a dataset, in the order of their tables; each is followed by
# the tables of its children and of its many-to-many fields.
TOP_LEVEL = ("edition", "source", "region", "theme", "state", "organization", "mechanism")

CITATIONS = (
    [_required("record_type"), _required("record"), _required("position", "integer"), _field("edition"),
     _field("source"), _field("locator"), _field("covers"), _field("quotation")],
    ["record_type", "record", "position"], [_fk("edition", "editions", "slug"), _fk("source", "sources", "slug")],
    "Where in a source each record (or some of its fields, 'covers') is stated: a review edition ('edition') "
    "or another source ('source'); an empty locator cites a web page or a dataset whole; 'quotation' is the "
    "source's own words, briefly.",
)


def _column(spec, name):
    """The Table Schema field of column ``name`` of ``spec``'s table."""
    required = name in spec.table_key or name == spec.owner
    fields = {f.name: f for f in spec.fields}
    if name in fields and fields[name].kind == DATE:
        column = _date(name)
    elif name in fields and fields[name].kind == DAY:
        column = _field(name, "date")
    elif (name in fields and fields[name].kind == INTEGER) or name == "position":
        column = _field(name, "integer")
    else:
        column = _field(name)
    if required:
        column["constraints"] = {"required": True}
    return column


def _reference(spec, name):
    """The table and key a column refers to, or None."""
    if name == spec.owner:
        return record(name)
    fields = {f.name: f for f in spec.fields}
    if name in fields and fields[name].kind == REF:
        return record(fields[name].to)
    return None


def _table_of(spec):
    """(fields, primary key, foreign keys, description) of ``spec``'s table, from its declaration."""
    names = list(spec.table_key)
    if spec.owner and spec.owner not in names:
        names.append(spec.owner)
    names += [f.name for f in spec.fields if f.tabled and f.kind not in (REFS,) and f.name not in names]
    foreign_keys = []
    for name in names:
        other = _reference(spec, name)
        if other is not None:
            foreign_keys.append(_fk(name, other.table, other.key))
    return [_column(spec, name) for name in names], list(spec.table_key), foreign_keys, spec.description


def _links_table(spec, field):
    other = record(field.to)
    return ([_required(spec.name), _required(other.name)], [spec.name, other.name],
            [_fk(spec.name, spec.table, spec.key), _fk(other.name, other.table, other.key)],
            f"The {field.name} of each {spec.label}.")


def _declared_tables():
    """{table name: (record spec or (spec, field) for a link table, table definition)} in package order."""
    found = {}

    def add(spec):
        found[spec.table] = (spec, _table_of(spec))
        for item in spec.layout:
            if isinstance(item, Children):
                add(record(item.record))
            elif isinstance(item, Field) and item.kind == REFS:
                found[f"{spec.name}_{item.name}"] = ((spec, item), _links_table(spec, item))

    for name in TOP_LEVEL:
        add(record(name))
    return found


def _participation_key(owner, participation):
    """A participation's identity in its table: mechanism/participant/role[/start]."""
    participant = participation.get("state") or participation.get("organization")
    return "/".join([owner, participant, participation["role"]] + ([participation["start"]] if participation["start"]
                                                                    else []))


def tables(dataset):
    """The dataset as {table name: [row dicts]}."""
    declared = _declared_tables()
    out = {name: [] for name in declared}
    out["citations"] = []

    editions = {edition["slug"] for edition in dataset["editions"]}

    def cite(spec, identity, sources):
        for position, source in enumerate(sources):
            slug, locator, covers, quotation = parse_citation(source)
            named = {"edition": slug} if slug in editions else {"source": slug}
            out["citations"].append({"record_type": spec.name, "record": identity, "position": position, **named,
                                     "locator": locator, "covers": ",".join(covers), "quotation": quotation})

    def add(spec, item, owner=None, position=None):
        row = {}
        for field in spec.fields:
            if field.tabled and field.kind != REFS:
                value = item.get(field.name, "")
                row[field.name] = "; ".join(value) if field.kind == NAMES else value
        if spec.owner:
            row[spec.owner] = owner
        if "key" in spec.table_key:
            row["key"] = _participation_key(owner, item)
        if "position" in spec.table_key:
            row["position"] = position
        out[spec.table].append(row)
        identity = "/".join(str(row[name]) for name in spec.table_key)
        for part in spec.layout:  # in the order of the record's keys, as a reader of its file meets them
            if part is SOURCES:
                cite(spec, identity, item["sources"])
            elif isinstance(part, Children):
                for index, child in enumerate(item[part.key]):
                    add(record(part.record), child, owner=item[spec.key], position=index)
            elif isinstance(part, Field) and part.kind == REFS:
                out[f"{spec.name}_{part.name}"] += [{spec.name: item[spec.key], part.to: other}
                                                    for other in item[part.name]]

    for name in TOP_LEVEL:
        spec = record(name)
        for item in dataset.get(spec.table, ()):  # a snapshot made before sources had a table holds none
            add(spec, item)
    return out


# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(...), +cmd|...).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = ("A text cell that began with =, +, -, @, a tab or a carriage return is written with a leading "
               "apostrophe (') so that no spreadsheet runs it as a formula (OWASP, CSV injection); drop that "
               "one apostrophe to read the value as recorded.")


def neutralised(value):
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe, as OWASP recommends."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(fields, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f["name"] for f in fields], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralised(row.get(name, "")) for name in writer.fieldnames})
    return buffer.getvalue().encode("utf-8")


def package_files(dataset, *, name, title, version, checksum, year):
    """{file name: bytes} of the data package: datapackage.json, one CSV per table, and the research exports
    (the panel up to ``year``, its codebook, Popolo JSON)."""
    files, resources = {}, []
    definitions = {name: definition for name, (_spec, definition) in _declared_tables().items()}
    definitions["citations"] = CITATIONS
    for table, rows in tables(dataset).items():
        fields, primary_key, foreign_keys, description = definitions[table]
        data = _csv(fields, rows)
        files[f"{table}.csv"] = data
        schema = {"fields": fields, "primaryKey": primary_key, "missingValues": [""]}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append({
            "name": table, "type": "table", "path": f"{table}.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "description": description, "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "schema": schema,
        })
    for path, (data, resource) in research.package_resources(dataset, year).items():
        files[path] = data
        resources.append({**resource, "path": path, "bytes": len(data),
                          "hash": "sha256:" + hashlib.sha256(data).hexdigest()})
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name, "title": title, "version": version,
        "description": f"Snapshot of the dataset; SHA-256 of its canonical JSON: {checksum}. {NEUTRALISED}",
        "resources": resources,
    }
    files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files
