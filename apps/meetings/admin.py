from django.contrib import admin

from apps.curation.admin import CitationInline, CuratedAdmin, CuratedInline, add_inline
from apps.curation.admin_citing import CitingInline, cite_selected
from apps.curation.models import Source
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



class SourceOutcomeDocumentInline(admin.TabularInline):
    """On a source's page: the outcome document it is, when one is recorded (linked from the document's
    page, 'in the source register as')."""

    model = Document
    fk_name = "source_entry"
    fields = readonly_fields = ("title", "mechanism", "kind", "date")
    show_change_link = True
    extra = 0
    max_num = 1
    can_delete = False
    verbose_name = "recorded outcome document"
    verbose_name_plural = "recorded outcome document (this source is it)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mechanism")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


add_inline(Source, SourceOutcomeDocumentInline)

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
    list_display = ("title", "kind", "mechanism", "date", "meeting", "source_entry")
    list_filter = ("kind", "mechanism")
    search_fields = ("title", "slug", "mechanism__name", "mechanism__acronym")
    autocomplete_fields = ("mechanism", "meeting", "source_entry")
    list_select_related = ("mechanism", "meeting", "source_entry")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [CitationInline]
