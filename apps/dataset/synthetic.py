"""Synthetic data at a scale factor of the 2013 review, for measuring speed at sizes the real data has not
reached yet (``manage.py generate_synthetic``).

Scale 1 is about the 2013 dataset: 26 mechanisms, 800 participations, 147 meetings. The records are
realistic where speed depends on it: partial dates of every precision, every role, long names, text in
Latin with accents, Arabic and CJK scripts, citations on mechanisms, participations, meetings and documents, themes,
other names, documents, review entries and discrepancies. They pass the models' own validation, so an
export of them imports again.

The same seed always gives the same records. Rows are written with ``bulk_create`` in chunks of
mechanisms, so memory stays flat and x1000 takes minutes, not hours. The partial-date bounds are filled
as ``save`` would; the edit history is not written: synthetic rows carry no history.
"""

import random
import sys
import time
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from apps.curation.models import Citation
from apps.curation.partial_dates import PartialDateField
from apps.mechanisms.models import Mechanism, MechanismName, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Discrepancy, ReviewEdition, ReviewEntry
from apps.states.models import Organization, State

MECHANISMS_PER_SCALE = 26
CHUNK = 250  # mechanisms written per round of bulk inserts

_WORDS = [
    "Regional", "Consultative", "Process", "Dialogue", "Migration", "Forum", "Intergovernmental", "Conference",
    "Cooperation", "Partnership", "Mobility", "Labour", "Asylum", "Border", "Management", "Development",
    "Ministerial", "Initiative", "Network", "Exchange", "Protection", "Return", "Integration", "Diaspora",
]
_NAMES = [
    "Processus consultatif régional sur la migration de l'Afrique centrale et orientale",
    "Diálogo Sudamericano sobre Migración, Integración y Movilidad Humana",
    "Conférence ministérielle euro-africaine sur la migration et le développement (Côte d'Ivoire, Sénégal)",
    "الحوار الإقليمي العربي حول الهجرة واللجوء",
    "حوار الهجرة لدول المغرب العربي",
    "亚太地区移民问题区域协商进程",
    "東アジア移住労働に関する地域協議",
    "Processo Consultivo Regional da Comunidade dos Países de Língua Portuguesa",
    "Regionale Konsultationen über Migration, Flüchtlinge und Grenzmanagement im Ostseeraum",
    "Søderkøping-prosessen om grenseoverskridende samarbeid",
]
_CITIES = ["Dakar", "Bogotá", "São Paulo", "Bangkok", "Zürich", "Kraków", "Marrakech", "الرباط", "北京", "Ouagadougou"]
_LOCATORS = ["Annex A", "Annex B", "Annex C", "Annex D", "Executive Summary", "section 3.1.2", "section 3.4.1"]
_STANDING_ROLES = [  # weights: most participants are members, fewer observers, few of the rest
    (Participation.Role.MEMBER, 60), (Participation.Role.OBSERVER, 20), (Participation.Role.EXPECTED_MEMBER, 5),
    (Participation.Role.SUSPENDED_MEMBER, 5), (Participation.Role.EXPECTED_OBSERVER, 5),
    (Participation.Role.INTERMITTENT_OBSERVER, 5),
]
_OTHER_ROLES = [Participation.Role.PARTNER, Participation.Role.SECRETARIAT, Participation.Role.CHAIR,
                Participation.Role.STEERING_GROUP]


@dataclass
class Counts:
    mechanisms: int = 0
    participations: int = 0
    meetings: int = 0
    documents: int = 0
    citations: int = 0


def _bound_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, PartialDateField) and f.bounds]


