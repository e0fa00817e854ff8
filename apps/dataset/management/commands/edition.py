from django.core.management.base import CommandError

from apps.curation.commands import CuratorCommand
from apps.dataset import publishing as services
from apps.reviews.models import ReviewEdition


class Command(CuratorCommand):
    help = (
        "The editorial workflow of a review edition: submit (draft to in review), return (in review to draft), "
        "publish (in review to published, freezing its snapshot), or status (what stands in the way)."
    )
    required_permissions = (services.PUBLISH_PERMISSION,)

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["submit", "return", "publish", "status"])
        parser.add_argument("edition", help="Edition slug, e.g. 2026-annual-review.")
        super().add_arguments(parser)

    def handle(self, action, edition, **options):
        try:
            edition_ = ReviewEdition.objects.get(slug=edition)
        except ReviewEdition.DoesNotExist:
            raise CommandError(f"No edition {edition!r}.") from None
        try:
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
            raise CommandError(str(refusal)) from None
