"""The base of every curator admin page: edit history with diffs and revert, a change reason, citations."""

from collections import defaultdict

from django import forms
from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from . import accounts, change_reading, people, proposals, review, timeline  # noqa: F401  (they register the team's accounts and roles)
from .admin_citing import CitationForm
from .citations import CitingRefused, follow_changes
from .history import current_change_set
from .models import ChangeSet, Citation, CitedModel, ConcurrentEditError, Source, repeated_citations
from .records import PLACE, declared_fields_of
from .sources import publish_registered

# Form fields that carry bookkeeping, not data: they never make a row "changed".
BOOKKEEPING_FIELDS = frozenset({"expected_version", "change_reason"})


def display_value(model_field, value):
    """A stored value as a curator reads it: a choice by its label, a related record by its name."""
    if value in (None, ""):
        return "(empty)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.many_to_many:
        return ", ".join(str(item) for item in value) or "(none)"
    if model_field.is_relation and not isinstance(value, models.Model):
        value = model_field.related_model._base_manager.filter(pk=value).first() or value
    return str(value)


def _form_text(model_field, value):
    """A field's value as a form would submit it, for comparing versions."""
    if model_field.many_to_many:
        return sorted(str(item.pk if isinstance(item, models.Model) else item) for item in value or ())
    if isinstance(value, models.Model):
        value = value.pk
    return "" if value is None else str(value)


def _stored_value(model_field, instance, record=None):
    """The value of a field in a row, or in the historical ``record`` of it (for many-to-many fields)."""
    if model_field.many_to_many:
        if record is not None:
            target = model_field.related_model._meta.model_name
            return list(getattr(record, model_field.name).values_list(f"{target}_id", flat=True))
        return [item.pk for item in getattr(instance, model_field.name).all()]
    return model_field.value_from_object(instance)


