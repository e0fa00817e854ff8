"""The states app's records in the dataset (apps/curation/records.py)."""

from apps.curation.records import CHOICE, NAME_LAYOUT, REF, SOURCES, Children, Field, Record, register

from .models import Organization, OrganizationName, State, StateName

register(
    Record(
        "state", State, key="alpha3", table="states", order=("alpha3",),
        search=("name", "official_name", "alpha3", "alpha2", "names__name"),
        description="States referred to by the dataset (ISO 3166-1).",
        layout=(Field("alpha3", required=True), Field("alpha2"), Field("numeric"), Field("name"),
                Field("official_name"), Field("kind", CHOICE, default="sovereign"), Field("sovereign", REF, to="state"),
                Field("note"), Children("names", "state_name", "names"), SOURCES),
    ),
    Record(
        "state_name", StateName, key="name", owner="state", table="state_names", table_key=("state", "name"),
        order=("valid_from", "name"),
        description="Former names and other names of states.", layout=NAME_LAYOUT,
    ),
    Record(
        "organization", Organization, key="slug", table="organizations", order=("slug",), label="organisation",
        search=("name", "acronym", "slug", "other_names__name"),
        description="Organisations, blocs and cooperation frameworks.",
        layout=(Field("slug", required=True), Field("acronym"), Field("name"), Field("kind", CHOICE),
                Field("state", REF, to="state"), Field("parent", REF, to="organization"), Field("website"),
                Children("other_names", "organization_name", "other_names"), SOURCES),
    ),
    Record(
        "organization_name", OrganizationName, key="name", owner="organization", table="organization_names",
        label="organisation name", table_key=("organization", "name"),
        order=("valid_from", "name"), description="Other names of organisations.", layout=NAME_LAYOUT,
    ),
)
