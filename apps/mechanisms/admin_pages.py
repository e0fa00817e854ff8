"""Two admin pages for everyday participation work: turn selected participations into another role from a
date, and add participants in bulk from a pasted list of states. Both write through apps/mechanisms/services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from apps.curation.models import Citation, Source
from apps.curation.partial_dates import PartialDateFormField

from . import services
from .models import TRANSITION_RULE, Mechanism, Participation


class SourceFields(forms.Form):
    """Where the review states it, cited on every row written (as on a record's own 'sources')."""

    source = forms.ModelChoiceField(Source.objects.all(), required=False,
                                    help_text="The source that states it; cited on every new row.")
    locator = forms.CharField(max_length=Citation._meta.get_field("locator").max_length, required=False,
                              help_text="Where in that source, e.g. 'Annex B' or 'section 3.1.2'.")
    reason = forms.CharField(max_length=500, required=False, label="Reason for this change",
                             help_text="Optional. Kept in the edit history.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and not cleaned.get("locator", "").strip():
            self.add_error("locator", "Say where in the source it is stated, e.g. 'Annex B'.")
        return cleaned


class TransitionForm(SourceFields):
    role = forms.ChoiceField(choices=Participation.Role.choices, label="New role")
    on = PartialDateFormField(label="From", required=True,
                              help_text=f"The day the new role starts and the old one ends. {TRANSITION_RULE}")
    field_order = ["role", "on", "source", "locator", "reason"]


class BulkAddForm(SourceFields):
    names = forms.CharField(widget=forms.Textarea(attrs={"rows": 12, "cols": 60}), label="States",
                            help_text="One state per line (or separated by semicolons): names as the source writes "
                                      "them, former names or ISO codes ('Swaziland', 'IRN', 'Iran (Islamic "
                                      "Republic of)').")
    role = forms.ChoiceField(choices=Participation.Role.choices, initial=Participation.Role.MEMBER)
    start = PartialDateFormField(required=False, label="From")
    field_order = ["names", "role", "start", "source", "locator", "reason"]


def _refusal_lines(refusal):
    return refusal.reasons


@admin.action(description="Turn into another role from a date (ends the current role)",
              permissions=["change"])
def turn_into_another_role(model_admin, request, queryset):
    """An admin action: the selected participations end on a date and their participants take a new role
    from that same date, in one change."""
    rows = list(queryset.select_related("mechanism", "state", "organization"))
    form = TransitionForm(request.POST if "apply" in request.POST else None)
    errors = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.transition_roles(
                participations=rows, role=data["role"], on=data["on"], user=request.user, reason=data["reason"],
                source=data["source"], locator=data["locator"].strip())
        except services.ParticipationChangeRefused as refusal:
            errors = _refusal_lines(refusal)
        else:
            label = dict(Participation.Role.choices)[data["role"]].lower()
            model_admin.message_user(request, f"{len(created)} participation(s) became {label} from {data['on']}; "
                                     "the previous roles end that day.", messages.SUCCESS)
            return None
    context = {**model_admin.admin_site.each_context(request), "title": "Turn into another role from a date",
               "form": form, "rows": rows, "errors": errors, "opts": model_admin.model._meta,
               "selected": [row.pk for row in rows], "action": "turn_into_another_role"}
    return TemplateResponse(request, "admin/mechanisms/transition.html", context)


def bulk_add_view(model_admin, request, object_id):
    """Paste a list of states, see what each line matched, then confirm: nothing is saved before."""
    mechanism = get_object_or_404(Mechanism, pk=object_id)
    if not all(request.user.has_perm(perm) for perm in services.PERMISSIONS):
        raise PermissionDenied
    form = BulkAddForm(request.POST or None)
    matches, errors = [], []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = services.match_states(data["names"])
        if "confirm" in request.POST:
            try:
                created = services.bulk_add(
                    mechanism=mechanism, text=data["names"], role=data["role"], start=data["start"],
                    user=request.user, reason=data["reason"], source=data["source"], locator=data["locator"])
            except services.ParticipationChangeRefused as refusal:
                errors = _refusal_lines(refusal)
            else:
                model_admin.message_user(request, f"{len(created)} participant(s) added to {mechanism}.",
                                         messages.SUCCESS)
                return redirect(reverse("admin:mechanisms_mechanism_change", args=[mechanism.pk]))
    unmatched = [name for name, state in matches if state is None]
    context = {**model_admin.admin_site.each_context(request), "title": f"Add participants to {mechanism}",
               "mechanism": mechanism, "form": form, "matches": matches, "unmatched": unmatched,
               "errors": errors, "opts": Mechanism._meta,
               "can_confirm": bool(matches) and not unmatched and form.is_valid()}
    return TemplateResponse(request, "admin/mechanisms/bulk_add.html", context)
