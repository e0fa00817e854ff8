"""Curator pages of the admin beyond the model pages: the data-quality report, the bulk import, and what changed
since a date, a snapshot or an edition."""

import datetime
import hashlib
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.curation import proposals, timeline
from apps.reviews.models import ReviewEdition, Snapshot

from . import diff, limits, quality
from . import yaml_format as fmt
from .importer import IMPORT_PERMISSIONS, DatasetError, import_dataset

SESSION_KEY = "bulk_import"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def data_quality(request):
    """Every problem in the data, blocking ones first, each with a link to the record to fix."""
    if not request.user.has_perm("curation.view_changeset"):
        raise PermissionDenied
    problems = quality.run_checks()
    groups = [(severity, [p for p in problems if p.severity == severity])
              for severity in (quality.BLOCKING, quality.WARNING, quality.NOTE)]
    context = {**admin.site.each_context(request), "title": "Data quality", "groups": groups,
               "blocking": sum(p.blocking for p in problems)}
    return render(request, "admin/dataset/data_quality.html", context)


class BulkImportForm(forms.Form):
    file = forms.FileField(help_text="One dataset file (.yaml) or a .zip of them (docs/dataset-format.md).")
    reason = forms.CharField(max_length=500, help_text="Why this import is made; kept in the edit history.")


def _dataset_name(filename, text):
    """Where an uploaded file belongs in a dataset folder: a reference file by its name, else a mechanism."""
    name = PurePosixPath(filename).name
    if name in fmt.REFERENCE_FILES:
        return name
    try:
        data = fmt.load(text)
    except Exception:  # reported by the import itself, with the file's name
        return f"{fmt.MECHANISMS_DIR}/{name}"
    slug = data.get("slug") if isinstance(data, dict) else None
    return f"{fmt.MECHANISMS_DIR}/{slug}.yaml" if slug else f"{fmt.MECHANISMS_DIR}/{name}"


def read_upload(upload):
    """{dataset file name: text} from an uploaded .yaml or .zip; raises DatasetError on a bad upload.

    A zip is measured and read member by member within the import's limits (``dataset.limits``),
    never decompressed whole into memory.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise DatasetError([f"{upload.name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"])
    if upload.name.lower().endswith(".zip"):
        upload.seek(0)
        members = limits.read_zip(upload, upload.name)
        files = {}
        for member, text in members.items():
            if problem := limits.nesting_problem(member, text):
                raise DatasetError([problem])
            files[_dataset_name(member, text)] = text
        if not files:
            raise DatasetError([f"{upload.name}: holds no .yaml file"])
        return files
    if not upload.name.lower().endswith((".yaml", ".yml")):
        raise DatasetError([f"{upload.name}: upload a .yaml file or a .zip of them"])
    limits.check_sizes({upload.name: upload.size})
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise DatasetError([f"{upload.name}: not UTF-8 text"]) from None
    if problem := limits.nesting_problem(upload.name, text):
        raise DatasetError([problem])
    return {_dataset_name(upload.name, text): text}


def _fingerprint(report):
    return hashlib.sha256("\n".join(str(change) for change in report.changes).encode()).hexdigest()


def _grouped(report):
    return [(action, [c for c in report.changes if c.action == action]) for action in ("create", "update", "delete")]


class _Drifted(Exception):
    """The data changed between the dry run and the confirmation."""


def bulk_import(request):
    """Upload, see exactly what would change (dry run), then apply it in one transaction."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):  # the editor's role, as the import command needs
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Bulk import"}
    if request.method == "POST" and request.POST.get("step") == "apply":
        pending = request.session.get(SESSION_KEY)
        if not pending:
            messages.error(request, "Nothing to apply: upload the files again.")
            return redirect("admin-bulk-import")
        try:
            with transaction.atomic():
                report = import_dataset(pending["files"], user=request.user, reason=pending["reason"])
                if _fingerprint(report) != pending["fingerprint"]:
                    raise _Drifted
        except _Drifted:
            messages.error(request, "The data changed since the dry run; nothing was applied. Review the new "
                                    "differences below.")
            report = import_dataset(pending["files"], user=request.user, dry_run=True)
            pending["fingerprint"] = _fingerprint(report)
            request.session[SESSION_KEY] = pending
            return render(request, "admin/dataset/bulk_import.html",
                          {**context, "report": report, "groups": _grouped(report), "reason": pending["reason"]})
        except DatasetError as error:
            del request.session[SESSION_KEY]
            return render(request, "admin/dataset/bulk_import.html",
                          {**context, "form": BulkImportForm(), "errors": error.errors})
        del request.session[SESSION_KEY]
        messages.success(request, report.summary())
        return redirect("admin:curation_changeset_changelist")
    if request.method == "POST":
        form = BulkImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                files = read_upload(form.cleaned_data["file"])
                report = import_dataset(files, user=request.user, dry_run=True)
            except DatasetError as error:
                return render(request, "admin/dataset/bulk_import.html",
                              {**context, "form": form, "errors": error.errors})
            request.session[SESSION_KEY] = {"files": files, "reason": form.cleaned_data["reason"],
                                            "fingerprint": _fingerprint(report)}
            return render(request, "admin/dataset/bulk_import.html",
                          {**context, "report": report, "groups": _grouped(report),
                           "reason": form.cleaned_data["reason"]})
    else:
        form = BulkImportForm()
    return render(request, "admin/dataset/bulk_import.html", {**context, "form": form})


