from django.core.management.base import CommandError

from apps.curation.commands import CuratorCommand
from apps.curation.models import ChangeSet
from apps.dataset.importer import IMPORT_PERMISSIONS, DatasetError, held_editions, import_dataset, read_folder
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
        parser.add_argument(
            "--if-new-edition", action="store_true",
            help="Import only while the database holds none of the editions the folder brings: a data update that "
                 "comes with its edition is imported once, not again over later edits.",
        )
        super().add_arguments(parser)

    def handle(self, folder, reason="", dry_run=False, if_empty=False, if_new_edition=False, verbosity=1,
               **options):
        if if_empty and Mechanism.objects.exists():
            self.stdout.write("The database already holds data; the dataset was not imported again.")
            return
        try:
            files = read_folder(folder)
            if if_new_edition and (held := held_editions(files)):
                self.stdout.write(f"The database already holds {', '.join(held)}; {folder} was not imported again.")
                return
            report = import_dataset(files, user=self.user, reason=reason or f"Dataset import from {folder}",
                                    dry_run=dry_run)
        except DatasetError as error:
            raise CommandError(
                f"Import refused; nothing was written. {len(error.errors)} problem(s):\n  "
                + "\n  ".join(error.errors)
            ) from None
        if verbosity > 1 or dry_run:
            for change in report.changes:
                self.stdout.write(f"  {change}")
        self.stdout.write(report.summary())
