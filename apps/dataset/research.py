"""Research exports of a snapshot: a state–mechanism–year panel coded as the Correlates of War IGO data
are, and the mechanisms with their participations as Popolo JSON.

Both are built from a snapshot's dataset (its canonical JSON, parsed), so they are as frozen as the
snapshot itself; the codebook below is the one place their rules are written down.
"""

import csv
import io
import json
import math

from .yaml_format import parse_citation

# The Correlates of War IGO codes, and the roles of this registry that each stands for.
NONE, FULL, ASSOCIATE, OBSERVER, UNKNOWN = 0, 1, 2, 3, -9
CODE_OF_ROLE = {
    "member": FULL,
    "suspended-member": FULL,  # membership suspended is still membership; the role column says so
    "expected-member": ASSOCIATE,
    "observer": OBSERVER,
    "expected-observer": OBSERVER,
    "intermittent-observer": OBSERVER,
}

CODES = (
    (NONE, "none", "The state held none of the roles below in the mechanism during the year."),
    (FULL, "full member", "Member, or member whose membership is suspended (the role column tells them apart)."),
    (ASSOCIATE, "associate or expected member",
     "Expected member: named as a member of a mechanism, or of a membership, not yet formally launched."),
    (OBSERVER, "observer", "Observer, expected observer or intermittent observer (see the role column)."),
    (UNKNOWN, "unknown",
     "The state is recorded in a role whose start is not known, and the year lies before the first year the "
     "role is known to be held: it may or may not have been held then."),
)

RULES = (
    "One row per state, mechanism and year, for every state recorded in the mechanism in a standing role "
    "(member, observer, or their expected, suspended or intermittent forms); partners, secretariats and chairs "
    "are not coded. Years run from the year the mechanism was founded (or, when that is unknown, the first year "
    "any of its participations, meetings or documents is dated) to the year of the snapshot's edition, or to "
    "the year the mechanism ended if earlier. Partial dates count by their year: '2008', '2008-06' and "
    "'2008-06-11' all fall in 2008. A role counts in every year in which it was held on any day: the year of "
    "its start and the year of its end included. When a state changed role within a year, the role it held at "
    "the end of that year is coded. A role without an end is held up to the last year of the panel. A role "
    "without a start is known to be held only in the year of its end, or, without an end either, in the last "
    "year of the panel (the edition that records it); the years before are coded -9."
)

CODEBOOK = "\n".join([
    "# Codebook of the state–mechanism–year panel",
    "",
    "Columns: `mechanism` (the mechanism's slug, as in mechanisms.csv), `state` (ISO 3166-1 alpha-3 code, "
    "as in states.csv; join other state-year data on it), `year`, `code`, `role` (the role coded, empty "
    "when the code is 0 or -9).",
    "",
    "Codes follow the Correlates of War IGO data:",
    "",
    *(f"- `{code}` {label}: {meaning}" for code, label, meaning in CODES),
    "",
    "## Rules",
    "",
    RULES,
    "",
])

PANEL_FIELDS = ("mechanism", "state", "year", "code", "role")


def _year(text):
    return int(text[:4]) if text else None


def _first_year(mechanism):
    """The year the mechanism's panel starts: its founding, else its earliest dated record."""
    if mechanism.get("founded"):
        return _year(mechanism["founded"])
    dates = [p[key] for p in mechanism["participations"] for key in ("start", "end")]
    dates += [m[key] for m in mechanism["meetings"] for key in ("start", "end")]
    dates += [d["date"] for d in mechanism["documents"]]
    years = [_year(date) for date in dates if date]
    return min(years) if years else None


def _code_of_year(roles, year, last_year):
    """The code of one state in one mechanism in ``year``, from its standing roles there."""
    held, unknown = [], False
    for role in roles:
        start, end = _year(role["start"]), _year(role["end"])
        known_from = start if start is not None else (end if end is not None else last_year)
        until = end if end is not None else last_year
        if known_from <= year <= until:
            held.append(((until, math.inf if start is None else start), role["role"]))
        elif start is None and year < known_from:
            unknown = True
    if held:
        role = max(held)[1]  # the role held at the end of the year: the one lasting longest, then the latest
        return CODE_OF_ROLE[role], role
    return (UNKNOWN, "") if unknown else (NONE, "")


