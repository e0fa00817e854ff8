"""A record's related rows, read in the same query as the record: one JSON column per relation.

A detail answer shows a record with several lists of related rows (a mechanism's participations, names,
documents...). Prefetching them costs a query per list; ``RelatedRows`` instead adds each list to the
record's own query as a correlated subquery that the database turns into one JSON array of rows, in the
list's order. The JSON is built with each database's own functions (``json_agg`` on PostgreSQL,
``json_group_array`` on SQLite) and decoded here, so a detail takes one query whatever it shows.

    Mechanism.objects.annotate(names=RelatedRows(
        MechanismName.objects.filter(mechanism=OuterRef("pk")).values_list("name", "kind")))
    ... rows(mechanism["names"]) == [["Bali Process", "short"], ...]

The rows keep the queryset's ordering (its ``order_by``, else the model's): the database reads the ordered
subquery and aggregates it in that order. Values arrive as JSON gives them: text, numbers, null, and dates
as ISO strings; a boolean is ``true`` on PostgreSQL but ``1`` on SQLite, so select none.
"""

import json

from django.db.models import Subquery, TextField

_FUNCTIONS = {  # vendor: (aggregate, array of a row's values, cast of the result to text)
    "postgresql": ("JSON_AGG", "JSON_BUILD_ARRAY", "::text"),
    "sqlite": ("JSON_GROUP_ARRAY", "JSON_ARRAY", ""),
}


class RelatedRows(Subquery):
    """The rows of ``queryset`` (a ``values_list``, usually correlated by ``OuterRef``) as one JSON array of
    arrays, in the queryset's order: ``[]`` when there are none."""

    def __init__(self, queryset):
        super().__init__(queryset, output_field=TextField())

    def as_sql(self, compiler, connection, template=None, **extra_context):
        aggregate, array, cast = _FUNCTIONS[connection.vendor]
        inner = self.query.get_compiler(connection=connection)
        inner_sql, params = inner.as_sql(with_col_aliases=True)
        columns = ", ".join(f"_rows.{connection.ops.quote_name(alias)}" for _, _, alias in inner.select)
        sql = f"(SELECT COALESCE({aggregate}({array}({columns})), '[]'){cast} FROM ({inner_sql}) _rows)"
        return sql, params


def rows(value):
    """The rows a ``RelatedRows`` column holds, as lists of values."""
    return json.loads(value) if value else []
