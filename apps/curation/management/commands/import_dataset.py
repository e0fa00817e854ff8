from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.curation.dataset.importer import DatasetError, import_dataset, read_folder
from apps.mechanisms.models import Mechanism


class Command(BaseCommand):
    help = "Import a folder of dataset YAML files (see docs/dataset-format.md). Atomic and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder holding regions.yaml, …, and mechanisms/*.yaml")
        parser.add_argument("--user", help="Username the changes are recorded under in the edit history.")
        parser.add_argument("--reason", default="", help="Why this import is made; kept in the edit history.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Import only into a database that holds no mechanism yet (first start of a new site).",
        )

    def handle(self, folder, user=None, reason="", dry_run=False, if_empty=False, verbosity=1, **options):
        if if_empty and Mechanism.objects.exists():
            self.stdout.write("The database already holds data; the dataset was not imported again.")
            return
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        try:
            files = read_folder(folder)
            report = import_dataset(
                files, user=actor, reason=reason or f"Dataset import from {folder}", dry_run=dry_run
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
