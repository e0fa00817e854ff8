"""Snapshots: the published dataset frozen as canonical JSON with a SHA-256 checksum.

Canonical JSON is ``json.dumps(dataset, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
encoded as UTF-8. It is written piece by piece, mechanism by mechanism, so that building a snapshot
does not hold the whole dataset in memory; the pieces join into exactly that canonical form.
"""

import datetime
import gzip
import hashlib
import io
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.dataset.assembly import FORMAT, AsOfRows, Assembly, LiveRows
from apps.reviews.models import IssuedSnapshot, ReviewEdition, Snapshot


class SnapshotRefused(Exception):
    """The snapshot cannot be made; the message says why."""


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iter_canonical_dataset(assembly, counts):
    """The public dataset as canonical JSON, in pieces; fills ``counts`` on the way."""
    yield '{"editions":' + canonical(assembly.edition_records())
    yield ',"format":' + canonical(FORMAT)
    yield ',"mechanisms":['
    for index, mechanism in enumerate(assembly.mechanism_records()):
        counts["mechanisms"] += 1
        counts["participations"] += len(mechanism["participations"])
        counts["meetings"] += len(mechanism["meetings"])
        counts["documents"] += len(mechanism["documents"])
        counts["review_entries"] += len(mechanism["review_entries"])
        yield ("," if index else "") + canonical(mechanism)
    organizations = assembly.organization_records()  # before states: organisations refer to states
    counts["organizations"] = len(organizations)
    yield '],"organizations":' + canonical(organizations)
    regions, states, themes = assembly.region_records(), assembly.state_records(), assembly.theme_records()
    sources = assembly.source_records()  # last: the sources every record written before cites
    counts["states"], counts["sources"] = len(states), len(sources)
    yield ',"regions":' + canonical(regions)
    yield ',"sources":' + canonical(sources)
    yield ',"states":' + canonical(states)
    yield ',"themes":' + canonical(themes) + "}"


@dataclass
class Frozen:
    checksum: str
    size: int
    compressed: bytes
    counts: dict


def freeze(rows=None):
    """Build the public dataset from ``rows`` (now, or a past moment) as compressed canonical JSON."""
    counts = dict.fromkeys(("mechanisms", "participations", "meetings", "documents", "review_entries"), 0)
    assembly = Assembly(rows or LiveRows(), public_only=True, all_reference=False)
    digest, size, buffer = hashlib.sha256(), 0, io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed:
        for piece in iter_canonical_dataset(assembly, counts):
            data = piece.encode("utf-8")
            digest.update(data)
            compressed.write(data)
            size += len(data)
    return Frozen(digest.hexdigest(), size, buffer.getvalue(), counts)


def content_bytes(snapshot):
    """The snapshot's canonical JSON, uncompressed."""
    return gzip.decompress(bytes(snapshot.content))


def content(snapshot):
    """The snapshot's dataset, parsed."""
    return json.loads(content_bytes(snapshot))


def current_dataset():
    """The public dataset as it is now, parsed (for comparing a snapshot with now)."""
    return json.loads(gzip.decompress(freeze().compressed))


def _unique_slug(edition, moment):
    """A slug never issued before, even to a snapshot since removed by force: a citation names one dataset."""
    base = slugify(f"{edition.slug}-{moment:%Y-%m-%d}")
    slug, number = base, 2
    while IssuedSnapshot.objects.filter(slug=slug).exists() or Snapshot.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_snapshot(*, edition, title, user=None, as_of=None):
    """Freeze the published dataset (now, or as it stood at ``as_of``) into a new snapshot of ``edition``."""
    if user is not None and not user.has_perm("reviews.add_snapshot"):
        raise SnapshotRefused(f"{user} may not make snapshots: it takes the editor role.")
    now = timezone.now()
    if as_of is not None and as_of > now:
        raise SnapshotRefused(f"{as_of:%Y-%m-%d %H:%M} is in the future; a snapshot can only hold the past.")
    moment = as_of or now
    with transaction.atomic():
        frozen = freeze(AsOfRows(moment) if as_of else LiveRows())
        snapshot = Snapshot(
            slug=_unique_slug(edition, moment), edition=edition, title=title, created_at=now, created_by=user,
            as_of=moment, checksum=frozen.checksum, size=frozen.size, counts=frozen.counts,
            content=frozen.compressed,
        )
        snapshot.save()
        IssuedSnapshot.objects.create(slug=snapshot.slug, checksum=snapshot.checksum, edition_slug=edition.slug,
                                      issued_at=now)
    return snapshot


@dataclass
class Verification:
    snapshot: Snapshot
    actual: str

    @property
    def ok(self):
        return self.actual == self.snapshot.checksum


def verify_snapshots(queryset=None):
    """Recompute the checksum of every snapshot's stored content."""
    results = []
    for snapshot in (queryset or Snapshot.objects.all()).order_by("created_at", "pk").iterator(chunk_size=10):
        try:
            actual = hashlib.sha256(content_bytes(snapshot)).hexdigest()
        except (OSError, EOFError, gzip.BadGzipFile):
            actual = "unreadable"
        results.append(Verification(snapshot, actual))
    return results


def missing_snapshots():
    """Why a snapshot that was issued, cited or published is gone or altered; empty when none is.

    Every slug ever issued must still hold its snapshot with the checksum it was issued with, and
    every published edition must hold the snapshot frozen when it was published.
    """
    present = dict(Snapshot.objects.values_list("slug", "checksum"))
    problems = []
    for issued in IssuedSnapshot.objects.order_by("issued_at", "slug"):
        if issued.slug not in present:
            problems.append(f"{issued.slug}: issued {issued.issued_at:%Y-%m-%d %H:%M} for {issued.edition_slug}, "
                            "and now MISSING")
        elif present[issued.slug] != issued.checksum:
            problems.append(f"{issued.slug}: issued with SHA-256 {issued.checksum}, now holds {present[issued.slug]}")
    for edition in ReviewEdition.published_editions.filter(published_snapshot__isnull=True).order_by("slug"):
        problems.append(f"{edition.slug}: published, but its published snapshot is MISSING")
    return problems


def parse_moment(text):
    """'2013-05-01' or '2013-05-01T12:00' (UTC unless an offset is given) -> aware datetime."""
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise SnapshotRefused(f"'{text}' is not a date or time; write it as 2013-05-01 or 2013-05-01T12:00.") from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def edition_or_refuse(slug):
    try:
        return ReviewEdition.objects.get(slug=slug)
    except ReviewEdition.DoesNotExist:
        raise SnapshotRefused(f"No edition '{slug}'.") from None