def panel_rows(dataset, last_year):
    """The panel as dicts of PANEL_FIELDS, by mechanism, state and year."""
    rows = []
    for mechanism in dataset["mechanisms"]:
        roles = {}
        for participation in mechanism["participations"]:
            if participation.get("state") and participation["role"] in CODE_OF_ROLE:
                roles.setdefault(participation["state"], []).append(participation)
        if not roles:
            continue
        end = min(last_year, _year(mechanism.get("ended")) or last_year)
        first = min(_first_year(mechanism) or end, end)
        for state in sorted(roles):
            for year in range(first, end + 1):
                code, role = _code_of_year(roles[state], year, last_year)
                rows.append({"mechanism": mechanism["slug"], "state": state, "year": year, "code": code,
                             "role": role})
    return rows


def panel_csv(dataset, last_year):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PANEL_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(panel_rows(dataset, last_year))
    return buffer.getvalue().encode("utf-8")


def codes_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("code", "label", "meaning"))
    writer.writerows(CODES)
    return buffer.getvalue().encode("utf-8")


PANEL_SCHEMA = {
    "fields": [
        {"name": "mechanism", "type": "string", "constraints": {"required": True}},
        {"name": "state", "type": "string", "constraints": {"required": True},
         "description": "ISO 3166-1 alpha-3 code."},
        {"name": "year", "type": "integer", "constraints": {"required": True}},
        {"name": "code", "type": "integer", "constraints": {"required": True, "enum": [c for c, *_ in CODES]},
         "description": "; ".join(f"{code} {label}" for code, label, _meaning in CODES) + "."},
        {"name": "role", "type": "string", "description": "The role coded; empty for 0 and -9."},
    ],
    "primaryKey": ["mechanism", "state", "year"],
    "foreignKeys": [
        {"fields": ["mechanism"], "reference": {"resource": "mechanisms", "fields": ["slug"]}},
        {"fields": ["state"], "reference": {"resource": "states", "fields": ["alpha3"]}},
        {"fields": ["code"], "reference": {"resource": "panel_codes", "fields": ["code"]}},
    ],
    "missingValues": [""],
}

CODES_SCHEMA = {
    "fields": [{"name": "code", "type": "integer", "constraints": {"required": True}},
               {"name": "label", "type": "string"}, {"name": "meaning", "type": "string"}],
    "primaryKey": ["code"],
}


# ----- Popolo ---------------------------------------------------------------------------------------

def _source_link(citation, editions):
    """A Popolo source (a link) for a citation 'harns-2013 Annex B' or {'cite': ..., 'for': [...]}, of a
    review edition or of another source (``editions``: both, by slug)."""
    slug, locator, _covers, _quotation = parse_citation(citation)
    text = f"{slug} {locator}".rstrip()
    edition = editions.get(slug, {})
    year = edition.get("year") or edition.get("date", "")
    named = f"{edition.get('title', slug)} ({year})" if year else edition.get("title", slug)
    note = (f"{named}, {locator}" if locator else named) if edition else text
    url = edition.get("url") or (f"urn:isbn:{edition['isbn']}" if edition.get("isbn") else "")
    return {"url": url, "note": note} if url else {"note": note}


def _other_names(names):
    out = []
    for name in names:
        item = {"name": name["name"], "note": name.get("kind", "")}
        if name.get("valid_from"):
            item["start_date"] = name["valid_from"]
        if name.get("valid_until"):
            item["end_date"] = name["valid_until"]
        out.append(item)
    return out


def _dated(item, **dates):
    item.update({key: value for key, value in dates.items() if value})
    return item


