"""What changed between two versions of the dataset (two snapshots, or a snapshot and now).

The diff speaks of what a reader of the review cares about: mechanisms added or removed; changes of
classification, status, names and dates; participants who joined or left a mechanism, or changed role;
meetings added, removed or changed. It is a plain dict (served as JSON) and renders as a readable
'changes since the previous review' section.
"""

from dataclasses import dataclass

from apps.curation.records import REFS, record

from . import snapshots


@dataclass(frozen=True)
class Comparison:
    """What changed from one version of the dataset to another: as data, and as readable sections."""

    changes: dict
    sections: list  # [(heading, [sentence, …])]


def compare(old, new):
    """What changed from snapshot ``old`` to ``new``: a later snapshot, 'current' (the published data as it
    is now), or a dataset already read. The one comparison the edition page, the report, the API and the
    ``snapshot diff`` command show."""
    if new == "current":
        new = snapshots.current_dataset()
    elif not isinstance(new, dict):
        new = snapshots.content(new)
    changes = diff_datasets(snapshots.content(old), new)
    return Comparison(changes, describe(changes))


def _compared(name):
    """The fields of a record type whose changes a reader is told of, in the order of its declaration."""
    return tuple(f.name for f in record(name).fields if f.compared and f.name != record(name).key)


def _participant(participation):
    return participation.get("state") or participation.get("organization")


def _roles(mechanism):
    roles = {}
    for participation in mechanism["participations"]:
        roles.setdefault(_participant(participation), set()).add(participation["role"])
    return roles


def _field_changes(old, new, fields):
    return {name: [old.get(name, ""), new.get(name, "")] for name in fields if old.get(name, "") != new.get(name, "")}


def diff_datasets(old, new):
    before = {m["slug"]: m for m in old["mechanisms"]}
    after = {m["slug"]: m for m in new["mechanisms"]}
    result = {
        "mechanisms_added": [
            {"slug": slug, "name": after[slug]["name"], "kind": after[slug]["kind"],
             "founded": after[slug]["founded"]} for slug in sorted(set(after) - set(before))
        ],
        "mechanisms_removed": [
            {"slug": slug, "name": before[slug]["name"]} for slug in sorted(set(before) - set(after))
        ],
        "mechanisms_changed": [],
        "participations": [],
        "meetings_added": [],
        "meetings_removed": [],
        "meetings_changed": [],
    }
    for slug in sorted(set(before) & set(after)):
        old_m, new_m = before[slug], after[slug]
        changes = {}
        for name in _compared("mechanism"):
            if record("mechanism").field(name).kind == REFS:
                if sorted(old_m[name]) != sorted(new_m[name]):
                    changes[name] = [sorted(old_m[name]), sorted(new_m[name])]
            elif old_m.get(name, "") != new_m.get(name, ""):
                changes[name] = [old_m.get(name, ""), new_m.get(name, "")]
        if changes:
            result["mechanisms_changed"].append({"slug": slug, "changes": changes})

        old_roles, new_roles = _roles(old_m), _roles(new_m)
        joined = [{"participant": p, "roles": sorted(new_roles[p])} for p in sorted(set(new_roles) - set(old_roles))]
        left = [{"participant": p, "roles": sorted(old_roles[p])} for p in sorted(set(old_roles) - set(new_roles))]
        role_changes = [
            {"participant": p, "from": sorted(old_roles[p]), "to": sorted(new_roles[p])}
            for p in sorted(set(old_roles) & set(new_roles)) if old_roles[p] != new_roles[p]
        ]
        if joined or left or role_changes:
            result["participations"].append({"mechanism": slug, "joined": joined, "left": left,
                                             "role_changes": role_changes})

        old_meetings = {x["slug"]: x for x in old_m["meetings"]}
        new_meetings = {x["slug"]: x for x in new_m["meetings"]}
        for key in sorted(set(new_meetings) - set(old_meetings)):
            meeting = new_meetings[key]
            result["meetings_added"].append({"mechanism": slug, "slug": key, "title": meeting["title"],
                                             "start": meeting["start"]})
        for key in sorted(set(old_meetings) - set(new_meetings)):
            result["meetings_removed"].append({"mechanism": slug, "slug": key, "title": old_meetings[key]["title"]})
        for key in sorted(set(old_meetings) & set(new_meetings)):
            changes = _field_changes(old_meetings[key], new_meetings[key], _compared("meeting"))
            if changes:
                result["meetings_changed"].append({"mechanism": slug, "slug": key, "changes": changes})
    return result


def is_empty(diff):
    return not any(diff.values())


def _quote(value):
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return f"'{value}'" if value else "(none)"


def describe(diff):
    """The diff as readable sentences, one per change, grouped under headings: [(heading, [lines])]."""
    sections = []
    if diff["mechanisms_added"]:
        sections.append(("Mechanisms added", [
            f"{m['name']} ({m['slug']}), {m['kind'].upper()}" + (f", founded {m['founded']}" if m["founded"] else "")
            for m in diff["mechanisms_added"]
        ]))
    if diff["mechanisms_removed"]:
        sections.append(("Mechanisms removed", [f"{m['name']} ({m['slug']})" for m in diff["mechanisms_removed"]]))
    if diff["mechanisms_changed"]:
        sections.append(("Classification, status and other facts", [
            f"{m['slug']}: {name.replace('_', ' ')} changed from {_quote(old)} to {_quote(new)}"
            for m in diff["mechanisms_changed"] for name, (old, new) in m["changes"].items()
        ]))
    if diff["participations"]:
        lines = []
        for entry in diff["participations"]:
            where = entry["mechanism"]
            lines += [f"{where}: {p['participant']} joined as {', '.join(p['roles'])}" for p in entry["joined"]]
            lines += [f"{where}: {p['participant']} left (was {', '.join(p['roles'])})" for p in entry["left"]]
            lines += [f"{where}: {p['participant']} changed role from {', '.join(p['from'])} to {', '.join(p['to'])}"
                      for p in entry["role_changes"]]
        sections.append(("Participants", lines))
    meeting_lines = [
        f"{m['mechanism']}: added {m['title']} ({m['start'] or 'undated'})" for m in diff["meetings_added"]
    ]
    meeting_lines += [f"{m['mechanism']}: removed {m['title']}" for m in diff["meetings_removed"]]
    meeting_lines += [
        f"{m['mechanism']}: {m['slug']}: {name} changed from {_quote(old)} to {_quote(new)}"
        for m in diff["meetings_changed"] for name, (old, new) in m["changes"].items()
    ]
    if meeting_lines:
        sections.append(("Meetings", meeting_lines))
    return sections
