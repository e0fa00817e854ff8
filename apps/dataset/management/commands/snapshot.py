import json
from pathlib import Path

from django.core.management.base import CommandError

from apps.curation.commands import CuratorCommand
from apps.dataset import exports, snapshots
from apps.dataset.diff import compare
from apps.reviews.models import Snapshot


class Command(CuratorCommand):
    help = (
        "Review snapshots. create: freeze the published dataset (now, or --as-of a past moment); "
        "verify: recompute every checksum; list; export one in a format; diff two (or one and 'current')."
    )
    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Freeze a snapshot of the published dataset.")
        create.add_argument("--edition", required=True, help="Edition slug, e.g. harns-2013.")
        create.add_argument("--title", required=True)
        create.add_argument("--as-of", help="Rebuild the data as it stood then, e.g. 2013-05-01 or 2013-05-01T12:00.")
        create.add_argument("--if-missing", action="store_true",
                            help="Do nothing if the edition already has a snapshot.")
        create.add_argument("--user", required=True, help="Editor the snapshot is made by.")
        create.add_argument("--reason", default="")
        sub.add_parser("verify", help="Recompute every snapshot's checksum; exit non-zero on any mismatch, or when "
                                      "a snapshot once issued or published is missing.")
        sub.add_parser("list", help="List snapshots.")
        export = sub.add_parser("export", help="Write one export of a snapshot.")
        export.add_argument("slug")
        export.add_argument("--format", choices=sorted(exports.FORMATS), required=True)
        export.add_argument("--output", required=True, help="File to write.")
        diff = sub.add_parser("diff", help="What changed between two snapshots, or a snapshot and now.")
        diff.add_argument("old")
        diff.add_argument("new", help="A snapshot slug, or 'current' for the data as it is now.")
        diff.add_argument("--json", action="store_true", dest="as_json", help="Print the diff as JSON.")

    def handle(self, action, **options):
        return getattr(self, f"handle_{action}")(**options)

    def handle_create(self, edition, title, as_of=None, if_missing=False, **options):
        try:
            edition_ = snapshots.edition_or_refuse(edition)
            if if_missing and edition_.snapshots.exists():
                self.stdout.write(f"{edition} already has a snapshot; none made.")
                return
            moment = snapshots.parse_moment(as_of) if as_of else None
            snapshot = snapshots.create_snapshot(edition=edition_, title=title, user=self.user, as_of=moment)
        except snapshots.SnapshotRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"Snapshot {snapshot.slug}: {snapshot.counts['mechanisms']} mechanisms, "
                          f"{snapshot.size} bytes, SHA-256 {snapshot.checksum}")

    def handle_verify(self, **options):
        results = snapshots.verify_snapshots()
        for result in results:
            state = "ok" if result.ok else f"MISMATCH (stored {result.snapshot.checksum}, content {result.actual})"
            self.stdout.write(f"{result.snapshot.slug}: {state}")
        missing = snapshots.missing_snapshots()
        for problem in missing:
            self.stdout.write(problem)
        bad = [r for r in results if not r.ok]
        if bad or missing:
            raise CommandError(f"{len(bad)} of {len(results)} snapshots fail verification; "
                               f"{len(missing)} issued or published snapshot(s) missing or altered.")
        self.stdout.write(f"All {len(results)} snapshots verified.")

    def handle_list(self, **options):
        for snapshot in Snapshot.objects.select_related("edition").order_by("created_at"):
            self.stdout.write(f"{snapshot.slug}\t{snapshot.edition.slug}\t{snapshot.created_at:%Y-%m-%d %H:%M}\t"
                              f"{snapshot.checksum}\t{snapshot.title}")

    def _snapshot(self, slug):
        try:
            return Snapshot.objects.select_related("edition").get(slug=slug)
        except Snapshot.DoesNotExist:
            raise CommandError(f"No snapshot {slug!r}.") from None

    def handle_export(self, slug, format, output, **options):
        result = exports.export(self._snapshot(slug), format)
        Path(output).write_bytes(result.data)
        self.stdout.write(f"Wrote {output} ({len(result.data)} bytes).")

    def handle_diff(self, old, new, as_json=False, **options):
        comparison = compare(self._snapshot(old), new if new == "current" else self._snapshot(new))
        if as_json:
            self.stdout.write(json.dumps(comparison.changes, indent=2, ensure_ascii=False))
            return
        sections = comparison.sections
        if not sections:
            self.stdout.write("No changes.")
        for heading, lines in sections:
            self.stdout.write(heading)
            for line in lines:
                self.stdout.write(f"  - {line}")
