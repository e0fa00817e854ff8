from django.core.management.base import BaseCommand, CommandError

from apps.dataset import quality


class Command(BaseCommand):
    help = (
        "List every data-quality problem: blocking ones (which stop publishing) first, then warnings and "
        "notes, each with the admin page where it is fixed. Exits non-zero when anything blocks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--blocking-only", action="store_true", help="Show only what blocks publishing.")

    def handle(self, blocking_only=False, **options):
        problems = quality.blocking_problems() if blocking_only else quality.run_checks()
        for problem in problems:
            self.stdout.write(f"[{problem.severity}] {problem.check}: {problem.record}: {problem.message}"
                              f" -> {problem.admin_url}")
        counts = {severity: sum(p.severity == severity for p in problems)
                  for severity in (quality.BLOCKING, quality.WARNING, quality.NOTE)}
        self.stdout.write(", ".join(f"{count} {severity}" for severity, count in counts.items()))
        if counts[quality.BLOCKING]:
            raise CommandError(f"{counts[quality.BLOCKING]} blocking problem(s): fix them before publishing.")
