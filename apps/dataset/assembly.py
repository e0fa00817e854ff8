"""Assemble the dataset-format records (docs/dataset-format.md) from the database, now or as of a past moment.

One assembler serves the YAML export, the snapshots and the as-of rebuild: it reads plain rows through
a row source, either the current tables (``LiveRows``) or the edit history as it stood at a moment
(``AsOfRows``), and builds records ordered by natural keys in Python, so that the result does not depend
on the database's collation. Mechanisms are produced in chunks, so memory stays flat however large the
dataset grows.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from apps.curation.partial_dates import parse_or_none_lenient
from apps.mechanisms.models import Mechanism, MechanismName, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Citation, Discrepancy, ReviewEdition, ReviewEntry
from apps.states.models import Organization, OrganizationName, State, StateName

FORMAT = "rcp-dataset/1"
PUBLISHED = ReviewEdition.Status.PUBLISHED

_NAME_FIELDS = ("id", "name", "kind", "valid_from", "valid_until")
FIELDS = {
    Region: ("id", "slug", "name", "order"),
    Theme: ("id", "slug", "name", "description"),
    ReviewEdition: ("id", "slug", "year", "title", "authors", "publisher", "series", "series_number", "isbn",
                    "issn", "published", "url", "status"),
    State: ("id", "alpha3", "alpha2", "numeric", "name", "official_name", "kind", "sovereign_id", "note"),
    StateName: (*_NAME_FIELDS, "state_id"),
    Organization: ("id", "slug", "acronym", "name", "kind", "state_id", "parent_id", "website"),
    OrganizationName: (*_NAME_FIELDS, "organization_id"),
    Mechanism: ("id", "slug", "acronym", "name", "region_id", "kind", "governance", "status", "status_note",
                "founded", "ended", "parent_framework_id", "predecessor_id", "website", "objectives",
                "secretariat_note"),
    MechanismName: (*_NAME_FIELDS, "mechanism_id"),
    Participation: ("id", "mechanism_id", "state_id", "organization_id", "role", "as_written", "start", "end",
                    "note"),
    Meeting: ("id", "mechanism_id", "slug", "title", "kind", "status", "start", "end", "date_as_written", "city",
              "host_id", "venue_as_written", "theme", "note"),
    Document: ("id", "mechanism_id", "meeting_id", "slug", "title", "kind", "date", "url", "note"),
    ReviewEntry: ("id", "edition_id", "mechanism_id", "section", "kind", "governance", "region_id", "background",
                  "agenda", "linkages", "taxonomic_placement"),
    Discrepancy: ("id", "mechanism_id", "position", "subject", "recorded", "recorded_edition_id",
                  "recorded_locator", "conflicting", "conflicting_edition_id", "conflicting_locator", "note"),
    Citation: ("id", "content_type_id", "object_id", "edition_id", "locator", "covers", "position"),
}
ROLE_ORDER = {role: index for index, role in enumerate(Participation.Role.values)}


class LiveRows:
    """Rows of the current tables."""

    def rows(self, model, fields=None, **filters):
        return list(model.objects.filter(**filters).values(*(fields or FIELDS[model])))

    def theme_links(self, mechanism_ids):
        through = Mechanism.themes.through
        return list(through.objects.filter(mechanism_id__in=mechanism_ids).values_list("mechanism_id", "theme_id"))


class AsOfRows:
    """Rows as they stood at ``moment``, rebuilt from the edit history."""

    def __init__(self, moment):
        self.moment = moment

    def rows(self, model, fields=None, **filters):
        return list(model.history.as_of(self.moment).filter(**filters).values(*(fields or FIELDS[model])))

    def theme_links(self, mechanism_ids):
        # Each historical record of a mechanism carries the set of themes it had at that time.
        records = (
            Mechanism.history.filter(history_date__lte=self.moment, id__in=mechanism_ids)
            .latest_of_each()
            .exclude(history_type="-")
            .values_list("history_id", flat=True)
        )
        links = Mechanism.history.model.themes.model.objects.filter(history_id__in=list(records))
        return list(links.values_list("mechanism_id", "theme_id"))


def _names(rows, citations, model):
    return [
        {"name": r["name"], "kind": r["kind"], "valid_from": r["valid_from"], "valid_until": r["valid_until"],
         "sources": citations.of(model, r["id"])}
        for r in sorted(rows, key=lambda r: (r["valid_from"], r["name"]))
    ]


def _earliest(text):
    value = parse_or_none_lenient(text)
    return value.earliest.isoformat() if value else ""


class _Citations:
    """Citations of a set of records, loaded in one query per model."""

    def __init__(self, rows, editions):
        self.rows, self.editions = rows, editions
        self.by_subject = defaultdict(list)

    def load(self, model, ids):
        if not ids:
            return
        content_type = ContentType.objects.get_for_model(model)
        for row in self.rows.rows(Citation, content_type_id=content_type.id, object_id__in=list(ids)):
            self.by_subject[(model, row["object_id"])].append(row)

    def of(self, model, object_id):
        found = []
        for row in sorted(self.by_subject.get((model, object_id), ()), key=lambda r: (r["position"], r["id"])):
            edition = self.editions.get(row["edition_id"])
            if edition is None:
                continue  # cites an edition that is not part of this dataset (an unpublished one)
            covers = [name for name in (part.strip() for part in row["covers"].split(",")) if name]
            text = f"{edition['slug']} {row['locator']}"
            found.append({"cite": text, "for": covers} if covers else text)
        return found


class Assembly:
    """The dataset as records of the dataset format.

    ``public_only`` keeps what the public may see: published editions, their review entries, and
    citations of published editions only. ``all_reference`` writes every state and organisation; without
    it, only those the mechanisms refer to (and what those refer to in turn).
    """

    def __init__(self, rows=None, *, public_only, all_reference):
        self.rows = rows or LiveRows()
        self.public_only, self.all_reference = public_only, all_reference
        edition_rows = self.rows.rows(ReviewEdition, **({"status": PUBLISHED} if public_only else {}))
        self.editions = {r["id"]: r for r in edition_rows}
        self.regions = {r["id"]: r for r in self.rows.rows(Region)}
        self.themes = {r["id"]: r for r in self.rows.rows(Theme)}
        self.states = {r["id"]: r for r in self.rows.rows(State)}
        self.organizations = {r["id"]: r for r in self.rows.rows(Organization)}
        self.citations = _Citations(self.rows, self.editions)
        for model, table in ((ReviewEdition, self.editions), (Region, self.regions), (State, self.states),
                             (Organization, self.organizations)):
            self.citations.load(model, table.keys())
        self.used_states, self.used_organizations = set(), set()

    # ----- reference records --------------------------------------------------------------------

    def edition_records(self):
        return [
            {"slug": e["slug"], "year": e["year"], "title": e["title"], "authors": list(e["authors"]),
             "publisher": e["publisher"], "series": e["series"], "series_number": e["series_number"],
             "isbn": e["isbn"], "issn": e["issn"], "published": e["published"], "url": e["url"],
             "status": e["status"], "sources": self.citations.of(ReviewEdition, e["id"])}
            for e in sorted(self.editions.values(), key=lambda e: (e["year"], e["slug"]))
        ]

    def region_records(self):
        return [
            {"slug": r["slug"], "name": r["name"], "order": r["order"], "sources": self.citations.of(Region, r["id"])}
            for r in sorted(self.regions.values(), key=lambda r: (r["order"], r["slug"]))
        ]

    def theme_records(self):
        return [
            {"slug": t["slug"], "name": t["name"], "description": t["description"]}
            for t in sorted(self.themes.values(), key=lambda t: t["slug"])
        ]

    def state_records(self):
        """Every state, or (without ``all_reference``) those referred to.

        Call it last: mechanisms and organisations add the states they refer to.
        """
        ids = set(self.states) if self.all_reference else self._closure(self.used_states, "sovereign_id", self.states)
        names = defaultdict(list)
        for row in self.rows.rows(StateName, state_id__in=list(ids)):
            names[row["state_id"]].append(row)
        self.citations.load(StateName, [r["id"] for rows in names.values() for r in rows])
        return [
            {"alpha3": s["alpha3"], "alpha2": s["alpha2"], "numeric": s["numeric"], "name": s["name"],
             "official_name": s["official_name"], "kind": s["kind"],
             "sovereign": self._code(s["sovereign_id"]), "note": s["note"],
             "names": _names(names[s["id"]], self.citations, StateName),
             "sources": self.citations.of(State, s["id"])}
            for s in sorted((self.states[i] for i in ids), key=lambda s: s["alpha3"])
        ]

    def organization_records(self):
        """Every organisation, or those referred to; call after ``mechanism_records``."""
        if self.all_reference:
            ids = set(self.organizations)
        else:
            ids = self._closure(self.used_organizations, "parent_id", self.organizations)
            self.used_states.update(self.organizations[i]["state_id"] for i in ids if self.organizations[i]["state_id"])
        names = defaultdict(list)
        for row in self.rows.rows(OrganizationName, organization_id__in=list(ids)):
            names[row["organization_id"]].append(row)
        self.citations.load(OrganizationName, [r["id"] for rows in names.values() for r in rows])
        return [
            {"slug": o["slug"], "acronym": o["acronym"], "name": o["name"], "kind": o["kind"],
             "state": self._code(o["state_id"]), "parent": self._slug(self.organizations, o["parent_id"]),
             "website": o["website"], "other_names": _names(names[o["id"]], self.citations, OrganizationName),
             "sources": self.citations.of(Organization, o["id"])}
            for o in sorted((self.organizations[i] for i in ids), key=lambda o: o["slug"])
        ]

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

    def _code(self, state_id):
        if state_id is None:
            return ""
        self.used_states.add(state_id)
        return self.states[state_id]["alpha3"]

    @staticmethod
    def _slug(table, key):
        return table[key]["slug"] if key is not None and key in table else ""

    # ----- mechanisms ---------------------------------------------------------------------------

    def mechanism_records(self, chunk_size=200):
        """Every mechanism, in slug order, one chunk of mechanisms' related rows in memory at a time."""
        slugs = {r["id"]: r["slug"] for r in self.rows.rows(Mechanism, fields=("id", "slug"))}
        ordered = sorted(slugs, key=lambda i: slugs[i])
        for start in range(0, len(ordered), chunk_size):
            yield from self._chunk(ordered[start:start + chunk_size], slugs)

    def _chunk(self, ids, all_slugs):
        mechanisms = {r["id"]: r for r in self.rows.rows(Mechanism, id__in=ids)}
        related = {}
        for model in (MechanismName, Participation, Meeting, Document, ReviewEntry, Discrepancy):
            grouped = defaultdict(list)
            for row in self.rows.rows(model, mechanism_id__in=ids):
                grouped[row["mechanism_id"]].append(row)
            related[model] = grouped
        if self.public_only:
            for mechanism_id, entries in related[ReviewEntry].items():
                related[ReviewEntry][mechanism_id] = [e for e in entries if e["edition_id"] in self.editions]
        citations = _Citations(self.rows, self.editions)  # only this chunk's, so memory stays flat
        for model in (Mechanism, MechanismName, Participation, Meeting, Document):
            if model is Mechanism:
                ids_ = list(mechanisms)
            else:
                ids_ = [r["id"] for rows in related[model].values() for r in rows]
            citations.load(model, ids_)
        themes = defaultdict(list)
        for mechanism_id, theme_id in self.rows.theme_links(ids):
            themes[mechanism_id].append(self.themes[theme_id]["slug"])
        meeting_slugs = {r["id"]: r["slug"] for rows in related[Meeting].values() for r in rows}
        for mechanism_id in ids:
            yield self._mechanism(mechanisms[mechanism_id], related, themes[mechanism_id], all_slugs, meeting_slugs,
                                  citations)

    def _mechanism(self, m, related, themes, all_slugs, meeting_slugs, citations):
        if m["parent_framework_id"]:
            self.used_organizations.add(m["parent_framework_id"])
        cite = citations.of
        return {
            "slug": m["slug"], "acronym": m["acronym"], "name": m["name"],
            "other_names": _names(related[MechanismName][m["id"]], citations, MechanismName),
            "region": self.regions[m["region_id"]]["slug"], "kind": m["kind"], "governance": m["governance"],
            "status": m["status"], "status_note": m["status_note"], "founded": m["founded"], "ended": m["ended"],
            "parent_framework": self._slug(self.organizations, m["parent_framework_id"]),
            "predecessor": all_slugs.get(m["predecessor_id"], "") if m["predecessor_id"] else "",
            "website": m["website"], "objectives": m["objectives"], "secretariat_note": m["secretariat_note"],
            "themes": sorted(themes),
            "sources": cite(Mechanism, m["id"]),
            "participations": [
                self._participation(p, citations)
                for p in sorted(related[Participation][m["id"]], key=self._participation_order)
            ],
            "meetings": [
                {"slug": x["slug"], "title": x["title"], "kind": x["kind"], "status": x["status"], "start": x["start"],
                 "end": x["end"], "date_as_written": x["date_as_written"], "city": x["city"],
                 "host": self._code(x["host_id"]), "venue_as_written": x["venue_as_written"], "theme": x["theme"],
                 "note": x["note"], "sources": cite(Meeting, x["id"])}
                for x in sorted(related[Meeting][m["id"]], key=lambda x: (_earliest(x["start"]), x["start"], x["slug"]))
            ],
            "documents": [
                {"slug": d["slug"], "title": d["title"], "kind": d["kind"], "date": d["date"],
                 "meeting": meeting_slugs.get(d["meeting_id"], ""), "url": d["url"], "note": d["note"],
                 "sources": cite(Document, d["id"])}
                for d in sorted(related[Document][m["id"]], key=lambda d: (d["date"], d["slug"]))
            ],
            "review_entries": [
                {"edition": self.editions[e["edition_id"]]["slug"], "section": e["section"], "kind": e["kind"],
                 "governance": e["governance"], "region": self.regions[e["region_id"]]["slug"],
                 "background": e["background"], "agenda": e["agenda"], "linkages": e["linkages"],
                 "taxonomic_placement": e["taxonomic_placement"]}
                for e in sorted(related[ReviewEntry][m["id"]],
                                key=lambda e: (self.editions[e["edition_id"]]["year"],
                                               self.editions[e["edition_id"]]["slug"]))
            ],
            "discrepancies": [
                {"subject": d["subject"], "recorded": d["recorded"],
                 "recorded_source": f"{self.editions[d['recorded_edition_id']]['slug']} {d['recorded_locator']}",
                 "conflicting": d["conflicting"],
                 "conflicting_source":
                     f"{self.editions[d['conflicting_edition_id']]['slug']} {d['conflicting_locator']}",
                 "note": d["note"]}
                for d in sorted(related[Discrepancy][m["id"]], key=lambda d: (d["position"], d["id"]))
                if d["recorded_edition_id"] in self.editions and d["conflicting_edition_id"] in self.editions
            ],
        }

    def _participation_order(self, p):
        participant = (0, self.states[p["state_id"]]["alpha3"]) if p["state_id"] else (
            1, self.organizations[p["organization_id"]]["slug"])
        return (ROLE_ORDER[p["role"]], participant, p["start"])

    def _participation(self, p, citations):
        if p["state_id"]:
            participant = {"state": self._code(p["state_id"])}
        else:
            self.used_organizations.add(p["organization_id"])
            participant = {"organization": self.organizations[p["organization_id"]]["slug"]}
        return {**participant, "role": p["role"], "as_written": p["as_written"], "start": p["start"],
                "end": p["end"], "note": p["note"], "sources": citations.of(Participation, p["id"])}
