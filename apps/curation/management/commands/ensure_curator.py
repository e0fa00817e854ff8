import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from apps.curation.roles import ROLES


class Command(BaseCommand):
    help = (
        "Make sure a local curator account exists, with the curator, editor and administrator roles. On first "
        "creation (or with --reset) a random password is generated and printed once; none is fixed anywhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="curator")
        parser.add_argument("--reset", action="store_true", help="Generate and print a new password.")

    def handle(self, username, reset=False, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.groups.add(*Group.objects.filter(name__in=ROLES))
        if created or reset:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Curator account {'created' if created else 'reset'}: "
                    f"username '{username}', password '{password}' (shown once; "
                    f"run `manage.py ensure_curator --reset` for a new one)."
                )
            )
        else:
            self.stdout.write(
                f"Curator account '{username}' exists. Its password was printed when it was created; "
                f"`manage.py ensure_curator --reset` prints a new one."
            )