class _Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed
        self.states = list(State.objects.order_by("alpha3").values_list("id", "name"))
        self.regions = list(Region.objects.order_by("slug"))
        self.themes = list(Theme.objects.order_by("slug").values_list("id", flat=True))
        self.edition = ReviewEdition.objects.filter(status="published").order_by("year", "slug").first()
        self.content_types = {
            model: ContentType.objects.get_for_model(model).id
            for model in (Mechanism, Participation, Meeting, Document)
        }
        self.bounds = {model: _bound_fields(model) for model in (Mechanism, Participation, Meeting, Document)}

    # ----- values --------------------------------------------------------------------------------

    def partial_date(self, first=1985, last=2025, empty=0.1):
        """A partial date of a random precision (year, month or day), or '' now and then."""
        rng = self.rng
        if rng.random() < empty:
            return ""
        year = rng.randint(first, last)
        precision = rng.random()
        if precision < 0.3:
            return f"{year}"
        month = rng.randint(1, 12)
        if precision < 0.6:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"

    def later_date(self, start, empty=0.5):
        """A partial date not before ``start``."""
        if not start or self.rng.random() < empty:
            return ""
        year = int(start[:4]) + self.rng.randint(1, 8)
        return f"{year}" if self.rng.random() < 0.5 else f"{year}-{self.rng.randint(1, 12):02d}"

    def name(self, index):
        rng = self.rng
        if rng.random() < 0.3:
            base = rng.choice(_NAMES)
        else:
            base = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9)))
        if rng.random() < 0.1:  # a long official title
            base = f"{base} — {' '.join(rng.choice(_WORDS) for _ in range(25))}"
        return f"{base} {index}"[:300].rstrip()  # cut at a space, it would end in one: the import strips it

    def fill_bounds(self, instance):
        for field in self.bounds[type(instance)]:
            field.fill_bounds(instance)
        return instance

    def citation(self, model, object_id, covers="", locator=None):
        return Citation(source_id=self.edition.source_id, locator=locator or self.rng.choice(_LOCATORS),
                        covers=covers, content_type_id=self.content_types[model], object_id=object_id)

    def mechanism_citations(self, mechanism):
        """One to three citations of a mechanism, each of another place: a place cited twice for the same
        field is refused by the import, and the export of these records must import again."""
        return [self.citation(Mechanism, mechanism.id, covers=self.rng.choice(("", "kind,governance", "founded")),
                              locator=locator)
                for locator in self.rng.sample(_LOCATORS, self.rng.randint(1, 3))]

    # ----- records -------------------------------------------------------------------------------

    def organizations(self, count):
        kinds = [Organization.Kind.INTERGOVERNMENTAL, Organization.Kind.NGO, Organization.Kind.SECRETARIAT,
                 Organization.Kind.FRAMEWORK, Organization.Kind.RESEARCH]
        found = []
        for index in range(count):
            slug = f"syn{self.seed}-org-{index}"
            found.append(Organization(slug=slug, acronym=f"S{self.seed}O{index}", name=self.name(index),
                                      kind=kinds[index % len(kinds)]))
        Organization.objects.bulk_create(found)
        return found

    def mechanisms(self, start, count, organizations, previous):
        rng = self.rng
        built = []
        for index in range(start, start + count):
            status = rng.choice(Mechanism.Status.values)
            founded = "" if status == Mechanism.Status.EXPECTED else self.partial_date(1985, 2013)
            ended = self.later_date(founded, empty=0) if status in {"dissolved", "succeeded"} else ""
            governance = rng.choice(Mechanism.Governance.values)
            mechanism = Mechanism(
                slug=f"syn{self.seed}-{index:06d}", acronym=f"S{self.seed}M{index}", name=self.name(index),
                region=rng.choice(self.regions), kind=rng.choice(Mechanism.Kind.values), governance=governance,
                status=status, status_note="Synthetic record." if rng.random() < 0.2 else "",
                founded=founded, ended=ended,
                parent_framework=rng.choice(organizations) if governance == "pillar" else None,
                predecessor=rng.choice(previous) if previous and status != "expected" and rng.random() < 0.05
                else None,
                website=f"https://example.org/{index}" if rng.random() < 0.5 else "",
                objectives=" ".join(rng.choice(_WORDS).lower() for _ in range(rng.randint(10, 60))),
            )
            built.append(self.fill_bounds(mechanism))
        return Mechanism.objects.bulk_create(built)

    def related(self, mechanisms, organizations, counts):
        rng = self.rng
        names, participations, meetings, entries, discrepancies, links = [], [], [], [], [], []
        through = Mechanism.themes.through
        for mechanism in mechanisms:
            for theme_id in rng.sample(self.themes, min(len(self.themes), rng.randint(0, 4))):
                links.append(through(mechanism_id=mechanism.id, theme_id=theme_id))
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                valid_from = self.partial_date(1985, 2010, empty=0.3)
                names.append(MechanismName(mechanism=mechanism, name=self.name(rng.randint(1, 999)),
                                           kind=rng.choice(MechanismName.Kind.values), valid_from=valid_from,
                                           valid_until=self.later_date(valid_from)))
            for state_id, state_name in rng.sample(self.states, rng.randint(5, 52)):
                role = rng.choices([r for r, _ in _STANDING_ROLES], [w for _, w in _STANDING_ROLES])[0]
                participations.append(self._participation(mechanism, role, state_id=state_id, as_written=state_name))
            seen = set()  # a participant holds a role from a start once (the dataset format's key)
            for _ in range(rng.randint(0, 4)):
                role = rng.choice(_OTHER_ROLES)
                if rng.random() < 0.6:
                    organization = rng.choice(organizations)
                    other = self._participation(mechanism, role, organization_id=organization.id,
                                                as_written=organization.acronym)
                else:
                    state_id, state_name = rng.choice(self.states)
                    other = self._participation(mechanism, role, state_id=state_id, as_written=state_name)
                key = (other.state_id, other.organization_id, role, other.start)
                if key not in seen:
                    seen.add(key)
                    participations.append(other)
            for number in range(rng.randint(0, 11)):
                start = self.partial_date(max(1985, int(mechanism.founded[:4] or 1985)), 2025, empty=0.05)
                host_id, host_name = rng.choice(self.states)
                city = rng.choice(_CITIES)
                meetings.append(self.fill_bounds(Meeting(
                    mechanism=mechanism, slug=f"{mechanism.slug}-meeting-{number}",
                    title=self.name(number)[:400], kind=rng.choice(Meeting.Kind.values),
                    status=rng.choice(Meeting.Status.values), start=start,
                    end=self.later_date(start, empty=0.8), date_as_written=start, city=city, host_id=host_id,
                    venue_as_written=f"{city}, {host_name}", theme=self.name(number) if rng.random() < 0.3 else "",
                )))
            if self.edition:
                entries.append(ReviewEntry(
                    edition=self.edition, mechanism=mechanism, section=f"3.{rng.randint(1, 9)}.{rng.randint(1, 9)}",
                    kind=mechanism.kind, governance=mechanism.governance, region=mechanism.region,
                    background=mechanism.objectives, status=ReviewEntry.Status.APPROVED,
                ))
                if rng.random() < 0.2:
                    discrepancies.append(Discrepancy(
                        mechanism=mechanism, subject="founded", recorded=mechanism.founded,
                        recorded_source=self.edition.source, recorded_locator="Annex B", conflicting="",
                        conflicting_source=self.edition.source, conflicting_locator="section 3.1.2",
                        note="Synthetic disagreement.",
                    ))
        through.objects.bulk_create(links)
        MechanismName.objects.bulk_create(names)
        Participation.objects.bulk_create(participations, batch_size=5000)
        Meeting.objects.bulk_create(meetings, batch_size=5000)
        ReviewEntry.objects.bulk_create(entries)
        Discrepancy.objects.bulk_create(discrepancies)
        documents = [
            self.fill_bounds(Document(
                mechanism_id=meeting.mechanism_id, meeting=meeting, slug=f"{meeting.slug}-declaration",
                title=f"Declaration of {meeting.title}"[:400], kind=rng.choice(Document.Kind.values),
                date=meeting.start,
            ))
            for meeting in meetings if rng.random() < 0.2
        ]
        Document.objects.bulk_create(documents)
        if self.edition:
            citations = [citation for m in mechanisms for citation in self.mechanism_citations(m)]
            citations += [self.citation(Participation, p.id) for p in participations]
            citations += [self.citation(Meeting, m.id) for m in meetings]
            # Every document cited too: an uncited one is a data problem that stops an edition from being
            # published, so an export of these records could not be imported into a new database.
            citations += [self.citation(Document, d.id) for d in documents]
            Citation.objects.bulk_create(citations, batch_size=5000)
            counts.citations += len(citations)
        counts.participations += len(participations)
        counts.meetings += len(meetings)
        counts.documents += len(documents)

    def _participation(self, mechanism, role, **fields):
        start = self.partial_date(1985, 2013, empty=0.6)
        return self.fill_bounds(Participation(mechanism=mechanism, role=role, start=start,
                                              end=self.later_date(start, empty=0.8), **fields))