class ChangesSinceForm(forms.Form):
    """One of: a date, a snapshot, an edition (its published snapshot, else its latest)."""

    since = forms.DateField(required=False, label="A date", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Changes from the start of that day (UTC).")
    snapshot = forms.ModelChoiceField(required=False, queryset=Snapshot.objects.defer("content"),
                                      label="A snapshot", help_text="Changes since it was frozen.")
    edition = forms.ModelChoiceField(required=False, queryset=ReviewEdition.objects.order_by("-year", "slug"),
                                     label="An edition", help_text="Changes since its snapshot.")

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("since", "snapshot", "edition") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError("Choose one: a date, a snapshot or an edition.")
        edition = cleaned.get("edition")
        if edition is not None:
            snapshot = edition.published_snapshot or edition.snapshots.defer("content").order_by("-as_of").first()
            if snapshot is None:
                raise forms.ValidationError(f"The edition {edition} has no snapshot yet: choose a date instead.")
            cleaned["snapshot"] = snapshot
        return cleaned

    def moment(self):
        if self.cleaned_data.get("snapshot") is not None:
            return self.cleaned_data["snapshot"].as_of
        return datetime.datetime.combine(self.cleaned_data["since"], datetime.time.min, tzinfo=datetime.UTC)


def changes_since(request):
    """What changed since a date, a snapshot or an edition: the approved changes, grouped by record, with their
    field-level differences; against a snapshot, also the published data now compared with it. Editors read it
    before publishing."""
    if not proposals.can_approve(request.user):
        raise PermissionDenied
    form = ChangesSinceForm(request.GET or None)
    context = {**admin.site.each_context(request), "title": "What changed since…", "form": form}
    if form.is_valid():
        moment, snapshot = form.moment(), form.cleaned_data.get("snapshot")
        records = timeline.changed_since(moment)
        for group in records:
            group.url = _change_url(group.model, group.record_id)
        context.update(moment=moment, snapshot=snapshot, records=records,
                       changes=sum(len(group.entries) for group in records),
                       pending=proposals.pending().count(), now=timezone.now(),
                       comparison=diff.compare(snapshot, "current") if snapshot is not None else None)
    return render(request, "admin/dataset/changes_since.html", context)


def _change_url(model, pk):
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""
    return url if model._base_manager.filter(pk=pk).exists() else ""
