import datetime

from django.core.management.base import CommandError

from apps.curation.commands import CuratorCommand
from apps.dataset import publishing as services
from apps.reviews.models import ReviewEdition


def _edition(slug):
    try:
        return ReviewEdition.objects.get(slug=slug)
    except ReviewEdition.DoesNotExist:
        raise CommandError(f"No edition {slug!r}.") from None


class Command(CuratorCommand):
    help = (
        "The editorial workflow of a review edition: start (a new draft edition from the previous one, its "
        "entries carried forward), submit (draft to in review), return (in review to draft), publish (in review "
        "to published, freezing its snapshot), or status (what stands in the way)."
    )
    required_permissions = (services.PUBLISH_PERMISSION,)

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "submit", "return", "publish", "status"])
        parser.add_argument("edition", help="Edition slug, e.g. 2026-annual-review.")
        start = parser.add_argument_group("start")
        start.add_argument("--from", dest="previous", metavar="SLUG", help="The edition to start from.")
        start.add_argument("--year", type=int, help="The new edition's year.")
        start.add_argument("--title", help="The new edition's title.")
        start.add_argument("--cut-off", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD",
                           help="Proposals made by the end of this day must be reviewed before publishing.")
        super().add_arguments(parser)

    def handle(self, action, edition, previous=None, year=None, title=None, cut_off=None, **options):
        try:
            if action == "start":
                self.start(edition, previous, year, title, cut_off)
                return
            edition_ = _edition(edition)
            if action == "submit":
                services.submit_for_review(edition=edition_, user=self.user)
                self.stdout.write(f"{edition} is now in review.")
            elif action == "return":
                services.return_to_draft(edition=edition_, user=self.user)
                self.stdout.write(f"{edition} is back in draft.")
            elif action == "publish":
                snapshot = services.publish_edition(edition=edition_, user=self.user)
                self.stdout.write(f"{edition} is published; snapshot {snapshot.slug}, SHA-256 {snapshot.checksum}.")
            else:
                reasons = services.publish_refusals(edition_, self.user)
                self.stdout.write("Ready to publish." if not reasons else "Not ready:\n- " + "\n- ".join(reasons))
        except services.PublishRefused as refusal:
            raise CommandError(str(refusal).replace("Publishing refused", f"{action.capitalize()} refused")) from None

    def start(self, slug, previous, year, title, cut_off):
        missing = [option for option, value in (("--from", previous), ("--year", year), ("--title", title))
                   if not value]
        if missing:
            raise CommandError(f"start needs {', '.join(missing)}.")
        new = services.start_edition(previous=_edition(previous), slug=slug, year=year, title=title,
                                     user=self.user, cut_off=cut_off)
        self.stdout.write(f"{slug} started from {previous} as a draft, with {new.entries.count()} entries to revise.")
        uncovered = [m.slug for m in services.mechanisms_without_entry(new)]
        if uncovered:
            self.stdout.write(f"Mechanisms with no entry yet ({len(uncovered)}): {', '.join(uncovered)}.")
