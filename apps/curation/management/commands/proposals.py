"""Review proposed changes from the command line, through the same services and role checks as the admin.

    manage.py proposals list [--state pending]
    manage.py proposals show ID
    manage.py proposals approve ID --user NAME [--comment TEXT] [--force]
    manage.py proposals reject ID --user NAME --comment TEXT
    manage.py proposals withdraw ID --user NAME
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.curation import change_reading, proposals
from apps.curation.models import ChangeSet

ACTIONS = ("list", "show", "approve", "reject", "withdraw")


class Command(BaseCommand):
    help = "List, show, approve, reject or withdraw proposed changes (change sets awaiting review)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("id", nargs="?", type=int, help="The change set (not for 'list').")
        parser.add_argument("--user", help="Who acts (approve, reject, withdraw): their role is checked.")
        parser.add_argument("--comment", default="", help="The review comment; a rejection needs one.")
        parser.add_argument("--force", action="store_true",
                            help="Approve over fields someone changed since the proposal was made.")
        parser.add_argument("--state", default=ChangeSet.State.PENDING, choices=ChangeSet.State.values,
                            help="Which change sets 'list' shows (default: pending).")

    def handle(self, action, id=None, user=None, comment="", force=False, state=None, **options):
        if action == "list":
            return self.list(state)
        if id is None:
            raise CommandError(f"'{action}' needs the change set's id: manage.py proposals {action} ID.")
        change_set = ChangeSet.objects.select_related("user", "reviewer").filter(pk=id).first()
        if change_set is None or not change_set.changes:
            raise CommandError(f"No proposed change set {id}: 'manage.py proposals list' shows them.")
        if action == "show":
            return self.show(change_set)
        acting = self.acting_user(user, action)
        try:
            if action == "approve":
                proposals.approve(change_set, acting, comment, force=force)
            elif action == "reject":
                proposals.reject(change_set, acting, comment)
            else:
                proposals.withdraw(change_set, acting)
        except PermissionDenied as refusal:
            raise CommandError(f"{acting} may not {action} change set {id}: {refusal}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except proposals.ProposalConflict as conflict:
            raise CommandError(f"Nothing was applied. {conflict} Approve with --force to apply the proposed values "
                               "over the newer ones, or reject it.") from None
        except proposals.ProposalRefused as refusal:
            raise CommandError(f"Nothing was changed. {refusal}") from None
        change_set.refresh_from_db()
        self.stdout.write(f"Change set {id} is {change_set.get_state_display().lower()}.")
        return None

    @staticmethod
    def acting_user(username, action):
        if not username:
            raise CommandError(f"'{action}' needs --user: the person who acts (their role is checked).")
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None

    def list(self, state):
        found = ChangeSet.objects.filter(state=state).select_related("user").order_by("created_at", "pk")
        rows = [change_set for change_set in found if change_set.changes]
        if not rows:
            self.stdout.write(f"No change set is {ChangeSet.State(state).label.lower()}.")
        for change_set in rows:
            records = len(change_set.changes)
            self.stdout.write(f"{change_set.pk}\t{change_set.created_at:%Y-%m-%d %H:%M} UTC\t"
                              f"{change_set.user or '(unknown)'}\t{records} record{'s' if records != 1 else ''}\t"
                              f"{change_set.reason}")

    def show(self, change_set):
        self.stdout.write(f"Change set {change_set.pk}: {change_set.get_state_display()}, proposed by "
                          f"{change_set.user or 'an unknown user'} on {change_set.created_at:%Y-%m-%d %H:%M} UTC")
        if change_set.reason:
            self.stdout.write(f"Why: {change_set.reason}")
        if change_set.reviewer:
            self.stdout.write(f"Reviewed by {change_set.reviewer}: {change_set.review_comment}")
        for item in change_reading.described(change_set):
            where = f" #{item['pk']}" if item["pk"] else ""
            self.stdout.write(f"{item['action']} {item['model']}{where} {item['name']}".rstrip())
            for label, before, after in item["fields"]:
                self.stdout.write(f"  {label}: {before} -> {after}")
        if change_set.state == ChangeSet.State.PENDING:
            for conflict in proposals.conflicts_of(change_set.changes):
                self.stdout.write(f"Conflict: {conflict['record']}: {conflict['field']}: proposed "
                                  f"'{conflict['proposed']}', now '{conflict['current']}'")
