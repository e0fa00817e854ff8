from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Case, Count, Value, When
from django.urls import path

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline, CuratedInlineFormSet, citation_sources
from apps.curation.admin_citing import CitingInline, cite_selected
from apps.curation.partial_dates import FORMAT_HELP
from apps.curation.records import record

from .admin_pages import bulk_add_view, turn_into_another_role
from .models import TRANSITION_RULE, Mechanism, MechanismName, Participation, Region, Theme
from .selectors import participations_in_year


class MechanismNameInline(CuratedInline):
    model = MechanismName
    fields = ("name", "kind", "valid_from", "valid_until")


class TransitionHelp:
    """The dates of a participation say the transition rule where the curator types them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.model is Participation and db_field.name in ("start", "end") and field is not None:
            field.help_text = f"{FORMAT_HELP} {TRANSITION_RULE}"
        return field


class ParticipationFormSet(CuratedInlineFormSet):
    """The participations of one mechanism, checked together: the standing-role rule sees the rows being
    saved (an expected role ended on the day a membership starts), not only what the database holds."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance._checked_with_siblings = True
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        to_delete = self.deleted_forms
        changed = [form for form in self.forms if form.deleted_elsewhere is None and form not in to_delete
                   and form.has_changed() and form.cleaned_data]
        deleted = [form.instance for form in to_delete if form.instance.pk]
        conflicts = Participation.validate_together(self.instance.pk, [form.instance for form in changed], deleted)
        for row, message in conflicts:
            form = next(form for form in changed if form.instance is row)
            form.add_error("role", message)


ROLE_ORDER = Case(*(When(role=value, then=Value(index)) for index, (value, _label) in
                     enumerate(Participation.Role.choices)), default=Value(len(Participation.Role.choices)))


class ParticipationInline(CitingInline, TransitionHelp, CuratedInline):
    model = Participation
    formset = ParticipationFormSet
    template = "admin/mechanisms/participation_inline.html"
    formfield_overrides = {**CuratedInline.formfield_overrides, models.TextField: {"widget": forms.TextInput}}
    fields = ("state", "organization", "role", "as_written", "start", "end", "note")
    autocomplete_fields = ("state", "organization")
    show_change_link = True  # sources and history of a participation are on its own page

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "organization", "mechanism").order_by(
            ROLE_ORDER, "as_written", "pk")


class FoundedYearFilter(admin.SimpleListFilter):
    title = "founded in"
    parameter_name = "founded_year"

    def lookups(self, request, model_admin):
        years = sorted({d.year for d in Mechanism.objects.exclude(founded_earliest=None)
                        .values_list("founded_earliest", flat=True)})
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(founded_earliest__year=int(self.value()))
        return queryset


@admin.register(Mechanism)
class MechanismAdmin(CuratedAdmin):
    list_display = ("name", "acronym", "kind", "governance", "region", "status", "founded", "participant_count")
    list_filter = ("kind", "governance", "region", "status", FoundedYearFilter, "themes")
    search_fields = ("name", "acronym", "slug", "other_names__name")
    # Said here, not left to the model's Meta: the participant count's GROUP BY drops the Meta ordering, and the
    # autocomplete boxes page through this queryset.
    ordering = ("name", "pk")
    prepopulated_fields = {"slug": ("name",)}  # filled while the name is typed, on a new record
    autocomplete_fields = ("parent_framework", "predecessor")
    filter_horizontal = ("themes",)
    inlines = [ParticipationInline, MechanismNameInline, CitationInline]  # the meetings app adds its own
    formfield_overrides = {**CuratedAdmin.formfield_overrides,
                           models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "region", "kind", "governance", "status", "status_note"]}),
        ("Dates and lineage", {"fields": ["founded", "ended", "predecessor", "parent_framework"]}),
        ("Description", {"fields": ["objectives", "secretariat_note", "themes", "website"], "classes": ["collapse"]}),
        ("Curation", {"fields": ["curator_note", "last_verified", "version"], "classes": ["collapse"]}),
    ]

    def timeline_sources(self, obj):
        """The mechanism's own history, and that of its participations, meetings, documents, other names and
        of all their citations, deleted rows included."""
        parts = [Mechanism._meta.get_field(children.relation).related_model
                 for children in record("mechanism").children]
        rows = {model: set(model.history.filter(mechanism_id=obj.pk).values_list("id", flat=True)) for model in parts}
        return [(Mechanism, {"id": obj.pk}), *((model, {"mechanism_id": obj.pk}) for model in rows),
                *citation_sources({Mechanism: [obj.pk], **rows})]

    def get_urls(self):
        bulk_add = self.admin_site.admin_view(lambda request, object_id: bulk_add_view(self, request, object_id))
        return [path("<path:object_id>/bulk-add/", bulk_add, name="mechanisms_mechanism_bulk_add"),
                *super().get_urls()]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").annotate(
            participant_count=Count("participations", distinct=True)
        )

    @admin.display(description="participants", ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count


class ParticipationYearFilter(admin.SimpleListFilter):
    title = "taking part in"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(y), str(y)) for y in range(2013, 1983, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return participations_in_year(queryset, int(self.value()))
        return queryset


@admin.register(Participation)
class ParticipationAdmin(TransitionHelp, CuratedAdmin):
    list_display = ("__str__", "mechanism", "role", "as_written", "start", "end")
    list_filter = ("role", "mechanism__kind", "mechanism__region", ParticipationYearFilter, "mechanism")
    search_fields = ("as_written", "state__name", "state__alpha3", "organization__name", "organization__acronym",
                     "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism", "state", "organization")
    list_select_related = ("mechanism", "state", "organization")
    inlines = [CitationInline]
    actions = [turn_into_another_role, cite_selected]
    fields = ("mechanism", "state", "organization", "role", "as_written", "start", "end", "note", "curator_note",
              "last_verified", "version")


@admin.register(Region)
class RegionAdmin(CuratedAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


@admin.register(Theme)
class ThemeAdmin(CuratedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
