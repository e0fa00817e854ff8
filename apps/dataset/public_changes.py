"""What changed between consecutive public snapshots, as short public sentences a reader can follow:
"Cambodia joined the Colombo Process as member (2014–…)".

The sentences are written in the active language: the words through the site's catalogue, the states by
CLDR's names (apps/states/names.py), a mechanism by its recorded translation when it has one, as the pages
name them. Everything here is read from snapshots, which hold only the published dataset: no curator,
reason, user or private note can reach a sentence.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy

from apps.mechanisms.classification import Governance, Kind, Status
from apps.mechanisms.models import Participation
from apps.states.names import territory_name

from . import snapshots
from .diff import diff_datasets

# The facts of a mechanism or a meeting whose change a sentence names (the context is written out each time:
# makemessages reads only a literal one).
FIELD_NAMES = {
    "acronym": pgettext_lazy("changes feed: a fact that changed", "acronym"),
    "name": pgettext_lazy("changes feed: a fact that changed", "name"),
    "region": pgettext_lazy("changes feed: a fact that changed", "region"),
    "kind": pgettext_lazy("changes feed: a fact that changed", "kind"),
    "governance": pgettext_lazy("changes feed: a fact that changed", "governance"),
    "status": pgettext_lazy("changes feed: a fact that changed", "status"),
    "status_note": pgettext_lazy("changes feed: a fact that changed", "status note"),
    "founded": pgettext_lazy("changes feed: a fact that changed", "founded"),
    "ended": pgettext_lazy("changes feed: a fact that changed", "ended"),
    "parent_framework": pgettext_lazy("changes feed: a fact that changed", "parent framework"),
    "predecessor": pgettext_lazy("changes feed: a fact that changed", "predecessor"),
    "website": pgettext_lazy("changes feed: a fact that changed", "website"),
    "objectives": pgettext_lazy("changes feed: a fact that changed", "objectives"),
    "secretariat_note": pgettext_lazy("changes feed: a fact that changed", "secretariat note"),
    "themes": pgettext_lazy("changes feed: a fact that changed", "themes"),
    "title": pgettext_lazy("changes feed: a fact that changed", "title"),
    "start": pgettext_lazy("changes feed: a fact that changed", "start"),
    "end": pgettext_lazy("changes feed: a fact that changed", "end"),
    "city": pgettext_lazy("changes feed: a fact that changed", "city"),
    "host": pgettext_lazy("changes feed: a fact that changed", "host"),
    "theme": pgettext_lazy("changes feed: a fact that changed", "theme"),
}
# A mechanism's classified facts are told by their labels ('Dissolved', 'Dissous'), not their codes.
MECHANISM_CHOICES = {"kind": dict(Kind.choices), "governance": dict(Governance.choices),
                     "status": dict(Status.choices)}
ROLES = dict(Participation.Role.choices)


@dataclass(frozen=True)
class PublicChange:
    mechanism: str  # the slug of the mechanism it concerns
    sentence: str
    old: object  # the earlier snapshot
    new: object  # the later snapshot, which holds the change
    position: int  # its place among the changes from ``old`` to ``new``


def _period(start, end):
    return f" ({start or '…'}–{end or '…'})" if start or end else ""


def _field(name):
    return str(FIELD_NAMES.get(name, name.replace("_", " ")))


def _roles(roles):
    return ", ".join(str(ROLES.get(role, role)).lower() for role in roles)


def _value(field, value):
    if isinstance(value, list):
        value = ", ".join(value)
    value = MECHANISM_CHOICES.get(field, {}).get(value, value)
    return str(value) if value else gettext("(none)")


class _Names:
    """The names of the states, organisations and mechanisms of two datasets, in ``language``."""

    def __init__(self, old, new, language):
        self.mechanisms = {}
        for mechanism in old["mechanisms"] + new["mechanisms"]:
            translated = [n["name"] for n in mechanism.get("other_names", ())
                          if n["kind"] == "translation" and n.get("language") == language]
            self.mechanisms[mechanism["slug"]] = translated[0] if translated else mechanism["name"]
        self.participants = {o["slug"]: o["name"] for o in old["organizations"] + new["organizations"]}
        for state in old["states"] + new["states"]:
            cldr = territory_name(state["alpha3"], language, alpha2=state.get("alpha2")) if language != "en" else None
            self.participants[state["alpha3"]] = cldr or state["name"]

    def mechanism(self, slug):
        return self.mechanisms[slug]

    def participant(self, code):
        return self.participants.get(code, code)


def sentences(old, new):
    """[(mechanism slug, sentence)] of what changed from dataset ``old`` to dataset ``new``, in the active
    language."""
    diff = diff_datasets(old, new)
    mechanisms = {m["slug"]: m for m in old["mechanisms"]} | {m["slug"]: m for m in new["mechanisms"]}
    names = _Names(old, new, (translation.get_language() or "en").split("-")[0])

    out = []
    for m in diff["mechanisms_added"]:
        values = {"name": names.mechanism(m["slug"]), "kind": _value("kind", m["kind"]), "founded": m["founded"]}
        if m["founded"]:
            out.append((m["slug"], gettext("{name} was added to the record ({kind}, founded {founded}).").format(
                **values)))
        else:
            out.append((m["slug"], gettext("{name} was added to the record ({kind}).").format(**values)))
    for m in diff["mechanisms_removed"]:
        out.append((m["slug"], gettext("{name} was removed from the record.").format(name=names.mechanism(m["slug"]))))
    for m in diff["mechanisms_changed"]:
        for field, (before, after) in m["changes"].items():
            out.append((m["slug"], gettext("{mechanism}: {field} changed from '{before}' to '{after}'.").format(
                mechanism=names.mechanism(m["slug"]), field=_field(field), before=_value(field, before),
                after=_value(field, after))))
    for entry in diff["participations"]:
        slug = entry["mechanism"]
        mechanism = names.mechanism(slug)
        participations = mechanisms[slug]["participations"]
        for joined in entry["joined"]:
            who = joined["participant"]
            for p in participations:
                if (p.get("state") or p.get("organization")) == who:
                    out.append((slug, gettext("{participant} joined the {mechanism} as {role}{period}.").format(
                        participant=names.participant(who), mechanism=mechanism, role=_roles([p["role"]]),
                        period=_period(p["start"], p["end"]))))
        for left in entry["left"]:
            who = left["participant"]
            out.append((slug, gettext("{participant} is no longer recorded in the {mechanism} (was {roles}).").format(
                participant=names.participant(who), mechanism=mechanism, roles=_roles(left["roles"]))))
        for change in entry["role_changes"]:
            who = change["participant"]
            out.append((slug, gettext("{participant} changed role in the {mechanism} from {before} to {after}.").format(
                participant=names.participant(who), mechanism=mechanism, before=_roles(change["from"]),
                after=_roles(change["to"]))))
    for m in diff["meetings_added"]:
        mechanism = names.mechanism(m["mechanism"])
        if m["start"]:
            sentence = gettext("{mechanism}: meeting added, {title} ({start}).").format(
                mechanism=mechanism, title=m["title"], start=m["start"])
        else:
            sentence = gettext("{mechanism}: meeting added, {title} (undated).").format(
                mechanism=mechanism, title=m["title"])
        out.append((m["mechanism"], sentence))
    for m in diff["meetings_removed"]:
        out.append((m["mechanism"], gettext("{mechanism}: meeting removed, {title}.").format(
            mechanism=names.mechanism(m["mechanism"]), title=m["title"])))
    for m in diff["meetings_changed"]:
        for field in m["changes"]:
            out.append((m["mechanism"], gettext("{mechanism}: the {field} of meeting {meeting} changed.").format(
                mechanism=names.mechanism(m["mechanism"]), field=_field(field), meeting=m["slug"])))
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
