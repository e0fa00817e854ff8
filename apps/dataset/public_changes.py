"""What changed between consecutive public snapshots, as short public sentences a reader can follow:
"Cambodia joined the Colombo Process as member (2014–…)".

The sentences are written in the active language: the words through the site's catalogue, the states by
CLDR's names (apps/states/names.py), a mechanism by its recorded translation when it has one, as the pages
name them, and the dates in words ('October 2015', 'octobre 2015'). The feeds take them as plain text; the
edition page takes them as HTML, grouped under headings, where a name shown in another language than the
page's is marked with its language. Everything here is read from snapshots, which hold only the published
dataset: no curator, reason, user or private note can reach a sentence.

The API, the report (in English) and the admin keep the language-neutral comparison of apps/dataset/diff.py.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy

from apps.curation.partial_dates import text_in_words, when_in_words
from apps.curation.records import DATE, REF, REFS, record
from apps.mechanisms.classification import Governance, Kind, Status, within_sentence
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
# The headings of the edition page's 'changes since the previous review', in the order they come.
SECTIONS = {
    "added": pgettext_lazy("changes since the previous review", "Mechanisms added"),
    "removed": pgettext_lazy("changes since the previous review", "Mechanisms removed"),
    "facts": pgettext_lazy("changes since the previous review", "Classification, status and other facts"),
    "participants": pgettext_lazy("changes since the previous review", "Participants"),
    "meetings": pgettext_lazy("changes since the previous review", "Meetings"),
}


@dataclass(frozen=True)
class PublicChange:
    mechanism: str  # the slug of the mechanism it concerns
    sentence: str
    old: object  # the earlier snapshot
    new: object  # the later snapshot, which holds the change
    position: int  # its place among the changes from ``old`` to ``new``


def _field(name):
    return str(FIELD_NAMES.get(name, name.replace("_", " ")))


def _roles(roles):
    return ", ".join(str(ROLES.get(role, role)).lower() for role in roles)


class _Writer:
    """Writes the sentences in ``language``: the names of two datasets' states, organisations and mechanisms
    as the pages name them, and the dates in words. As plain text, or, with ``html``, as HTML in which a name
    in another language than ``language`` is marked with its own (<span lang="en">) and all else is escaped.
    """

    def __init__(self, old, new, language, html=False):
        self.language, self.html = language, html
        self.mechanisms = {}
        for mechanism in old["mechanisms"] + new["mechanisms"]:
            translated = [n["name"] for n in mechanism.get("other_names", ())
                          if n["kind"] == "translation" and n.get("language") == language]
            self.mechanisms[mechanism["slug"]] = (translated[0], language) if translated else (mechanism["name"], "en")
        self.participants = {o["slug"]: (o["name"], "en") for o in old["organizations"] + new["organizations"]}
        for state in old["states"] + new["states"]:
            cldr = territory_name(state["alpha3"], language, alpha2=state.get("alpha2")) if language != "en" else None
            self.participants[state["alpha3"]] = (cldr, language) if cldr else (state["name"], "en")
        # The regions and themes, by their names in the site's catalogue (apps/site/localization.py lists them).
        self.vocabulary = {("region", r["slug"]): r["name"] for r in old["regions"] + new["regions"]}
        self.vocabulary |= {("theme", t["slug"]): t["name"] for t in old["themes"] + new["themes"]}

    def _name(self, name, name_language):
        if self.html and name_language != self.language:
            return format_html('<span lang="{}">{}</span>', name_language, name)
        return name

    def mechanism(self, slug):
        return self._name(*self.mechanisms.get(slug, (slug, "en")))

    def participant(self, code):
        return self._name(*self.participants.get(code, (code, "en")))

    def date(self, value):
        return text_in_words(value)

    def period(self, start, end):
        if not (start or end):
            return ""
        return f" ({self.date(start) or '…'}–{self.date(end) or '…'})"

    def value(self, field, value):
        """A mechanism's fact as the sentence quotes it: a label, a name or a date in words; '(none)'."""
        declared = record("mechanism").field(field)
        if declared.kind in (REF, REFS):
            values = value if declared.kind == REFS else [value] if value else []
            named = [self._reference(declared.to, key) for key in values]
            if not named:
                return gettext("(none)")
            return format_html(", ".join(["{}"] * len(named)), *named) if self.html else ", ".join(named)
        if declared.kind == DATE:
            value = self.date(value)
        value = MECHANISM_CHOICES.get(field, {}).get(value, value)
        return str(value) if value else gettext("(none)")

    def _reference(self, kind, key):
        if kind == "mechanism":
            return self.mechanism(key)
        if kind == "organization":
            return self.participant(key)
        name = self.vocabulary.get((kind, key))
        return gettext(name) if name else key

    def sentence(self, text, **values):
        """``text`` (a translated sentence with {placeholders}) with its ``values`` in place."""
        return format_html(text, **values) if self.html else text.format(**values)


