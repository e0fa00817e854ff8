"""The editors' review of proposed changes, in the admin: the differences, the conflicts, approve, reject,
withdraw, and a preview of the public page with the change applied; and a record's change form as proposals
shape it (one's own pending proposal shown and edited in place, "Save and approve" for editors). Every action
calls apps/curation/proposals.py, which checks the role."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import path, resolve, reverse
from django.utils.html import format_html, format_html_join

from . import change_reading, proposals
from .models import ChangeSet

# The change form's button by which an editor or an administrator saves and approves at once, with a reason.
SAVE_AND_APPROVE = "_saveandapprove"


def _change_set_url(change_set):
    return reverse("admin:curation_changeset_change", args=[change_set.pk])


def _rows_key(change_set):
    return f"proposal-{change_set.pk}-new-rows"


def edit_record(request, model, object_id, render, extra_context=None):
    """A record's change (or add) form, where proposals decide what a save does.

    - Someone with a pending proposal of their own on the record sees the proposed values, and saving goes on
      editing that proposal (the same change set) instead of making a second one.
    - Other people's pending proposals on the record are named in a notice.
    - A save is a proposal for review; an editor or administrator may "Save and approve" instead, with a reason
      (``proposals.approving_own`` refuses a curator, whatever the form posts).

    ``render(extra_context)`` runs the admin's own change form view.
    """
    user = request.user
    own, others = None, []
    pk = _as_pk(object_id)
    if pk is not None:
        for change_set in proposals.pending_on(model, pk):
            if change_set.user_id == user.pk:
                own = change_set  # the latest of one's own
            else:
                others.append(change_set)
    context = {**(extra_context or {}), "can_save_and_approve": proposals.can_approve(user)}
    rows = request.session.get(_rows_key(own)) if own is not None else None
    if request.method != "POST":
        return _open(request, own, others, rows, lambda: render(context))
    if SAVE_AND_APPROVE in request.POST:
        reason = request.POST.get("change_reason", "").strip()
        with proposals.approving_own(user, reason):
            if own is not None:
                proposals.approve(own, user, reason, force=True, new_pks=rows)
            response = render(context)
            if not _is_redirect(response):  # the form refused the save: nothing of it, nor of the proposal
                transaction.set_rollback(True)
        if own is not None and _is_redirect(response):
            messages.success(request, f"Your proposal (change set {own.pk}) is approved and applied with this save.")
        return response
    if proposals.needs_review(user):  # a curator's request is already captured as a whole (ChangeSetMiddleware)
        _revise(own, user, rows)
        return render(context)
    with proposals.capturing(user) as capture:
        _revise(own, user, rows)
        response = render(context)
    if capture.change_set is None:
        return response
    return proposed(request, response, capture.change_set)


def _revise(own, user, rows):
    if own is None:
        return
    try:
        proposals.revising(own, user, new_pks=rows)
    except proposals.ProposalRefused:
        pass  # the form said so when it was opened; this save is then a proposal of its own


def _as_pk(object_id):
    try:
        return int(object_id)
    except (TypeError, ValueError):
        return None


def _is_redirect(response):
    return response.status_code in {301, 302, 303}


def _open(request, own, others, rows, render):
    """Show the form; with one's own proposal applied (inside a transaction rolled back) when there is one."""
    if others:
        links = format_html_join(", ", '<a href="{}">change set {}</a> by {} ({} UTC)', (
            (_change_set_url(c), c.pk, c.user or "an unknown user", f"{c.created_at:%Y-%m-%d %H:%M}") for c in others))
        messages.warning(request, format_html("Pending proposals of other people change this record too: {}. "
                                              "They are not shown here.", links))
    if own is None:
        return render()
    conflicts = proposals.conflicts_of(own.changes)
    with transaction.atomic():
        try:
            with transaction.atomic():
                new_rows = proposals.apply_items(own.changes, force=True, new_pks=rows)
        except proposals.ProposalRefused as refusal:
            new_rows = {}
            messages.error(request, f"Your proposal no longer applies as it stands ({refusal}): the approved values "
                           "are shown, and saving makes a new proposal. Withdraw the old one.")
        else:
            messages.info(request, format_html(
                'You are editing your proposal, <a href="{}">change set {}</a>, which awaits review: the form shows '
                "your proposed values, and saving updates the same proposal.", _change_set_url(own), own.pk))
            if conflicts:
                messages.warning(request, "Since you proposed it, someone changed: " + "; ".join(
                    f"{c['record']}: {c['field']} (you propose '{c['proposed']}', now '{c['current']}')"
                    for c in conflicts))
        response = render()
        if hasattr(response, "render"):
            response.render()
        transaction.set_rollback(True)
    if new_rows:
        request.session[_rows_key(own)] = new_rows
    return response


