"""The base of every curator admin page: edit history with diffs and revert, a change reason, citations."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from apps.reviews.models import Citation

from .history import current_change_set
from .models import ChangeSet


class ChangeReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for this change",
        help_text="Optional. Kept in the edit history with your change, e.g. 'Corrected per Annex B'.",
        widget=forms.TextInput(attrs={"size": 80}),
    )


class CitationInline(GenericTabularInline):
    model = Citation
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("edition", "locator", "covers", "position")
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources (where the review says it)"


class CuratedAdmin(SimpleHistoryAdmin):
    """Admin for a curated model. Every save lands in the history with the curator and the reason."""

    form = ChangeReasonForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    history_list_display = ["history_change_reason"]
    readonly_fields = ("version",)
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        # The reason goes last, next to the save buttons.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "change_reason"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, ("Why", {"fields": ["change_reason"]})]

    def save_model(self, request, obj, form, change):
        change_set = current_change_set()
        reason = form.cleaned_data.get("change_reason", "") if hasattr(form, "cleaned_data") else ""
        if change_set is not None and reason:
            change_set.reason = reason
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        change_set = current_change_set()
        if change_set is not None and request.method == "POST":
            change_set.kind = ChangeSet.Kind.REVERT
            history = self.model.history.model.objects.filter(history_id=version_id).first()
            if history is not None and not request.POST.get("change_reason"):
                change_set.reason = f"Reverted to the version of {history.history_date:%Y-%m-%d %H:%M} UTC"
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ChangeSet)
class ChangeSetAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "reason")
    list_filter = ("kind",)
    search_fields = ("reason", "user__username")
    readonly_fields = ("created_at", "kind", "user", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