def _told(old, new, writer):
    """[(section, mechanism slug, sentence)] of what changed from dataset ``old`` to dataset ``new``."""
    diff = diff_datasets(old, new)
    mechanisms = {m["slug"]: m for m in old["mechanisms"]} | {m["slug"]: m for m in new["mechanisms"]}
    say = writer.sentence

    out = []
    for m in diff["mechanisms_added"]:
        values = {"name": writer.mechanism(m["slug"]), "kind": within_sentence(writer.value("kind", m["kind"])),
                  "founded": when_in_words(m["founded"])}
        if m["founded"]:
            out.append(("added", m["slug"], say(gettext("{name} was added to the record ({kind}, founded {founded})."),
                                                **values)))
        else:
            out.append(("added", m["slug"], say(gettext("{name} was added to the record ({kind})."), **values)))
    for m in diff["mechanisms_removed"]:
        out.append(("removed", m["slug"], say(gettext("{name} was removed from the record."),
                                              name=writer.mechanism(m["slug"]))))
    for m in diff["mechanisms_changed"]:
        for field, (before, after) in m["changes"].items():
            out.append(("facts", m["slug"], say(gettext("{mechanism}: {field} changed from '{before}' to '{after}'."),
                                                mechanism=writer.mechanism(m["slug"]), field=_field(field),
                                                before=writer.value(field, before), after=writer.value(field, after))))
    for entry in diff["participations"]:
        slug = entry["mechanism"]
        mechanism = writer.mechanism(slug)
        participations = mechanisms[slug]["participations"]
        for joined in entry["joined"]:
            who = joined["participant"]
            for p in participations:
                if (p.get("state") or p.get("organization")) == who:
                    out.append(("participants", slug, say(
                        gettext("{participant} joined the {mechanism} as {role}{period}."),
                        participant=writer.participant(who), mechanism=mechanism, role=_roles([p["role"]]),
                        period=writer.period(p["start"], p["end"]))))
        for left in entry["left"]:
            out.append(("participants", slug, say(
                gettext("{participant} is no longer recorded in the {mechanism} (was {roles})."),
                participant=writer.participant(left["participant"]), mechanism=mechanism,
                roles=_roles(left["roles"]))))
        for change in entry["role_changes"]:
            out.append(("participants", slug, say(
                gettext("{participant} changed role in the {mechanism} from {before} to {after}."),
                participant=writer.participant(change["participant"]), mechanism=mechanism,
                before=_roles(change["from"]), after=_roles(change["to"]))))
    for m in diff["meetings_added"]:
        mechanism = writer.mechanism(m["mechanism"])
        if m["start"]:
            sentence = say(gettext("{mechanism}: meeting added, {title} ({start})."),
                           mechanism=mechanism, title=m["title"], start=writer.date(m["start"]))
        else:
            sentence = say(gettext("{mechanism}: meeting added, {title} (undated)."), mechanism=mechanism,
                           title=m["title"])
        out.append(("meetings", m["mechanism"], sentence))
    for m in diff["meetings_removed"]:
        out.append(("meetings", m["mechanism"], say(gettext("{mechanism}: meeting removed, {title}."),
                                                    mechanism=writer.mechanism(m["mechanism"]), title=m["title"])))
    for m in diff["meetings_changed"]:
        meeting = next(x for x in mechanisms[m["mechanism"]]["meetings"] if x["slug"] == m["slug"])
        for field in m["changes"]:
            out.append(("meetings", m["mechanism"], say(
                gettext("{mechanism}: the {field} of meeting {meeting} changed."),
                mechanism=writer.mechanism(m["mechanism"]), field=_field(field), meeting=meeting["title"])))
    return out


def _language():
    return (translation.get_language() or "en").split("-")[0]


def sentences(old, new):
    """[(mechanism slug, sentence)] of what changed from dataset ``old`` to dataset ``new``, in the active
    language, as plain text."""
    return [(slug, sentence) for _section, slug, sentence in _told(old, new, _Writer(old, new, _language()))]


def sections(old, new):
    """What changed from dataset ``old`` to dataset ``new``, in the active language, as HTML grouped under
    headings: [(heading, [sentence…])], the headings in the order of SECTIONS."""
    told = _told(old, new, _Writer(old, new, _language(), html=True))
    grouped = [(str(heading), [sentence for section, _slug, sentence in told if section == key])
               for key, heading in SECTIONS.items()]
    return [(heading, lines) for heading, lines in grouped if lines]


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
