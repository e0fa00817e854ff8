"""Each kind of curated record, described once: its model, its natural key, the fields that are data,
its child rows and whether it is cited.

Every feature app declares its records in its own ``records.py`` with ``register(...)``; the base loads
those modules when the apps are ready (as the admin loads ``admin.py``) and knows no app by name. The
dataset pipeline reads the descriptions: the import, the export and snapshot assembly, the data package
tables and the diff. A field added to a model reaches all of them through its declaration.
"""

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

# The kinds of value a field holds in the dataset format.
TEXT = "text"  # a string; '' when empty
CHOICE = "choice"  # one of the model field's choices
DATE = "date"  # a partial date: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; '' when unknown
DAY = "day"  # a whole date, 'YYYY-MM-DD' (a model DateField); '' when none
INTEGER = "integer"
NAMES = "names"  # a list of strings, such as an edition's authors
REF = "ref"  # another record, written as its natural key; '' when none
REFS = "refs"  # a set of other records (many-to-many), written as a sorted list of natural keys
PLACE = "place"  # a place in a source, 'harns-2013 Annex B': the model's <name>_source and
# <name>_locator, where <name> is the field's name without '_source'


@dataclass(frozen=True)
class Field:
    """One field that is data: its name is both the model field's and the key in a dataset file."""

    name: str
    kind: str = TEXT
    to: str = ""  # REF and REFS: the name of the record type referred to
    default: object = ""  # the value a file may leave out
    required: bool = False
    compared: bool = True  # part of 'what changed' between two versions of the dataset
    written_when_empty: bool = True  # False: the key is left out of a record that has no value for it
    tabled: bool = True  # a column of the record's table in the data package

    @property
    def is_reference(self):
        return self.kind in (REF, REFS)

    @property
    def place(self):
        """PLACE: the stem of the model's two fields, e.g. 'recorded' for 'recorded_source'."""
        return self.name.removesuffix("_source")


@dataclass(frozen=True)
class Children:
    """Rows that belong to a record and are written inside it, such as a mechanism's participations."""

    key: str  # their key in the owner's record, e.g. 'participations'
    record: str  # the name of their record type
    relation: str  # the owner's related manager, e.g. 'participations'


@dataclass(frozen=True)
class Sources:
    """Where a cited record's citations are written among its keys ('sources')."""

    key: str = "sources"


SOURCES = Sources()


@dataclass(frozen=True)
class Record:
    """How one kind of record is written in the dataset and read back."""

    name: str  # e.g. 'mechanism'; citations name their subject's record type this way
    model: type
    key: str  # the natural key field, e.g. 'slug' or 'alpha3'; '' when the owner and the fields identify it
    layout: tuple  # Fields, Children and SOURCES, in the order the dataset format writes a record's keys
    table: str  # the data package's table, e.g. 'mechanisms'
    description: str
    owner: str = ""  # a child record: the field that names its owner, e.g. 'mechanism'
    order: tuple = ()  # the fields records are sorted by in a file: choices by their position, references
    # by the referred record's order, anything else by its value
    label: str = ""  # how messages name one record, e.g. 'organisation'; by default the name, spaced
    table_key: tuple = ()  # the data package table's primary key, its first columns; by default the key
    search: tuple = ()  # the fields the admin's search box looks a query up in ('other_names__name' too)

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))
        if not self.table_key:
            object.__setattr__(self, "table_key", (self.key,))

    @property
    def fields(self):
        return tuple(item for item in self.layout if isinstance(item, Field))

    @property
    def children(self):
        return tuple(item for item in self.layout if isinstance(item, Children))

    @property
    def cited(self):
        return SOURCES in self.layout

    @property
    def keys(self):
        """Every key a record of this type may have in a file."""
        return tuple(item.name if isinstance(item, Field) else item.key for item in self.layout)

    def field(self, name):
        return next(f for f in self.fields if f.name == name)

    @property
    def columns(self):
        """The database columns the pipeline reads: the id, the owner's, every data field's, the order's."""
        names = ["id"]
        if self.owner:
            names.append(f"{self.owner}_id")
        for f in self.fields:
            if f.kind == REF:
                names.append(f"{f.name}_id")
            elif f.kind == PLACE:
                names += [f"{f.place}_source_id", f"{f.place}_locator"]
            elif f.kind != REFS:
                names.append(f.name)
        names += [name for name in self.order if name not in {f.name for f in self.fields}]
        return tuple(dict.fromkeys(names))

    @property
    def compared_fields(self):
        return tuple(f.name for f in self.fields if f.compared and f.name != self.key)


_records = {}


# The layout of a name over time (apps/curation/models.py NamePeriod), as every record with names writes it.
# ``language`` is written only when set, so the files of names without one stay as they were.
NAME_LAYOUT = (Field("name", required=True), Field("kind", CHOICE, default="alias"),
               Field("language", written_when_empty=False), Field("valid_from", DATE), Field("valid_until", DATE),
               SOURCES)


def register(*records):
    """Declare record types; each name once."""
    for record in records:
        if record.name in _records:
            raise ValueError(f"the record type {record.name!r} is declared twice")
        _records[record.name] = record


def record(name):
    """The description of the record type called ``name``."""
    return _records[name]


def record_of(model):
    """The description of ``model``'s records."""
    return next(r for r in _records.values() if r.model is model)


def declared_fields_of(model):
    """The declared fields of ``model``'s records; none for a model the dataset does not hold."""
    found = next((r for r in _records.values() if r.model is model), None)
    return found.fields if found else ()


def citable_keys_of(model):
    """What a citation of one of ``model``'s records may support: its data fields and its child rows
    (a mechanism's 'other_names'); none for a model the dataset does not hold."""
    found = next((r for r in _records.values() if r.model is model), None)
    return tuple(key for key in found.keys if key != SOURCES.key) if found else ()


def all_records():
    return list(_records.values())


def declare_sources():
    """The source register's own record: every source but a review edition, in ``sources.yaml`` (a review
    edition is written as its edition, in ``editions.yaml``). Declared here, once the apps are ready,
    because the base's models read this registry. Private fields (``curator_note``) are not data."""
    from .models import Source  # noqa: PLC0415  (models.py imports this module)

    if "source" in _records:
        return
    register(Record(
        "source", Source, key="slug", table="sources", order=("slug",),
        description="The sources cited, other than review editions: documents, web pages, correspondence and "
                    "datasets. A correspondence is public only by its label: its title, address and content "
                    "are private.",
        layout=(
            Field("slug", required=True), Field("kind", CHOICE, required=True), Field("title"),
            Field("authors", NAMES, default=()), Field("date", DATE), Field("language"), Field("url"),
            Field("document_type"), Field("publisher"), Field("accessed", DAY), Field("archive_url"),
            Field("correspondent"), Field("content", compared=False, tabled=False),
        ),
    ))


def load_declarations():
    """Declare the base's records and import every installed app's ``records`` module (called once the
    apps are ready)."""
    declare_sources()
    autodiscover_modules("records")