class VersionedForm(forms.ModelForm):
    """Carries the version the curator opened, and saves only what the curator changed.

    When someone else saved the record since it was opened, the curator's changes are compared with
    theirs field by field: fields only one of them changed are merged (the save goes through, keeping
    both); a field both changed to different values refuses the save, names that field with both values,
    and re-displays the form with the other person's changes merged into the fields the curator left
    alone and the new version, so that saving again is a deliberate decision.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Inline rows the curator did not touch are neither validated nor saved (CuratedInline sets it).
    skip_untouched = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.merged_from_others = []  # labels of fields taken from someone else's newer save
        if self.instance.pk and not self.is_bound:
            version = self.instance.version
            if self._is_historical():  # a revert form shows an old version
                version = type(self.instance)._base_manager.filter(pk=self.instance.pk).values_list(
                    "version", flat=True).first()
            self.fields["expected_version"].initial = version
        for name, field in self.fields.items():
            _know_selected(field.widget, self.instance, name)

    def _is_historical(self):
        return getattr(self.instance, "_history", None) is not None

    @property
    def deleted_elsewhere(self):
        """The history record of this row's deletion, when someone deleted it after the curator opened it."""
        return getattr(self.instance, "_deleted_elsewhere", None)

    def _posted_version(self):
        try:
            return int(self["expected_version"].data)
        except (TypeError, ValueError):
            return None

    def _current_version(self):
        if self._is_historical():
            return type(self.instance)._base_manager.filter(pk=self.instance.pk).values_list(
                "version", flat=True).first()
        # A bound form's instance was just loaded from the database: its version is the current one.
        return getattr(self.instance, "_loaded_version", self.instance.version)

    @cached_property
    def _opened(self):
        """(version, history record) the curator opened, when someone has saved the row since; else None."""
        if not self.is_bound or not self.instance.pk or self.deleted_elsewhere is not None:
            return None
        expected = self._posted_version()
        if expected is None or expected == self._current_version():
            return None
        record = (self.instance.history.filter(version=expected).exclude(history_type="-")
                  .order_by("-history_date", "-history_id").first())
        return expected, record

    def _model_field(self, name):
        try:
            field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return field if (field.concrete or field.many_to_many) else None

    @cached_property
    def changed_data(self):
        """What the curator changed: against the version they opened, bookkeeping fields left out."""
        opened = self._opened
        changed = []
        for name, bound in self._bound_items():
            if name in BOOKKEEPING_FIELDS:
                continue
            model_field = self._model_field(name)
            if opened is None or opened[1] is None or model_field is None:
                if bound._has_changed():
                    changed.append(name)
                continue
            before = _stored_value(model_field, opened[1].instance, opened[1])
            if isinstance(before, models.Model):
                before = before.pk
            if bound.field.has_changed(before, bound.data):
                changed.append(name)
        return changed

    def full_clean(self):
        if self.is_bound and self.deleted_elsewhere is not None:
            return self._clean_deleted_row()
        if self.is_bound and self.skip_untouched and self.instance.pk and not self.has_changed():
            # An untouched row is not saved: nothing to validate, and no query spent on it.
            self._errors, self.cleaned_data = ErrorDict(), {}
            return None
        return super().full_clean()

    def _clean_deleted_row(self):
        self._errors, self.cleaned_data = ErrorDict(), {}
        if self.has_changed() and not self._ticked_delete():
            record = self.deleted_elsewhere
            who = record.history_user or "an import or a command"
            self.add_error(None, forms.ValidationError(
                f"{who} deleted this {self.instance._meta.verbose_name} at {record.history_date:%Y-%m-%d %H:%M} UTC, "
                "while you were editing it, so your changes to it cannot be saved. Tick 'Delete' to let it go "
                "(your other changes are kept), or add it again as a new row.", code="deleted_elsewhere"))
        return None

    def _ticked_delete(self):
        return "DELETE" in self.fields and self.fields["DELETE"].clean(self["DELETE"].data)

    def clean(self):
        cleaned = super().clean()
        expected = self._posted_version()
        if not self.instance.pk or expected is None:
            return cleaned
        if self._opened is None:
            self.instance.expected_version = expected
            return cleaned
        current_version = self._current_version()
        current = self.instance if not self._is_historical() else type(self.instance)._base_manager.filter(
            pk=self.instance.pk).first()
        if current is None:
            return cleaned
        both = self._merge(current)
        if both:
            model = type(self.instance)
            who = self._who_since(self._opened[0])
            raise forms.ValidationError(
                [f"{who} saved this {model._meta.verbose_name} ('{current}') while you were editing it, and changed "
                 "the same fields as you, so nothing has been saved yet:",
                 *(f"{label}: yours is '{mine}', theirs is '{theirs}'." for label, mine, theirs in both),
                 "Your values are kept in the form, and their changes to other fields are merged in. Save again "
                 "to apply yours, or change them."],
                code="stale_version",
            )
        self.instance.expected_version = current_version
        return cleaned

    def _who_since(self, version):
        users = {str(record.history_user or "an import or a command")
                 for record in self.instance.history.filter(version__gt=version).select_related("history_user")}
        return " and ".join(sorted(users)) or "Someone else"

    def _merge(self, current):
        """Three-way merge of the curator's changes with the newer saved row. Fields only the other person
        changed take their value (in cleaned_data, and in the re-displayed form); returns [(label, mine,
        theirs)] for the fields both changed to different values."""
        _version, record = self._opened
        mine = set(self.changed_data)
        data = self.data.copy()
        both = []
        for name in self.fields:
            model_field = self._model_field(name)
            if model_field is None or (name not in self.cleaned_data and name not in mine):
                continue
            now = _stored_value(model_field, current)
            before = _stored_value(model_field, record.instance, record) if record is not None else now
            if _form_text(model_field, now) == _form_text(model_field, before):
                continue  # they did not change it
            if name not in mine:
                self.cleaned_data[name] = self._as_cleaned(model_field, current, now)
                self._put_in_data(data, name, model_field, now)
                self.merged_from_others.append(str(model_field.verbose_name))
            elif _form_text(model_field, self.cleaned_data.get(name)) != _form_text(model_field, now):
                both.append((str(model_field.verbose_name).capitalize(),
                             display_value(model_field, self.cleaned_data.get(name)),
                             display_value(model_field, getattr(current, name) if model_field.is_relation
                                           and not model_field.many_to_many else now)))
        data[self.add_prefix("expected_version")] = str(self._current_version())
        self.data = data
        return both

    @staticmethod
    def _as_cleaned(model_field, current, value):
        if model_field.many_to_many:
            return model_field.related_model._base_manager.filter(pk__in=value)
        if model_field.is_relation:
            return getattr(current, model_field.name)
        return value

    def _put_in_data(self, data, name, model_field, value):
        key = self.add_prefix(name)
        if model_field.many_to_many:
            data.setlist(key, [str(item) for item in value])
        else:
            data[key] = "" if value is None else str(value)


