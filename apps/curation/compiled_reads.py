"""Reads whose SQL is compiled once per process, then run with each request's key.

A detail answer reads one record with every list it shows, in one query (apps/curation/related_rows.py).
That query is the same SQL for every record: only the record's key changes. Building the queryset and
compiling it to SQL costs Django more time than the database takes to answer (bench/RESULTS.md), so
``CompiledRead`` builds it once with a placeholder for the key, keeps the SQL, and puts each request's
key in the placeholder's place.

The SQL also names the content types of the records it reads the citations of; their ids can change when
a database is emptied and filled again (a test that flushes it), so the compiled SQL is kept per database
and per those ids.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

# Stands for the key while the query is compiled. No reader can send it: the query-string guard refuses
# a NUL, and no URL pattern of a key matches one.
_PLACEHOLDER = "\x00key\x00"


class CompiledRead:
    """``build(key)``: a ``values()`` queryset of ``model`` in which ``key``, if it uses it, is only ever
    compared whole (``slug=key``); ``cited()``: the models whose citations it reads (their content types
    are in its SQL)."""

    def __init__(self, model, build, *, cited=tuple):
        self.model, self.build, self.cited = model, build, cited
        self._compiled = {}

    def first(self, key=None):
        """The first row for ``key``, as the queryset's ``.first()`` would give it (a dict), or None."""
        using = router.db_for_read(self.model)
        signature = (using, *(ContentType.objects.db_manager(using).get_for_model(model).pk for model in self.cited()))
        compiled = self._compiled.get(signature) or self._compile(signature, using)
        sql, params, names, converters = compiled
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, [key if param == _PLACEHOLDER else param for param in params])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (functions, expression) in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
        return dict(zip(names, row, strict=True))

    def _compile(self, signature, using):
        queryset = self.build(_PLACEHOLDER)[:1]
        query = queryset.query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = list(compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
                          .items())
        self._compiled[signature] = compiled = (sql, tuple(params), names, converters)
        return compiled
