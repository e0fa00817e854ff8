"""The base of every curator admin page: edit history with diffs and revert, a change reason, citations."""

from collections import defaultdict

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from .admin_citing import CitationForm
from .citations import follow_changes
from .history import current_change_set
from .models import ChangeSet, Citation, CitedModel, ConcurrentEditError, Source, repeated_citations
from .records import PLACE, declared_fields_of
from .sources import publish_registered


def changes_since(instance, version):
    """Readable lines: what other people changed in ``instance`` after ``version``, from its history."""
    records = list(instance.history.filter(version__gte=version).order_by("history_date", "history_id"))
    lines = []
    for previous, record in zip(records, records[1:], strict=False):
        who = record.history_user or "an import or a command"
        when = record.history_date.strftime("%Y-%m-%d %H:%M")
        delta = record.diff_against(previous)
        changed = "; ".join(f"{change.field}: {change.old!r} → {change.new!r}" for change in delta.changes
                            if change.field != "version")
        lines.append(f"{who} at {when} UTC: {changed or 'saved without visible changes'}"
                     + (f" (reason: {record.history_change_reason})" if record.history_change_reason else ""))
    if not records:
        lines.append("The record was deleted or replaced.")
    return lines


class VersionedForm(forms.ModelForm):
    """Carries the version the curator opened, and refuses the save if the record changed since.

    The refusal re-displays the curator's own input with what the other person changed, and takes the
    new version, so that saving again is a deliberate decision made with both changes in view.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            version = self.instance.version
            if getattr(self.instance, "_history", None) is not None:  # a revert form shows an old version
                version = type(self.instance)._base_manager.filter(pk=self.instance.pk).values_list(
                    "version", flat=True).first()
            self.fields["expected_version"].initial = version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if not self.instance.pk or expected is None:
            return cleaned
        model = type(self.instance)
        current = model._base_manager.filter(pk=self.instance.pk).first()
        if current is not None and current.version != expected:
            theirs, both = self._merge(expected, current)
            raise forms.ValidationError(
                [f"Someone else saved this {model._meta.verbose_name} while you were editing it, so nothing has "
                 "been saved yet. What they changed:", *changes_since(self.instance, expected),
                 *([f"Their values are now in the form for: {', '.join(theirs)}."] if theirs else []),
                 *([f"You both changed {', '.join(both)}: your values are kept; check them against theirs."]
                   if both else []),
                 "Your other changes are kept. Save again to apply them."],
                code="stale_version",
            )
        self.instance.expected_version = expected
        return cleaned

    def _merge(self, expected, current):
        """Three-way merge into the re-displayed form: what the curator left alone takes the other person's
        new value; what both changed keeps the curator's. Returns (fields taken from them, fields both changed)."""
        record = self.instance.history.filter(version=expected).first()
        base = record.instance if record is not None else None
        data = self.data.copy()
        theirs, both = [], []
        for name in self.fields:
            try:
                model_field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not model_field.concrete or model_field.many_to_many or name not in self.cleaned_data:
                continue
            mine = _form_text(model_field, self.cleaned_data[name])
            now = _form_text(model_field, model_field.value_from_object(current))
            before = _form_text(model_field, model_field.value_from_object(base)) if base is not None else now
            if now == before or mine == now:
                continue
            if mine == before:
                data[self.add_prefix(name)] = now
                theirs.append(str(model_field.verbose_name))
            else:
                both.append(str(model_field.verbose_name))
        data[self.add_prefix("expected_version")] = current.version
        self.data = data
        return theirs, both


def _form_text(model_field, value):
    """A field's value as a form would submit it, for comparing versions."""
    if isinstance(value, models.Model):
        value = value.pk
    return "" if value is None else str(value)


class ChangeReasonForm(VersionedForm):
    change_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for this change",
        help_text="Optional. Kept in the edit history with your change, e.g. 'Corrected per Annex B'.",
        widget=forms.TextInput(attrs={"size": 80}),
    )


class CuratedInline(admin.TabularInline):
    """An inline of curated rows: each row carries its version, like a record's own page."""

    form = VersionedForm
    extra = 0

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "expected_version"]
        return [*fields, "expected_version"]


class CitationFormSet(BaseGenericInlineFormSet):
    """The citations of one record, checked together: a source is cited once for a field."""

    def clean(self):
        super().clean()
        kept = [form.instance for form in self.forms
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
                and form.cleaned_data.get("source")]
        for message in repeated_citations(kept):
            raise forms.ValidationError(message)


class CitationInline(GenericTabularInline):
    """The citations of the record's current values; superseded ones are listed below them."""

    model = Citation
    form = CitationForm
    formset = CitationFormSet
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ("source", "new_web_page", "locator", "quotation", "covers", "position")
    autocomplete_fields = ("source",)
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "sources (where a source says it)"

    def get_queryset(self, request):
        return super().get_queryset(request).current()


class SupersededCitationInline(GenericTabularInline):
    """Citations that supported values a curator has since changed, with the values they stated."""

    model = Citation
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = readonly_fields = ("source", "locator", "covers", "superseded_values", "superseded_at")
    extra = 0
    can_delete = False
    verbose_name = "superseded citation"
    verbose_name_plural = "superseded citations (they supported earlier values)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(superseded_at__isnull=False)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


