"""The throttle counters' cache when there is no Redis (settings.CACHES["throttle"], apps/curation/throttling.py)."""

import base64
import datetime
import itertools
import pickle

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone


class CounterDatabaseCache(DatabaseCache):
    """The throttle counters' cache when there is no Redis: Django's database cache, but a counter is
    written in one statement (an upsert) instead of five (a count of the whole table, a transaction, a
    look-up, an update or insert), on every counted request.

    Rows of counters past their time are deleted every ``CLEAN_EVERY`` writes of a process; a live counter
    is never removed to make room (past 300 rows, Django's removes a third of them, live ones included: a
    busy site would forget clients' counts and let them past their rate).
    """

    CLEAN_EVERY = 200

    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = itertools.count(1)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        connection = connections[router.db_for_write(self.cache_model_class)]
        expires = (datetime.datetime.max if timeout is None else
                   datetime.datetime.fromtimestamp(timeout, tz=datetime.UTC if settings.USE_TZ else None))
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        table, key_column, value_column, expires_column = (connection.ops.quote_name(name) for name in (
            self._table, "cache_key", "value", "expires"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}", [key, encoded, expires])
            if next(self._writes) % self.CLEAN_EVERY == 0:
                now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
                cursor.execute(f"DELETE FROM {table} WHERE {expires_column} < %s", [now])
