"""Public reads go to a read replica, everything else to the primary.

A request is a public read when the public cache middleware (apps/curation/http_cache.py) says so: an
anonymous GET or HEAD of the public API or pages. Inside it, reads go to the alias named by
``settings.PUBLIC_READ_DATABASE`` (``replica`` when ``DATABASE_REPLICA_URL`` is set, else ``default``).
Curator requests, the admin, imports, snapshots, commands and every write go to ``default``, the
primary: a curator reads what they just wrote, and the optimistic version check reads the primary.

The data version is read through the same route as the data, so a replica that lags behind answers
with its own, older version and its own, older data: consistent, never mixed.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_public_read = ContextVar("public_read", default=False)


@contextmanager
def public_reads():
    """Mark everything read inside the block as a public read."""
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label == "django_cache":  # throttle counters: read where they are written
            return DEFAULT_DB_ALIAS
        alias = settings.PUBLIC_READ_DATABASE
        return alias if _public_read.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica gets its schema by replication