class ChangeReasonForm(VersionedForm):
    change_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for this change",
        help_text="Kept in the edit history with your change, e.g. 'Corrected per Annex B'. Optional for a "
                  "proposal; required to save and approve at once.",
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def clean(self):
        cleaned = super().clean()
        if review.SAVE_AND_APPROVE in self.data and not (cleaned.get("change_reason") or "").strip():
            self.add_error("change_reason", "Say why you approve your own change without review: the history "
                                            "keeps the reason.")
        return cleaned


class KnownAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that shows the record already loaded with the row instead of querying for it:
    a page of fifty participations then costs no query per row."""

    known = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.known or not selected or not selected <= set(self.known):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected):
            option = self.create_option(name, self.known[key].pk, self.choices.field.label_from_instance(
                self.known[key]), selected, len(default[1]))
            default[1].append(option)
        return [default]


def _know_selected(widget, instance, name):
    """Give a KnownAutocompleteSelect the related record the row already holds."""
    inner = getattr(widget, "widget", widget)
    if not isinstance(inner, KnownAutocompleteSelect):
        return
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return
    if model_field.is_cached(instance) and getattr(instance, name) is not None:
        related = getattr(instance, name)
        inner.known = {str(related.pk): related}


class SharedChoicesMixin:
    """The choices of a plain select (e.g. a citation's edition) are read once per formset, not once per row."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                    getattr(field.widget, "widget", field.widget), (AutocompleteSelect, forms.HiddenInput)):
                if name not in shared:
                    shared[name] = list(field.choices)
                field.choices = shared[name]
        return form


class CuratedInlineFormSet(SharedChoicesMixin, BaseInlineFormSet):
    """Rows of curated records under their parent: only the rows the curator touched are validated and saved,
    and a row someone else deleted meanwhile is reported as such instead of blocking the save."""

    def _existing_object(self, pk):
        found = super()._existing_object(pk)
        if found is not None or pk in (None, ""):
            return found
        record = self.model.history.filter(**{self.model._meta.pk.attname: pk}).order_by(
            "-history_date", "-history_id").first()
        if record is None or record.history_type != "-":
            return None
        gone = record.instance
        gone._state.adding = False  # it was a stored row: its form keeps its id
        gone._deleted_elsewhere = record
        return gone

    def get_queryset(self):
        # The admin pairs each posted row with the stored rows by position: once the rows are built, pair them
        # with their own records, so that a row deleted meanwhile is still shown, with its error.
        if self.is_bound and "forms" in self.__dict__:
            return [form.instance for form in self.initial_forms]
        return super().get_queryset()

    @property
    def deleted_elsewhere(self):
        """The rows of this page that someone else deleted while the curator had it open."""
        return [form.instance for form in self.initial_forms if form.deleted_elsewhere is not None]

    def save_existing_objects(self, commit=True):
        self.changed_objects, self.deleted_objects = [], []
        saved = []
        to_delete = self.deleted_forms
        for form in self.initial_forms:
            obj = form.instance
            if obj.pk is None or form.deleted_elsewhere is not None:
                continue
            if form in to_delete:
                self.deleted_objects.append(obj)
                self.delete_existing(obj, commit=commit)
            elif form.has_changed():
                self.changed_objects.append((obj, form.changed_data))
                saved.append(self.save_existing(form, obj, commit=commit))
                if not commit:
                    self.saved_forms.append(form)
        return saved


class CuratedInlineForm(VersionedForm):
    skip_untouched = True


class NameListField(forms.CharField):
    """A list of names (an edition's or a source's authors), typed one per line, stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class CuratedInline(admin.TabularInline):
    """An inline of curated rows: each row carries its version, like a record's own page; untouched rows are
    not saved."""

    form = CuratedInlineForm
    formset = CuratedInlineFormSet
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "expected_version"]
        return [*fields, "expected_version"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget = formfield.widget.widget  # one line per row: no add/change/view icons under a box
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CitationFormSet(SharedChoicesMixin, BaseGenericInlineFormSet):
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
    formset = CitationFormSet
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


def add_inline(model, inline, *, before=None):
    """Show ``inline`` on ``model``'s admin page: how an app adds its rows to a record of an app below it
    (the meetings app, a mechanism's meetings). It comes before the inline ``before``, by default before
    the citations, which stay last."""
    _added_inlines[model].append((inline, before or CitationInline))


class CuratedAdmin(SimpleHistoryAdmin):
    """Admin for a curated model. Every save lands in the history with the curator and the reason."""

    form = ChangeReasonForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    history_list_display = ["history_change_reason"]
    readonly_fields = ("version",)
    # Fields only the workflow services move (statuses): a save or a revert keeps their current values.
    workflow_fields = ()
    save_on_top = True

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        for added, before in _added_inlines[self.model]:
            at = next((i for i, inline in enumerate(inlines) if issubclass(inline, before)), len(inlines))
            inlines.insert(at, added)
        at = next((i for i, inline in enumerate(inlines) if issubclass(inline, CitationInline)), None)
        if at is not None:
            inlines.insert(at + 1, SupersededCitationInline)
        return inlines

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

    def timeline_sources(self, obj):
        """The history shown on a record's history page: its own, and that of the rows that belong to it
        [(model, filter on the model's history)]; a model's admin adds its inline rows."""
        return [(self.model, {"id": obj.pk}), *citation_sources({self.model: [obj.pk]})]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_history_or_change_history_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        sources = self.timeline_sources(obj)
        entries = timeline.build(sources)
        opts = self.model._meta
        for entry in entries:
            entry.revert_url = entry.change_url = ""
            if entry.model is self.model and entry.record.id == obj.pk and entry.action != "Deleted":
                entry.revert_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                                           args=[obj.pk, entry.record.history_id])
            elif not entry.restorable and entry.action != "Deleted":
                entry.change_url = _change_url(entry.model, entry.record)
            entry.model_key = entry.model._meta.label_lower
        context = {**self.admin_site.each_context(request), "title": f"History of {obj}", "entries": entries,
                   "object": obj, "opts": opts, "kinds": sorted({e.model._meta.verbose_name_plural for e in entries}),
                   "has_change_permission": self.has_change_permission(request, obj), **(extra_context or {})}
        return TemplateResponse(request, "admin/curation/timeline.html", context)

    def restore_view(self, request, object_id, model_key, history_id):
        obj = self.get_object(request, object_id)
        if request.method != "POST" or obj is None:
            return HttpResponseRedirect(reverse(f"admin:{self.model._meta.app_label}_"
                                                f"{self.model._meta.model_name}_history", args=[object_id]))
        sources = [(model, filters) for model, filters in self.timeline_sources(obj)
                   if model._meta.label_lower == model_key]
        if not sources:
            raise PermissionDenied
        within = Q()
        for _model, filters in sources:  # only a row shown on this page's timeline
            within |= Q(**filters)
        try:
            restored = timeline.restore(sources[0][0], history_id, user=request.user, within=within)
        except timeline.RestoreRefused as refusal:
            self.message_user(request, f"Nothing was restored. {refusal}", messages.ERROR)
        else:
            self.message_user(request, f"Restored the {restored._meta.verbose_name} '{restored}'; the restore is "
                              "recorded in the history.", messages.SUCCESS)
        return HttpResponseRedirect(reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}"
                                            "_history", args=[obj.pk]))

    def get_urls(self):
        opts = self.model._meta
        restore = self.admin_site.admin_view(self.restore_view)
        return [path("<path:object_id>/history/restore/<str:model_key>/<int:history_id>/", restore,
                     name=f"{opts.app_label}_{opts.model_name}_restore"), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        def render(context):
            return super(CuratedAdmin, self).changeform_view(request, object_id, form_url, context)

        if object_id is not None:
            opts = self.model._meta
            extra_context = {**(extra_context or {}), "record_changes_url": reverse(
                "admin:curation_changeset_changelist") + f"?record={opts.app_label}.{opts.model_name}:{object_id}"}
        try:
            return review.edit_record(request, self.model, object_id, render, extra_context)
        except ConcurrentEditError as error:
            # Two saves raced between the form's check and the database: nothing was written.
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        except CitingRefused as refusal:
            # A citation checked with the form was refused when saved (someone cited the same place meanwhile).
            self.message_user(request, f"Nothing was saved. {refusal}", messages.ERROR)
            return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        return super().response_add(self._stay_after_approving(request), obj, post_url_continue)

    def response_change(self, request, obj):
        return super().response_change(self._stay_after_approving(request), obj)

    @staticmethod
    def _stay_after_approving(request):
        """After "Save and approve" the editor stays on the record, as after "Save and continue editing"."""
        if review.SAVE_AND_APPROVE in request.POST and "_addanother" not in request.POST:
            request.POST = request.POST.copy()
            request.POST["_continue"] = "1"
        return request

    def save_model(self, request, obj, form, change):
        change_set = current_change_set()
        reason = form.cleaned_data.get("change_reason", "") if hasattr(form, "cleaned_data") else ""
        if change_set is not None and reason:
            change_set.reason = reason
        if change and self.workflow_fields:
            current = type(obj)._base_manager.filter(pk=obj.pk).values(*self.workflow_fields).first() or {}
            for name, value in current.items():
                setattr(obj, self.model._meta.get_field(name).attname, value)
        if change and not form.has_changed() and not getattr(request, "_curation_revert", False):
            obj._history_user = request.user
            return  # nothing of the record itself changed: no new version, no history record
        before = type(obj)._base_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        if isinstance(obj, CitedModel):
            follow_changes(before, obj)  # citations of the values changed no longer apply to them
        if getattr(form, "merged_from_others", None):
            self.message_user(request, f"Someone else changed {', '.join(form.merged_from_others)} of this "
                              f"{obj._meta.verbose_name} while you were editing it; their changes are kept with "
                              "yours.", messages.WARNING)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if hasattr(formset, "save_citations"):  # the citations asked for in a table's rows (CitingInline)
            formset.save_citations(request.user)
        for row in getattr(formset, "deleted_elsewhere", ()):
            record = row._deleted_elsewhere
            self.message_user(request, f"{record.history_user or 'Someone else'} deleted the "
                              f"{row._meta.verbose_name} '{row}' while you were editing; it stays deleted. Your "
                              "other changes are saved.", messages.WARNING)
        merged = [f"'{f.instance}' ({', '.join(f.merged_from_others)})" for f in formset.forms
                  if getattr(f, "merged_from_others", None)]
        if merged:
            self.message_user(request, "Someone else changed these rows while you were editing; their changes "
                              f"are kept with yours: {'; '.join(merged)}.", messages.WARNING)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        change_set = current_change_set()
        request._curation_revert = True
        if change_set is not None and request.method == "POST":
            change_set.kind = ChangeSet.Kind.REVERT
            history = self.model.history.model.objects.filter(history_id=version_id).first()
            if history is not None and not request.POST.get("change_reason"):
                change_set.reason = f"Reverted to the version of {history.history_date:%Y-%m-%d %H:%M} UTC"
        return super().history_form_view(request, object_id, version_id, extra_context)


def citation_sources(ids_by_model):
    """The history of the citations of the given rows: [(Citation, filter)] for each kind of row."""
    return [(Citation, {"content_type": ContentType.objects.get_for_model(model), "object_id__in": list(ids)})
            for model, ids in ids_by_model.items()]


def change_set_records(change_set):
    """Every history record of one change set, across all curated models, with what each changed. A few
    queries per kind of record, whatever the number of rows (an import writes thousands)."""
    records = []
    for model in django_apps.get_models():
        if getattr(model._meta, "simple_history_manager_attribute", None) != "history":
            continue
        rows = list(model.history.filter(change_set=change_set).order_by("history_id"))
        if not rows:
            continue
        previous = _previous_versions(model, rows)
        current = change_reading.records_named(model, {row.id for row in rows})
        for record in rows:
            changes = []
            before = previous.get(record.history_id)
            if record.history_type == "~" and before is not None:
                changes = [(c.field, c.old, c.new) for c in record.diff_against(before).changes
                           if c.field != "version"]
            named = current.get(record.id)
            records.append({"model": model._meta.verbose_name,
                            "record": str(named) if named is not None else str(record.instance),
                            "action": record.get_history_type_display(), "changes": changes,
                            "url": _change_url(model, record)})
    return records


def _previous_versions(model, rows):
    """{history id: the version of the same record just before it}, in one query."""
    earlier = defaultdict(list)
    for version in model.history.filter(id__in={row.id for row in rows},
                                        history_id__lt=rows[-1].history_id).order_by("history_id"):
        earlier[version.id].append(version)
    previous = {}
    for row in rows:
        versions = [v for v in earlier[row.id] if v.history_id < row.history_id]
        if versions:
            previous[row.history_id] = versions[-1]
    return previous


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


class RecordFilter(admin.SimpleListFilter):
    """The change sets of one record (``?record=mechanisms.mechanism:12``, the link on the record's page): those
    recorded in its history or in the history of its rows (as its history page shows them), and the proposals,
    whatever their state, that change it or its rows."""

    title = "record"
    parameter_name = "record"

    def _record(self, model_admin):
        try:
            label, pk = self.value().rsplit(":", 1)
            model = django_apps.get_model(label)
            pk = int(pk)
        except (LookupError, ValueError):
            raise IncorrectLookupParameters(f"Unknown record {self.value()!r}.") from None
        return model, pk, model._base_manager.filter(pk=pk).first(), model_admin.admin_site._registry.get(model)

    def lookups(self, request, model_admin):
        if not self.value():
            return []
        model, pk, obj, _admin = self._record(model_admin)
        return [(self.value(), f"{model._meta.verbose_name} '{obj}'" if obj else f"{model._meta.verbose_name} #{pk}")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        model, pk, obj, record_admin = self._record(self.model_admin)
        if obj is not None and isinstance(record_admin, CuratedAdmin):
            sources = record_admin.timeline_sources(obj)
        elif getattr(model._meta, "simple_history_manager_attribute", None) == "history":
            sources = [(model, {"id": pk})]
        else:
            sources = []
        ids = set()
        for source, filters in sources:
            ids.update(source.history.filter(**filters).exclude(change_set=None).values_list("change_set", flat=True))
        proposed = ChangeSet.objects.exclude(state=ChangeSet.State.APPLIED).only("pk", "changes")
        ids.update(change_set.pk for change_set in proposed if proposals.touches(change_set, model, pk))
        return queryset.filter(pk__in=ids)

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)


@admin.register(ChangeSet)
class ChangeSetAdmin(ReadOnlyAdmin):
    """Every edit, import and revert; opening one lists all the records it changed. A proposal (a change
    waiting for review) shows its field-level differences, and editors approve or reject it here."""

    list_display = ("created_at", "kind", "state", "user", "reason", "reviewer")
    list_filter = ("state", "kind", ("created_at", admin.DateFieldListFilter), "user", "reviewer", RecordFilter)
    date_hierarchy = "created_at"
    search_fields = ("reason", "user__username", "review_comment")
    readonly_fields = ("created_at", "kind", "state", "user", "reason", "reviewer", "review_comment", "reviewed_at")
    exclude = ("changes",)
    change_form_template = "admin/curation/changeset.html"

    def get_urls(self):
        return [*review.urls(self.admin_site), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change_set = self.get_object(request, object_id)
        # A proposal's page shows its items (review.context); a direct edit's or an import's, its history.
        records = change_set_records(change_set) if change_set and not change_set.changes else []
        context = {**(extra_context or {}), "records": records,
                   **(review.context(request, change_set) if change_set else {})}
        return super().change_view(request, object_id, form_url, context)


admin.site.index_template = "admin/curation/index.html"
review.count_on_index(admin.site)
admin.site.site_header = "Regional consultation mechanisms: curation"
admin.site.site_title = "Curation"


class SourceForm(ChangeReasonForm):
    authors = NameListField(required=False, help_text="One name per line, in the order printed.")


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