def popolo(dataset):
    """{'organizations': [...], 'memberships': [...]}: mechanisms, states and organisations, and who takes
    part in which mechanism in which role, with dates and sources (Popolo's Organization and Membership)."""
    editions = {edition["slug"]: edition for edition in [*dataset["editions"], *dataset.get("sources", [])]}
    organizations, memberships = [], []
    for mechanism in dataset["mechanisms"]:
        organizations.append(_dated({
            "id": f"mechanism/{mechanism['slug']}",
            "name": mechanism["name"],
            "other_names": _other_names(mechanism["other_names"]) + (
                [{"name": mechanism["acronym"], "note": "acronym"}] if mechanism["acronym"] else []),
            "classification": mechanism["kind"],
            "identifiers": [{"identifier": mechanism["slug"], "scheme": "rcp-registry"}],
            **({"parent_id": f"organization/{mechanism['parent_framework']}"} if mechanism["parent_framework"] else {}),
            "sources": [_source_link(c, editions) for c in mechanism["sources"]],
        }, founding_date=mechanism["founded"], dissolution_date=mechanism["ended"]))
        for index, participation in enumerate(mechanism["participations"]):
            member = (f"state/{participation['state']}" if participation.get("state")
                      else f"organization/{participation['organization']}")
            memberships.append(_dated({
                "id": f"membership/{mechanism['slug']}/{index}",
                "organization_id": f"mechanism/{mechanism['slug']}",
                "member": {"@type": "Organization", "id": member},
                "role": participation["role"],
                "label": participation["as_written"],
                "sources": [_source_link(c, editions) for c in participation["sources"]],
            }, start_date=participation["start"], end_date=participation["end"]))
    for state in dataset["states"]:
        organizations.append({
            "id": f"state/{state['alpha3']}",
            "name": state["name"],
            "other_names": _other_names(state["names"]),
            "classification": "state" if state["kind"] == "sovereign" else state["kind"],
            "identifiers": [{"identifier": state["alpha3"], "scheme": "ISO 3166-1 alpha-3"}]
            + ([{"identifier": state["numeric"], "scheme": "ISO 3166-1 numeric"}] if state["numeric"] else []),
            "sources": [_source_link(c, editions) for c in state["sources"]],
        })
    for organization in dataset["organizations"]:
        organizations.append({
            "id": f"organization/{organization['slug']}",
            "name": organization["name"],
            "other_names": _other_names(organization["other_names"]) + (
                [{"name": organization["acronym"], "note": "acronym"}] if organization["acronym"] else []),
            "classification": organization["kind"],
            **({"parent_id": f"organization/{organization['parent']}"} if organization["parent"] else {}),
            "sources": [_source_link(c, editions) for c in organization["sources"]],
        })
    return {"organizations": organizations, "memberships": memberships}


def popolo_json(dataset):
    return (json.dumps(popolo(dataset), indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def package_resources(dataset, last_year):
    """{file name: (bytes, resource descriptor without its size and hash)}: the research exports as
    resources of a snapshot's data package."""
    return {
        "panel.csv": (panel_csv(dataset, last_year), {
            "name": "panel", "type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": "State–mechanism–year panel, coded as the Correlates of War IGO data. " + RULES,
            "schema": PANEL_SCHEMA,
        }),
        "panel_codes.csv": (codes_csv(), {
            "name": "panel_codes", "type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": "The codes of the panel and what each means.", "schema": CODES_SCHEMA,
        }),
        "panel-codebook.md": (CODEBOOK.encode("utf-8"), {
            "name": "panel_codebook", "type": "text", "format": "md", "mediatype": "text/markdown",
            "encoding": "utf-8", "description": "The codebook of the panel: its columns, codes and rules.",
        }),
        "popolo.json": (popolo_json(dataset), {
            "name": "popolo", "type": "json", "format": "json", "mediatype": "application/json",
            "encoding": "utf-8",
            "description": "Mechanisms, states and organisations as Popolo organizations, and participations as "
                           "Popolo memberships, with start and end dates and sources.",
        }),
    }
