"""The admin of the editorial workflow: editions and their entries move through it; snapshots are frozen."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from apps.curation.admin import (
    ChangeReasonForm,
    CitationInline,
    CuratedAdmin,
    CuratedInline,
    NameListField,
    ReadOnlyAdmin,
)
from apps.reviews.models import LeftOut, ReviewEdition, ReviewEntry, Snapshot
from apps.reviews.services import sync_edition_source

from . import publishing as services
from . import snapshots


class SnapshotInline(admin.TabularInline):
    model = Snapshot
    fields = ("slug", "title", "created_at", "as_of", "checksum")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")


class LeftOutInline(CuratedInline):
    """The mechanisms of the dataset the edition leaves out, each with the reason its report states.
    Editors keep it; curators see it."""

    model = LeftOut
    fields = ("mechanism", "reason")
    autocomplete_fields = ("mechanism",)
    verbose_name = "mechanism left out of this edition"
    verbose_name_plural = "mechanisms left out of this edition, with the reason the report states"


class StartEditionForm(forms.Form):
    slug = forms.SlugField(max_length=60, help_text="The new edition's slug, e.g. 'iom-2026'.")
    year = forms.IntegerField(min_value=1900, max_value=2200)
    title = forms.CharField(max_length=400)
    cut_off = forms.DateField(
        label="Cut-off date", required=False,
        help_text="Changes proposed up to the end of this day must be reviewed before publishing (YYYY-MM-DD).")


class ReviewEditionForm(ChangeReasonForm):
    authors = NameListField(required=False, help_text="One author per line, in the order printed, e.g. 'Harns, C.'.")


@admin.register(ReviewEdition)
class ReviewEditionAdmin(CuratedAdmin):
    form = ReviewEditionForm
    list_display = ("title", "year", "series_number", "status", "published_at")
    list_filter = ("status", "year")
    search_fields = ("title", "slug", "isbn")
    readonly_fields = ("status", "published_at", "published_snapshot", "version")
    workflow_fields = ("status", "published_at", "published_snapshot")
    inlines = [LeftOutInline, SnapshotInline, CitationInline]
    actions = ["start_next", "submit_for_review", "return_to_draft", "publish", "freeze_snapshot"]

    def get_urls(self):
        start = self.admin_site.admin_view(self.start_next_view)
        return [path("<path:object_id>/start-next/", start, name="reviews_reviewedition_start_next"),
                *super().get_urls()]

    def start_next_view(self, request, object_id):
        """Start the next edition from this one: its entries carried forward as drafts to revise."""
        previous = get_object_or_404(ReviewEdition, pk=object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        form = StartEditionForm(request.POST or None, initial={"year": previous.year + 1})
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                edition = services.start_edition(previous=previous, user=request.user, **form.cleaned_data)
            except services.PublishRefused as refusal:
                errors = refusal.reasons
            else:
                uncovered = [m.slug for m in services.mechanisms_without_entry(edition)]
                self.message_user(request, f"{edition.slug} started from {previous.slug} as a draft, with "
                                           f"{edition.entries.count()} entries to revise.", messages.SUCCESS)
                if uncovered:
                    self.message_user(request, f"Mechanisms with no entry yet ({len(uncovered)}): "
                                               f"{', '.join(uncovered)}.", messages.WARNING)
                return redirect(reverse("admin:reviews_reviewedition_change", args=[edition.pk]))
        context = {**self.admin_site.each_context(request), "title": f"Start the next edition from {previous}",
                   "previous": previous, "form": form, "errors": errors, "opts": ReviewEdition._meta,
                   "entry_count": previous.entries.count()}
        return TemplateResponse(request, "admin/reviews/start_edition.html", context)

    @admin.action(description="Start the next edition from this one", permissions=["publish"])
    def start_next(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(request, "Select one edition to start the next one from.", messages.ERROR)
            return None
        return redirect(reverse("admin:reviews_reviewedition_start_next", args=[queryset[0].pk]))

    def save_model(self, request, obj, form, change):
        sync_edition_source(obj)
        super().save_model(request, obj, form, change)

    def _run(self, request, queryset, action):
        for edition in queryset:
            try:
                outcome = action(edition)
            except (services.PublishRefused, snapshots.SnapshotRefused) as refusal:
                reasons = getattr(refusal, "reasons", None) or [str(refusal)]
                items = format_html_join("", "<li>{}</li>", ((reason,) for reason in reasons))
                self.message_user(request, format_html("{}: refused.<ul>{}</ul>", edition, items), messages.ERROR)
            else:
                self.message_user(request, f"{edition}: {outcome}", messages.SUCCESS)

    @admin.action(description="Submit for review (draft → in review)", permissions=["publish"])
    def submit_for_review(self, request, queryset):
        def submit(edition):
            services.submit_for_review(edition=edition, user=request.user)
            return "now in review."

        self._run(request, queryset, submit)

    @admin.action(description="Return to draft (in review → draft)", permissions=["publish"])
    def return_to_draft(self, request, queryset):
        def send_back(edition):
            services.return_to_draft(edition=edition, user=request.user)
            return "back in draft."

        self._run(request, queryset, send_back)

    @admin.action(description="Publish, freezing its snapshot (in review → published)", permissions=["publish"])
    def publish(self, request, queryset):
        def publish(edition):
            snapshot = services.publish_edition(edition=edition, user=request.user)
            return f"published; snapshot {snapshot.slug}, SHA-256 {snapshot.checksum}."

        self._run(request, queryset, publish)

    @admin.action(description="Freeze a snapshot of the published data now", permissions=["snapshot"])
    def freeze_snapshot(self, request, queryset):
        def freeze(edition):
            snapshot = snapshots.create_snapshot(edition=edition, title=f"{edition.title} (snapshot)",
                                                 user=request.user)
            return f"snapshot {snapshot.slug}, SHA-256 {snapshot.checksum}."

        self._run(request, queryset, freeze)

    def has_publish_permission(self, request):
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def has_snapshot_permission(self, request):
        return request.user.has_perm("reviews.add_snapshot")


@admin.register(ReviewEntry)
class ReviewEntryAdmin(CuratedAdmin):
    list_display = ("mechanism", "edition", "section", "kind", "governance", "region", "status", "responsible",
                    "last_verified")
    list_filter = ("edition", "status", "kind", "governance", "region")
    search_fields = ("mechanism__name", "mechanism__acronym", "section")
    autocomplete_fields = ("mechanism",)
    list_select_related = ("mechanism", "edition", "region", "responsible")
    actions = ["mark_ready", "approve"]
    readonly_fields = ("status", "version")
    workflow_fields = ("status",)
    fieldsets = [
        (None, {"fields": ["edition", "mechanism", "section", "kind", "governance", "region"]}),
        ("Narrative", {"fields": ["background", "agenda", "linkages", "taxonomic_placement"]}),
        ("Workflow (private)", {"fields": ["status", "responsible", "reviewer_comment", "last_verified",
                                           "curator_note", "version"]}),
    ]

    @admin.action(description="Mark ready for review", permissions=["change"])
    def mark_ready(self, request, queryset):
        self._move(request, services.mark_entries_ready, queryset, ReviewEntry.Status.READY)

    @admin.action(description="Approve", permissions=["publish"])
    def approve(self, request, queryset):
        self._move(request, services.approve_entries, queryset, ReviewEntry.Status.APPROVED)

    def _move(self, request, service, queryset, status):
        try:
            changed = service(entries=queryset, user=request.user)
        except services.PublishRefused as refusal:
            self.message_user(request, " ".join(refusal.reasons), messages.ERROR)
            return
        self.message_user(request, f"{len(changed)} entries marked {ReviewEntry.Status(status).label.lower()}.")

    def has_publish_permission(self, request):
        return request.user.has_perm(services.PUBLISH_PERMISSION)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """Snapshots are immutable: they can be looked at and downloaded, never changed or deleted."""

    list_display = ("slug", "title", "edition", "created_at", "as_of", "checksum", "size")
    list_filter = ("edition",)
    search_fields = ("slug", "title", "checksum")
    fields = ("slug", "title", "edition", "created_at", "created_by", "as_of", "checksum", "size", "counts",
              "downloads")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition", "created_by").defer("content")

    @admin.display(description="downloads")
    def downloads(self, snapshot):
        links = ((reverse("api:snapshot-download", kwargs={"slug": snapshot.slug, "format_name": name}), name)
                 for name in ("json", "yaml", "datapackage", "report"))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)