def proposed(request, response, change_set):
    """The save went to the review queue: say so instead of 'changed successfully', and show the proposal."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        storage._queued_messages = [m for m in storage._queued_messages if m.level != messages.SUCCESS]
    if change_set.state == ChangeSet.State.WITHDRAWN:
        messages.info(request, f"Your proposal (change set {change_set.pk}) no longer changes anything: it is "
                      "withdrawn.")
    elif getattr(change_set, "revised", False):
        messages.info(request, f"Your proposal (change set {change_set.pk}) is updated; it still awaits review.")
    else:
        messages.info(request, f"Your change is proposed for review (change set {change_set.pk}): the public "
                      "sees it once an editor approves it.")
    if _is_redirect(response):
        return HttpResponseRedirect(_change_set_url(change_set))
    return response


def urls(site):
    def view(function, name):
        return path(f"<int:pk>/{name}/", site.admin_view(function), name=f"curation_changeset_{name}")

    return [view(approve_view, "approve"), view(reject_view, "reject"), view(withdraw_view, "withdraw"),
            view(preview_view, "preview")]


def count_on_index(site):
    """The admin's front page says how many changes await review."""
    index = site.index

    def index_with_count(request, extra_context=None):
        return index(request, {"pending_review": proposals.pending().count(), **(extra_context or {})})

    site.index = index_with_count


def context(request, change_set):
    """What the change set's page shows about it as a proposal."""
    if not change_set.changes:
        return {}
    is_pending = change_set.state == ChangeSet.State.PENDING
    items = change_reading.described(change_set)
    return {
        "proposal": change_set,
        "proposed_items": items,
        "proposed_groups": change_reading.grouped(items),
        "conflicts": proposals.conflicts_of(change_set.changes) if is_pending else [],
        "overlapping": proposals.overlapping(change_set) if is_pending else [],
        "can_review": is_pending and proposals.can_approve(request.user),
        "can_withdraw": is_pending and change_set.user_id == request.user.pk,
        "preview_url": reverse("admin:curation_changeset_preview", args=[change_set.pk]) if is_pending else "",
    }


def _back(change_set):
    return HttpResponseRedirect(reverse("admin:curation_changeset_change", args=[change_set.pk]))


def _posted(request, pk):
    if request.method != "POST":
        return None
    return get_object_or_404(ChangeSet, pk=pk)


def approve_view(request, pk):
    change_set = _posted(request, pk)
    if change_set is None:
        return HttpResponseNotAllowed(["POST"])
    others = proposals.overlapping(change_set) if proposals.can_approve(request.user) else []
    try:
        proposals.approve(change_set, request.user, request.POST.get("review_comment", "").strip(),
                          force=request.POST.get("force") == "on")
    except proposals.ProposalConflict as conflict:
        messages.error(request, f"Nothing was applied. {conflict} Tick 'apply the proposed values over the newer "
                       "ones' to approve it anyway, or reject it.")
    except proposals.ProposalRefused as refusal:
        messages.error(request, f"Nothing was applied. {refusal}")
    else:
        messages.success(request, f"Approved and applied change set {change_set.pk}.")
        for other in others:
            messages.warning(request, f"Change set {other.pk} by {other.user} changes the same fields: it now "
                             "conflicts with what you approved. Review it: approve it over this change, or reject it.")
    return _back(change_set)


def reject_view(request, pk):
    change_set = _posted(request, pk)
    if change_set is None:
        return HttpResponseNotAllowed(["POST"])
    try:
        proposals.reject(change_set, request.user, request.POST.get("review_comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except proposals.ProposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Rejected change set {change_set.pk}; the approved data are unchanged.")
    return _back(change_set)


def withdraw_view(request, pk):
    change_set = _posted(request, pk)
    if change_set is None:
        return HttpResponseNotAllowed(["POST"])
    try:
        proposals.withdraw(change_set, request.user)
    except proposals.ProposalRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Withdrew change set {change_set.pk}.")
    return _back(change_set)


class _Rollback(Exception):
    pass


def preview_view(request, pk):
    """The public page of the proposal's first record, rendered with the change applied, then rolled back."""
    change_set = get_object_or_404(ChangeSet, pk=pk, state=ChangeSet.State.PENDING)
    if not request.user.has_perm("curation.view_changeset"):
        raise PermissionDenied
    response = None
    try:
        with transaction.atomic():
            proposals.apply_items(change_set.changes, force=True)
            response = _public_page(change_set)
            raise _Rollback
    except _Rollback:
        pass
    if response is None:
        raise Http404("This change has no public page to preview.")
    response["Cache-Control"] = "private, no-store"
    return response


def _public_page(change_set):
    """Render (inside the caller's transaction) the public page of the first record that has one."""
    for item in change_set.changes:
        if item["pk"] is None:
            continue
        obj = apps.get_model(item["model"])._base_manager.filter(pk=item["pk"]).first()
        url = getattr(obj, "get_absolute_url", None)
        if obj is None or url is None:
            continue
        match = resolve(url())
        request = RequestFactory().get(url())
        request.user = AnonymousUser()
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
        return response
    return None
