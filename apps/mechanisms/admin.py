from django.contrib import admin
from django.db.models import Count

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline
from apps.curation.admin_citing import cite_selected

from .models import Mechanism, MechanismName, Participation, Region, Theme
from .selectors import participations_in_year


class MechanismNameInline(CuratedInline):
    model = MechanismName
    fields = ("name", "kind", "valid_from", "valid_until")


class ParticipationInline(CuratedInline):
    model = Participation
    fields = ("state", "organization", "role", "as_written", "start", "end", "note")
    autocomplete_fields = ("state", "organization")
    show_change_link = True  # sources and history of a participation are on its own page

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "organization", "mechanism")


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
    prepopulated_fields = {"slug": ("acronym",)}
    autocomplete_fields = ("parent_framework", "predecessor")
    filter_horizontal = ("themes",)
    inlines = [MechanismNameInline, ParticipationInline, CitationInline]  # the meetings app adds its own
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "region", "kind", "governance", "status", "status_note"]}),
        ("Dates and lineage", {"fields": ["founded", "ended", "predecessor", "parent_framework"]}),
        ("Description", {"fields": ["objectives", "secretariat_note", "themes", "website"]}),
        ("Curation", {"fields": ["curator_note", "last_verified", "version"]}),
    ]

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
class ParticipationAdmin(CuratedAdmin):
    actions = [cite_selected]
    list_display = ("__str__", "mechanism", "role", "as_written", "start", "end")
    list_filter = ("role", "mechanism__kind", "mechanism__region", ParticipationYearFilter, "mechanism")
    search_fields = ("as_written", "state__name", "state__alpha3", "organization__name", "organization__acronym",
                     "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism", "state", "organization")
    list_select_related = ("mechanism", "state", "organization")
    inlines = [CitationInline]
    fields = ("mechanism", "state", "organization", "role", "as_written", "start", "end", "note", "curator_note",
              "last_verified", "version")


@admin.register(Region)
class RegionAdmin(CuratedAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name", "slug")
    inlines = [CitationInline]


@admin.register(Theme)
class ThemeAdmin(CuratedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