def generate(*, scale, seed, progress=None):
    """Add synthetic records at ``scale`` times the 2013 dataset; return what was written, as Counts.

    Needs the reference data (states, regions, themes, a published edition to cite); one transaction.
    """
    generator = _Generator(seed)
    if not generator.regions:
        raise ValueError("No regions: load the dataset first (manage.py import_dataset fixtures/).")
    total = max(1, round(MECHANISMS_PER_SCALE * scale))
    counts = Counts()
    with transaction.atomic():
        organizations = generator.organizations(max(3, round(3 * scale)))
        previous = []
        for start in range(0, total, CHUNK):
            mechanisms = generator.mechanisms(start, min(CHUNK, total - start), organizations, previous)
            generator.related(mechanisms, organizations, counts)
            previous = mechanisms
            counts.mechanisms += len(mechanisms)
            if progress:
                progress(counts.mechanisms, total)
    return counts


class ProgressBar:
    """A one-line progress bar on stderr: '[#####.....]  50%  1300/2600 mechanisms  12 s'."""

    def __init__(self, stream=sys.stderr, width=30):
        self.stream, self.width, self.started = stream, width, time.monotonic()

    def __call__(self, done, total):
        filled = int(self.width * done / total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {100 * done // total:3d}%  "
                          f"{done}/{total} mechanisms  {time.monotonic() - self.started:.0f} s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
