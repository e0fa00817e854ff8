"""The data version: one number for the whole public dataset, bumped in the same transaction as every write.

Every public response is validated (ETag, Last-Modified) and cached server-side by this version
(apps/curation/http_cache.py), so any write to curated data, wherever it comes from (the admin, an
import, a revert, a snapshot, the editorial workflow), invalidates every public answer at once. The bump
is an update of one row inside the writer's own transaction: it becomes visible exactly when the data
does, and a rolled-back write leaves the version as it was.

A transaction that writes many records bumps once (its first write), not once per record: nobody else
can see its intermediate states. When the same connection reads the version in between (a test, or a
request that writes then reads), the next write bumps again, so no state it could observe shares a
version with another.

``changed_at`` moves forward by at least one whole second at each bump: Last-Modified has a resolution
of one second, and two versions in the same second would make If-Modified-Since answer 304 for the
second one.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .compiled_reads import CompiledRead

ONE_SECOND = datetime.timedelta(seconds=1)
_MARK = "_data_version_bumped_in"  # on a connection: run_on_commit list of the transaction that bumped


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime.datetime

    @property
    def token(self):
        """Names this state of the data: the number, and the moment (a rolled-back bump may reuse a number)."""
        return f"{self.number}-{self.changed_at.timestamp():.6f}"


class DataVersion(models.Model):
    """The version of the whole public dataset: one row, bumped by every write to curated data.

    Public responses are validated (ETag, Last-Modified) and cached server-side by this version, so a
    write anywhere invalidates every public answer at once (apps/curation/data_version.py bumps it).
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"data version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


# Every public request reads the version, a 304 or a kept answer included: its SQL is compiled once.
_CURRENT = CompiledRead(DataVersion, lambda key: DataVersion.objects.filter(pk=1).values("number", "changed_at"))


def current():
    """The version of the data this request reads (from the database public reads are routed to)."""
    row = _CURRENT.first()
    # Whatever this connection writes next is a new state for whoever reads it: bump again.
    setattr(connections[router.db_for_write(DataVersion)], _MARK, None)
    if row is None:  # a database flushed by hand or by a test; the next write creates the row
        return Version(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    return Version(**row)


def bump(using=None):
    """Move the data version on, inside the current transaction of ``using`` (once per transaction)."""
    model = DataVersion
    using = using or router.db_for_write(model)
    connection = connections[using]
    if connection.in_atomic_block and getattr(connection, _MARK, None) is connection.run_on_commit:
        return
    with transaction.atomic(using=using, savepoint=False):
        now = timezone.now()
        row = model.objects.using(using).select_for_update().filter(pk=1).values_list("number", "changed_at").first()
        if row is None:
            model.objects.using(using).create(pk=1, number=1, changed_at=now)
        else:
            number, changed_at = row
            # At least the next whole second; the microseconds of now keep each bump's moment its own.
            next_second = changed_at.replace(microsecond=now.microsecond) + ONE_SECOND
            model.objects.using(using).filter(pk=1).update(number=number + 1, changed_at=max(now, next_second))
    if connection.in_atomic_block:
        setattr(connection, _MARK, connection.run_on_commit)


def _on_write(sender, using=None, **kwargs):
    bump(using)


def _on_m2m_change(sender, action, using=None, **kwargs):
    if action.startswith("post_"):
        bump(using)


def public_models():
    """Every model whose rows are part of the public dataset (or decide what of it is public).

    Each says so with ``bumps_data_version = True``: every curated model does.
    """
    return [model for model in apps.get_models() if getattr(model, "bumps_data_version", False)]


def connect_signals():
    """Bump on every save and delete of a public model, and every change of their many-to-many links."""
    for model in public_models():
        uid = f"data-version-{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_m2m_change, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
