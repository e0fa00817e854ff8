from django.contrib import admin

from apps.curation.admin import CitationInline, CuratedAdmin

from .models import Discrepancy, ReviewEdition, ReviewEntry


@admin.register(ReviewEdition)
class ReviewEditionAdmin(CuratedAdmin):
    list_display = ("title", "year", "series_number", "status")
    list_filter = ("status", "year")
    search_fields = ("title", "slug", "isbn")
    inlines = [CitationInline]


@admin.register(ReviewEntry)
class ReviewEntryAdmin(CuratedAdmin):
    list_display = ("mechanism", "edition", "section", "kind", "governance", "region")
    list_filter = ("edition", "kind", "governance", "region")
    search_fields = ("mechanism__name", "mechanism__acronym", "section")
    autocomplete_fields = ("mechanism",)
    list_select_related = ("mechanism", "edition", "region")


@admin.register(Discrepancy)
class DiscrepancyAdmin(CuratedAdmin):
    list_display = ("mechanism", "subject", "recorded", "recorded_locator", "conflicting", "conflicting_locator")
    list_filter = ("mechanism",)
    search_fields = ("subject", "recorded", "conflicting", "note", "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism",)
    list_select_related = ("mechanism", "recorded_edition", "conflicting_edition")
