"""The editors' review of proposed changes, in the admin: the differences, the conflicts, approve, reject,
withdraw, and a preview of the public page with the change applied. Every action calls apps/curation/proposals.py,
which checks the role."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import path, resolve, reverse

from . import proposals
from .models import ChangeSet


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
    return {
        "proposal": change_set,
        "proposed_items": proposals.described(change_set),
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
