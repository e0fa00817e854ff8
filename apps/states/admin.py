from django.contrib import admin

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline

from .models import Organization, OrganizationName, State, StateName


class StateNameInline(CuratedInline):
    model = StateName
    fields = ("name", "kind", "valid_from", "valid_until")


class OrganizationNameInline(CuratedInline):
    model = OrganizationName
    fields = ("name", "kind", "valid_from", "valid_until")


@admin.register(State)
class StateAdmin(CuratedAdmin):
    list_display = ("name", "alpha3", "alpha2", "numeric", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "official_name", "alpha3", "alpha2", "names__name")
    ordering = ("name",)
    autocomplete_fields = ("sovereign",)
    inlines = [StateNameInline, CitationInline]
    fields = ("name", "official_name", "alpha3", "alpha2", "numeric", "kind", "sovereign", "note",
              "curator_note", "last_verified", "version")


@admin.register(Organization)
class OrganizationAdmin(CuratedAdmin):
    list_display = ("name", "acronym", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "acronym", "slug", "other_names__name")
    prepopulated_fields = {"slug": ("acronym",)}
    autocomplete_fields = ("state", "parent")
    inlines = [OrganizationNameInline, CitationInline]
    fields = ("name", "acronym", "slug", "kind", "state", "parent", "website", "curator_note", "last_verified",
              "version")


@admin.register(StateName)
class StateNameAdmin(CuratedAdmin):
    list_display = ("name", "state", "kind", "valid_from", "valid_until")
    list_filter = ("kind",)
    search_fields = ("name", "state__name", "state__alpha3")
    autocomplete_fields = ("state",)
    inlines = [CitationInline]
