from django.contrib import admin

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline

from .models import Document, Meeting


class MeetingYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = sorted(
            {d.year for d in Meeting.objects.exclude(start_earliest=None).values_list("start_earliest", flat=True)},
            reverse=True,
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(start_earliest__year=int(self.value()))
        return queryset


class DocumentInline(CuratedInline):
    model = Document
    fields = ("title", "slug", "kind", "date", "url")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(CuratedAdmin):
    list_display = ("title", "mechanism", "kind", "status", "start", "end", "city", "host")
    list_filter = ("kind", "status", MeetingYearFilter, "mechanism__region", "mechanism")
    search_fields = ("title", "slug", "city", "theme", "mechanism__name", "mechanism__acronym", "host__name")
    autocomplete_fields = ("mechanism", "host")
    list_select_related = ("mechanism", "host")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [DocumentInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["mechanism", "title", "slug", "kind", "status"]}),
        ("When and where", {"fields": ["start", "end", "date_as_written", "city", "host", "venue_as_written"]}),
        ("Content", {"fields": ["theme", "note"]}),
        ("Curation", {"fields": ["curator_note", "last_verified", "version"]}),
    ]


@admin.register(Document)
class DocumentAdmin(CuratedAdmin):
    list_display = ("title", "kind", "mechanism", "date", "meeting")
    list_filter = ("kind", "mechanism")
    search_fields = ("title", "slug", "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism", "meeting")
    list_select_related = ("mechanism", "meeting")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CitationInline]