_added_inlines = defaultdict(list)


def add_inline(model, inline):
    """Show ``inline`` on ``model``'s admin page: how an app adds its rows to a record of an app below it
    (the meetings app, a mechanism's meetings). They come before the citations, which stay last."""
    _added_inlines[model].append(inline)


class CuratedAdmin(SimpleHistoryAdmin):
    """Admin for a curated model. Every save lands in the history with the curator and the reason."""

    form = ChangeReasonForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    history_list_display = ["history_change_reason"]
    readonly_fields = ("version",)
    save_on_top = True

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        at = next((i for i, inline in enumerate(inlines) if issubclass(inline, CitationInline)), len(inlines))
        if at < len(inlines):
            inlines.insert(at + 1, SupersededCitationInline)
        return [*inlines[:at], *_added_inlines[self.model], *inlines[at:]]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        # A field the record's declaration adds (records.py) shows up even where the page lists its fields.
        shown = {name for _title, options in fieldsets for name in flatten(options["fields"])}
        missing = [f.name for f in declared_fields_of(self.model)
                   if f.kind != PLACE and f.name not in shown and self.model._meta.get_field(f.name).editable]
        if missing:
            fieldsets.append(("More", {"fields": missing}))
        # The reason goes last, next to the save buttons.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "change_reason"]})
            for name, options in fieldsets
        ]
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "expected_version"]})
            for name, options in fieldsets
        ]
        return [*fieldsets, ("Why", {"fields": ["change_reason", "expected_version"]})]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConcurrentEditError as error:
            # Two saves raced between the form's check and the database: nothing was written.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        change_set = current_change_set()
        reason = form.cleaned_data.get("change_reason", "") if hasattr(form, "cleaned_data") else ""
        if change_set is not None and reason:
            change_set.reason = reason
        before = type(obj)._base_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        if isinstance(obj, CitedModel):
            follow_changes(before, obj)  # citations of the values changed no longer apply to them

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        change_set = current_change_set()
        if change_set is not None and request.method == "POST":
            change_set.kind = ChangeSet.Kind.REVERT
            history = self.model.history.model.objects.filter(history_id=version_id).first()
            if history is not None and not request.POST.get("change_reason"):
                change_set.reason = f"Reverted to the version of {history.history_date:%Y-%m-%d %H:%M} UTC"
        return super().history_form_view(request, object_id, version_id, extra_context)


def change_set_records(change_set):
    """Every history record of one change set, across all curated models, with what each changed."""
    records = []
    for model in django_apps.get_models():
        if getattr(model._meta, "simple_history_manager_attribute", None) != "history":
            continue
        for record in model.history.filter(change_set=change_set).select_related("history_user").order_by("history_id"):
            changes = []
            if record.history_type == "~" and record.prev_record is not None:
                changes = [(c.field, c.old, c.new) for c in record.diff_against(record.prev_record).changes
                           if c.field != "version"]
            records.append({"model": model._meta.verbose_name, "record": str(record.instance),
                            "action": record.get_history_type_display(), "changes": changes,
                            "url": _change_url(model, record)})
    return records


def _change_url(model, record):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.id])
    except NoReverseMatch:
        return ""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are looked at, never added, changed or deleted in the admin (change sets, snapshots)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeSet)
class ChangeSetAdmin(ReadOnlyAdmin):
    """Every edit, import and revert; opening one lists all the records it changed."""

    list_display = ("created_at", "kind", "user", "reason")
    list_filter = ("kind",)
    search_fields = ("reason", "user__username")
    readonly_fields = ("created_at", "kind", "user", "reason")
    change_form_template = "admin/curation/changeset.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change_set = self.get_object(request, object_id)
        records = change_set_records(change_set) if change_set else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "records": records})



admin.site.index_template = "admin/curation/index.html"
admin.site.site_header = "Regional consultation mechanisms: curation"
admin.site.site_title = "Curation"


class LinesField(forms.CharField):
    """A list of names typed one per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class SourceForm(ChangeReasonForm):
    authors = LinesField(required=False, help_text="One name per line, in the order printed.")


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    """The source register: what citations point to. A review edition's source follows its edition."""

    form = SourceForm
    list_display = ("slug", "title", "kind", "date", "is_public")
    list_filter = ("kind", "is_public")
    search_fields = ("slug", "title", "authors", "url", "publisher", "correspondent")
    readonly_fields = ("version", "is_public")
    fieldsets = (
        (None, {"fields": ("slug", "kind", "title", "authors", "date", "language", "url", "is_public")}),
        ("A document", {"fields": ("document_type",)}),
        ("A web page", {"fields": ("publisher", "accessed", "archive_url")}),
        ("Correspondence", {"fields": ("correspondent", "content")}),
        ("Private", {"fields": ("curator_note", "last_verified", "version")}),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.kind == Source.Kind.REVIEW_EDITION:  # kept in step with its edition
            return [*self.readonly_fields, "slug", "kind", "title", "authors", "date", "url"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        publish_registered(obj)
        super().save_model(request, obj, form, change)
