"""A snapshot as a Frictionless Data Package (v2): datapackage.json plus one CSV table per kind of record.

Every table has a Table Schema with its primary key and foreign keys; partial dates are strings with
a pattern; each resource carries the SHA-256 hash of its file. The package validates with
``frictionless validate``. Text a spreadsheet would run as a formula is neutralised (``neutralised``).
"""

import csv
import hashlib
import io
import json

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


NAME_FIELDS = [_required("name"), _field("kind"), _date("valid_from"), _date("valid_until")]

# name -> (fields, primary key, foreign keys, description)
TABLES = {
    "editions": (
        [_required("slug"), _field("year", "integer"), _field("title"), _field("authors"), _field("publisher"),
         _field("series"), _field("series_number"), _field("isbn"), _field("issn"), _date("published"),
         _field("url")],
        ["slug"], [], "Published review editions. Authors are separated by '; '.",
    ),
    "regions": ([_required("slug"), _field("name"), _field("order", "integer")], ["slug"], [],
                "The review's regional groupings (Annex A)."),
    "themes": ([_required("slug"), _field("name"), _field("description")], ["slug"], [],
               "The controlled vocabulary of themes."),
    "states": (
        [_required("alpha3"), _field("alpha2"), _field("numeric"), _field("name"), _field("official_name"),
         _field("kind"), _field("sovereign"), _field("note")],
        ["alpha3"], [_fk("sovereign", "states", "alpha3")], "States referred to by the dataset (ISO 3166-1).",
    ),
    "state_names": ([_required("state"), *NAME_FIELDS], ["state", "name"], [_fk("state", "states", "alpha3")],
                    "Former names and other names of states."),
    "organizations": (
        [_required("slug"), _field("acronym"), _field("name"), _field("kind"), _field("state"), _field("parent"),
         _field("website")],
        ["slug"], [_fk("state", "states", "alpha3"), _fk("parent", "organizations", "slug")],
        "Organisations, blocs and cooperation frameworks.",
    ),
    "organization_names": ([_required("organization"), *NAME_FIELDS], ["organization", "name"],
                           [_fk("organization", "organizations", "slug")], "Other names of organisations."),
    "mechanisms": (
        [_required("slug"), _field("acronym"), _field("name"), _field("region"), _field("kind"),
         _field("governance"), _field("status"), _field("status_note"), _date("founded"), _date("ended"),
         _field("parent_framework"), _field("predecessor"), _field("website"), _field("objectives"),
         _field("secretariat_note")],
        ["slug"],
        [_fk("region", "regions", "slug"), _fk("parent_framework", "organizations", "slug"),
         _fk("predecessor", "mechanisms", "slug")],
        "Regional consultative processes, interregional forums and other mechanisms.",
    ),
    "mechanism_names": ([_required("mechanism"), *NAME_FIELDS], ["mechanism", "name"],
                        [_fk("mechanism", "mechanisms", "slug")], "Other names of mechanisms."),
    "mechanism_themes": ([_required("mechanism"), _required("theme")], ["mechanism", "theme"],
                         [_fk("mechanism", "mechanisms", "slug"), _fk("theme", "themes", "slug")],
                         "The themes of each mechanism."),
    "participations": (
        [_required("key"), _required("mechanism"), _field("state"), _field("organization"), _field("role"),
         _field("as_written"), _date("start"), _date("end"), _field("note")],
        ["key"],
        [_fk("mechanism", "mechanisms", "slug"), _fk("state", "states", "alpha3"),
         _fk("organization", "organizations", "slug")],
        "Who takes part in each mechanism, in which role and when. 'key' is mechanism/participant/role[/start].",
    ),
    "meetings": (
        [_required("slug"), _required("mechanism"), _field("title"), _field("kind"), _field("status"),
         _date("start"), _date("end"), _field("date_as_written"), _field("city"), _field("host"),
         _field("venue_as_written"), _field("theme"), _field("note")],
        ["slug"], [_fk("mechanism", "mechanisms", "slug"), _fk("host", "states", "alpha3")],
        "Meetings of the mechanisms.",
    ),
    "documents": (
        [_required("slug"), _required("mechanism"), _field("meeting"), _field("title"), _field("kind"),
         _date("date"), _field("url"), _field("note")],
        ["slug"], [_fk("mechanism", "mechanisms", "slug"), _fk("meeting", "meetings", "slug")],
        "Outcome documents.",
    ),
    "review_entries": (
        [_required("edition"), _required("mechanism"), _field("section"), _field("kind"), _field("governance"),
         _field("region"), _field("background"), _field("agenda"), _field("linkages"),
         _field("taxonomic_placement")],
        ["edition", "mechanism"],
        [_fk("edition", "editions", "slug"), _fk("mechanism", "mechanisms", "slug"),
         _fk("region", "regions", "slug")],
        "How each published edition classified and described each mechanism.",
    ),
    "discrepancies": (
        [_required("mechanism"), _required("position", "integer"), _field("subject"), _field("recorded"),
         _field("recorded_source"), _field("conflicting"), _field("conflicting_source"), _field("note")],
        ["mechanism", "position"], [_fk("mechanism", "mechanisms", "slug")],
        "Places where the source contradicts itself, with the value recorded and the other one.",
    ),
    "citations": (
        [_required("record_type"), _required("record"), _required("position", "integer"), _required("edition"),
         _field("locator"), _field("covers")],
        ["record_type", "record", "position"], [_fk("edition", "editions", "slug")],
        "Where in a review edition each record (or some of its fields, 'covers') is stated.",
    ),
}


