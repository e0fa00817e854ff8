from django.core.management.base import BaseCommand

from apps.dataset.exporter import write_folder


class Command(BaseCommand):
    help = "Write the whole dataset as YAML files in the dataset format (see docs/dataset-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder to write; mechanism files no longer in the database are removed.")

    def handle(self, folder, **options):
        count = write_folder(folder)
        self.stdout.write(f"Wrote {count} files to {folder}.")
