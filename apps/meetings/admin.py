from django.contrib import admin

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline, add_inline
from apps.curation.admin_citing import CitingInline, cite_selected
from apps.mechanisms.admin import MechanismNameInline
from apps.mechanisms.models import Mechanism

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
    """A meeting's outcome documents, on the meeting's admin page."""

    model = Document
    fields = ("title", "slug", "kind", "date", "url")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


class MechanismMeetingInline(CitingInline, CuratedInline):
    """A mechanism's meetings, on the mechanism's admin page."""

    model = Meeting
    fields = ("title", "slug", "kind", "status", "start", "end", "city", "host")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("host",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host", "mechanism")


class MechanismDocumentInline(CitingInline, CuratedInline):
    """A mechanism's documents, on the mechanism's admin page."""

    model = Document
    fk_name = "mechanism"
    fields = ("title", "slug", "kind", "date", "meeting", "url")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("meeting",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "mechanism")



# On the mechanism's page, after its participants and before its other names (apps/mechanisms/admin.py).
add_inline(Mechanism, MechanismMeetingInline, before=MechanismNameInline)
add_inline(Mechanism, MechanismDocumentInline, before=MechanismNameInline)


@admin.register(Meeting)
class MeetingAdmin(CuratedAdmin):
    actions = [cite_selected]
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
    actions = [cite_selected]
    list_display = ("title", "kind", "mechanism", "date", "meeting")
    list_filter = ("kind", "mechanism")
    search_fields = ("title", "slug", "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism", "meeting")
    list_select_related = ("mechanism", "meeting")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CitationInline]
