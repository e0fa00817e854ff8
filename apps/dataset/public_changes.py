"""What changed between consecutive public snapshots, as short public sentences a reader can follow:
"Cambodia joined the Colombo Process as member (2014–…)".

Everything here is read from snapshots, which hold only the published dataset: no curator, reason, user or
private note can reach a sentence.
"""

from dataclasses import dataclass

from . import snapshots
from .diff import diff_datasets


@dataclass(frozen=True)
class PublicChange:
    mechanism: str  # the slug of the mechanism it concerns
    sentence: str
    old: object  # the earlier snapshot
    new: object  # the later snapshot, which holds the change
    position: int  # its place among the changes from ``old`` to ``new``


def _period(start, end):
    return f" ({start or '…'}–{end or '…'})" if start or end else ""


def _role(role):
    return role.replace("-", " ")


def sentences(old, new):
    """[(mechanism slug, sentence)] of what changed from dataset ``old`` to dataset ``new``."""
    diff = diff_datasets(old, new)
    mechanisms = {m["slug"]: m for m in old["mechanisms"]} | {m["slug"]: m for m in new["mechanisms"]}
    names = {s["alpha3"]: s["name"] for s in old["states"] + new["states"]}
    names |= {o["slug"]: o["name"] for o in old["organizations"] + new["organizations"]}

    def name_of(slug):
        return mechanisms[slug]["name"]

    out = []
    for m in diff["mechanisms_added"]:
        founded = f", founded {m['founded']}" if m["founded"] else ""
        out.append((m["slug"], f"{m['name']} was added to the record ({m['kind'].upper()}{founded})."))
    for m in diff["mechanisms_removed"]:
        out.append((m["slug"], f"{m['name']} was removed from the record."))
    for m in diff["mechanisms_changed"]:
        for field, (before, after) in m["changes"].items():
            before, after = (", ".join(v) if isinstance(v, list) else v for v in (before, after))
            out.append((m["slug"], f"{name_of(m['slug'])}: {field.replace('_', ' ')} changed from "
                                   f"'{before or '(none)'}' to '{after or '(none)'}'."))
    for entry in diff["participations"]:
        slug = entry["mechanism"]
        participations = mechanisms[slug]["participations"]
        for joined in entry["joined"]:
            who = joined["participant"]
            for p in participations:
                if (p.get("state") or p.get("organization")) == who:
                    out.append((slug, f"{names.get(who, who)} joined the {name_of(slug)} as {_role(p['role'])}"
                                      f"{_period(p['start'], p['end'])}."))
        for left in entry["left"]:
            who = left["participant"]
            roles = ", ".join(_role(r) for r in left["roles"])
            out.append((slug, f"{names.get(who, who)} is no longer recorded in the {name_of(slug)} (was {roles})."))
        for change in entry["role_changes"]:
            who = change["participant"]
            out.append((slug, f"{names.get(who, who)} changed role in the {name_of(slug)} from "
                              f"{', '.join(_role(r) for r in change['from'])} to "
                              f"{', '.join(_role(r) for r in change['to'])}."))
    for m in diff["meetings_added"]:
        out.append((m["mechanism"], f"{name_of(m['mechanism'])}: meeting added, {m['title']} "
                                    f"({m['start'] or 'undated'})."))
    for m in diff["meetings_removed"]:
        out.append((m["mechanism"], f"{name_of(m['mechanism'])}: meeting removed, {m['title']}."))
    for m in diff["meetings_changed"]:
        for field in m["changes"]:
            out.append((m["mechanism"], f"{name_of(m['mechanism'])}: the {field.replace('_', ' ')} of meeting "
                                        f"{m['slug']} changed."))
    return out


def recent_changes(snapshot_list, mechanism=None):
    """The public changes between consecutive snapshots of ``snapshot_list`` (oldest first, with their
    content), newest first; only those of ``mechanism`` (a slug) when given."""
    changes, previous = [], None
    for index, snapshot in enumerate(snapshot_list):
        current = snapshots.content(snapshot)  # two datasets in memory at a time, however many snapshots
        if previous is not None:
            for position, (slug, sentence) in enumerate(sentences(previous, current)):
                if mechanism is None or slug == mechanism:
                    changes.append(PublicChange(slug, sentence, snapshot_list[index - 1], snapshot, position))
        previous = current
    return sorted(changes, key=lambda change: (change.new.created_at, -change.position), reverse=True)
