from django.core.management.base import BaseCommand, CommandError

from apps.dataset.synthetic import ProgressBar, generate


class Command(BaseCommand):
    help = (
        "Add synthetic records at a scale factor of the 2013 dataset (x1: about 26 mechanisms, 800 "
        "participations, 147 meetings), for measuring speed. Deterministic for a seed; needs the reference "
        "data loaded. Synthetic rows carry no edit history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True, help="e.g. 10, 100 or 1000.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same records (and slugs: run "
                                                               "each seed once per database).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, scale, seed, quiet=False, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        try:
            counts = generate(scale=scale, seed=seed, progress=None if quiet else ProgressBar(self.stderr))
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Added {counts.mechanisms} mechanisms, {counts.participations} participations, "
                          f"{counts.meetings} meetings, {counts.documents} documents, {counts.citations} citations.")
