from django.core.management.base import CommandError

from apps.curation.commands import CuratorCommand
from apps.curation.models import ChangeSet
from apps.dataset.importer import IMPORT_PERMISSIONS, DatasetError, import_dataset, read_folder
from apps.mechanisms.models import Mechanism


class Command(CuratorCommand):
    help = "Import a folder of dataset YAML files (see docs/dataset-format.md). Atomic and idempotent."
    change_set_kind = ChangeSet.Kind.IMPORT
    required_permissions = IMPORT_PERMISSIONS

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder holding regions.yaml, …, and mechanisms/*.yaml")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Import only into a database that holds no mechanism yet (first start of a new site).",
        )
        super().add_arguments(parser)

    def handle(self, folder, reason="", dry_run=False, if_empty=False, verbosity=1, **options):
        if if_empty and Mechanism.objects.exists():
            self.stdout.write("The database already holds data; the dataset was not imported again.")
            return
        try:
            report = import_dataset(
                read_folder(folder), user=self.user, reason=reason or f"Dataset import from {folder}",
                dry_run=dry_run,
            )
        except DatasetError as error:
            raise CommandError(
                f"Import refused; nothing was written. {len(error.errors)} problem(s):\n  "
                + "\n  ".join(error.errors)
            ) from None
        if verbosity > 1 or dry_run:
            for change in report.changes:
                self.stdout.write(f"  {change}")
        self.stdout.write(report.summary())