def _names(rows, owner_key, owner, names, cite):
    for name in names:
        rows.append({owner_key: owner, **{k: name[k] for k in ("name", "kind", "valid_from", "valid_until")}})
        cite(f"{owner_key}_name", f"{owner}/{name['name']}", name["sources"])


def tables(dataset):
    """The dataset as {table name: [row dicts]}."""
    out = {name: [] for name in TABLES}
    citations = out["citations"]

    def cite(record_type, record, sources):
        for position, source in enumerate(sources):
            text, covers = (source["cite"], source["for"]) if isinstance(source, dict) else (source, [])
            edition, locator = text.split(" ", 1)
            citations.append({"record_type": record_type, "record": record, "position": position, "edition": edition,
                              "locator": locator, "covers": ",".join(covers)})

    for e in dataset["editions"]:
        out["editions"].append({**{k: e[k] for k in ("slug", "year", "title", "publisher", "series", "series_number",
                                                      "isbn", "issn", "published", "url")},
                                "authors": "; ".join(e["authors"])})
        cite("edition", e["slug"], e["sources"])
    for r in dataset["regions"]:
        out["regions"].append({k: r[k] for k in ("slug", "name", "order")})
        cite("region", r["slug"], r["sources"])
    out["themes"] = [dict(t) for t in dataset["themes"]]
    for s in dataset["states"]:
        out["states"].append({k: s[k] for k in ("alpha3", "alpha2", "numeric", "name", "official_name", "kind",
                                                "sovereign", "note")})
        _names(out["state_names"], "state", s["alpha3"], s["names"], cite)
        cite("state", s["alpha3"], s["sources"])
    for o in dataset["organizations"]:
        out["organizations"].append({k: o[k] for k in ("slug", "acronym", "name", "kind", "state", "parent",
                                                       "website")})
        _names(out["organization_names"], "organization", o["slug"], o["other_names"], cite)
        cite("organization", o["slug"], o["sources"])
    for m in dataset["mechanisms"]:
        slug = m["slug"]
        out["mechanisms"].append({k: m[k] for k in ("slug", "acronym", "name", "region", "kind", "governance",
                                                    "status", "status_note", "founded", "ended", "parent_framework",
                                                    "predecessor", "website", "objectives", "secretariat_note")})
        _names(out["mechanism_names"], "mechanism", slug, m["other_names"], cite)
        out["mechanism_themes"] += [{"mechanism": slug, "theme": theme} for theme in m["themes"]]
        cite("mechanism", slug, m["sources"])
        for p in m["participations"]:
            participant = p.get("state") or p.get("organization")
            key = "/".join([slug, participant, p["role"]] + ([p["start"]] if p["start"] else []))
            out["participations"].append({"key": key, "mechanism": slug, "state": p.get("state", ""),
                                          "organization": p.get("organization", ""),
                                          **{k: p[k] for k in ("role", "as_written", "start", "end", "note")}})
            cite("participation", key, p["sources"])
        for x in m["meetings"]:
            out["meetings"].append({"mechanism": slug, **{k: v for k, v in x.items() if k != "sources"}})
            cite("meeting", x["slug"], x["sources"])
        for d in m["documents"]:
            out["documents"].append({"mechanism": slug, **{k: v for k, v in d.items() if k != "sources"}})
            cite("document", d["slug"], d["sources"])
        out["review_entries"] += [{"mechanism": slug, **e} for e in m["review_entries"]]
        out["discrepancies"] += [{"mechanism": slug, "position": i, **d} for i, d in enumerate(m["discrepancies"])]
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


def package_files(dataset, *, name, title, version, checksum):
    """{file name: bytes} of the data package: datapackage.json and one CSV per table."""
    files, resources = {}, []
    for table, rows in tables(dataset).items():
        fields, primary_key, foreign_keys, description = TABLES[table]
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
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name, "title": title, "version": version,
        "description": f"Snapshot of the dataset; SHA-256 of its canonical JSON: {checksum}. {NEUTRALISED}",
        "resources": resources,
    }
    files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files
