from django.contrib import admin

from apps.curation.admin import CuratedAdmin

from .models import Discrepancy


@admin.register(Discrepancy)
class DiscrepancyAdmin(CuratedAdmin):
    list_display = ("mechanism", "subject", "recorded", "recorded_locator", "conflicting", "conflicting_locator")
    list_filter = ("mechanism",)
    search_fields = ("subject", "recorded", "conflicting", "note", "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism",)
    list_select_related = ("mechanism", "recorded_source", "conflicting_source")
