"""The base of management commands that change curated data: they act as a named user.

The user's permissions are checked like in the admin, and every change the command makes lands in
the edit history under that user, in one change set of kind 'command' (or the kind the command says).
A user who may not approve changes (a curator) gets a proposal for review instead (apps/curation/proposals.py);
so does an editor who asks for one with ``--propose``, to have the change reviewed by another editor.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from . import proposals
from .history import recording
from .models import ChangeSet


class CuratorCommand(BaseCommand):
    change_set_kind = ChangeSet.Kind.COMMAND
    # Permissions the acting user needs, e.g. ("reviews.add_snapshot",); checked before anything runs.
    required_permissions = ()

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True,
                            help="Username the command acts as; its permissions apply and the history names it.")
        parser.add_argument("--reason", default="", help="Why; kept in the edit history.")
        parser.add_argument("--propose", action="store_true",
                            help="Record the changes as a proposal for an editor's review, even when the user could "
                                 "approve them; a curator's changes are always proposed.")

    def acting_user(self, username):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None
        missing = [perm for perm in self.required_permissions if not user.has_perm(perm)]
        if missing:
            raise CommandError(f"{username} lacks the permission(s) {', '.join(missing)} this command needs.")
        return user

    def execute(self, *args, **options):
        if options.get("user") is None:
            return super().execute(*args, **options)
        self.user = self.acting_user(options["user"])
        with recording(kind=self.change_set_kind, user=self.user, reason=options.get("reason", "")):
            if not (options.get("propose") or proposals.needs_review(self.user)):
                return super().execute(*args, **options)
            # A curator's command proposes its changes: they wait for an editor, like an admin save.
            with proposals.capturing(self.user, kind=self.change_set_kind) as capture:
                output = super().execute(*args, **options)
        if capture.change_set is not None:
            proposal = proposals.without_repeat(capture.change_set)
            self.stdout.write(f"Proposed for review as change set {proposal.pk}: nothing is applied until an editor "
                              "approves it." if proposal == capture.change_set else
                              f"Proposed for review as change set {proposal.pk} already: nothing new was proposed.")
        return output
