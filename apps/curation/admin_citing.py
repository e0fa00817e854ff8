"""Citing where the curator works: a new web page from its address in the citation row, and one source
and locator cited for many selected rows (participations, meetings, documents) in one action."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from .citations import CitingRefused, cite, web_page_from_url
from .models import Citation, Source
from .sources import save_source


class CitationForm(forms.ModelForm):
    """A citation row; its source may be a new web page, made from the address pasted here."""

    new_web_page = forms.URLField(
        required=False, max_length=2000, assume_scheme="https", label="or a new web page",
        help_text="Paste a web page's address to register it as a source and cite it, in one step.",
    )

    class Meta:
        model = Citation
        fields = ("source", "new_web_page", "locator", "quotation", "covers", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False
        self.new_source = None

    def clean(self):
        cleaned = super().clean()
        url, source = cleaned.get("new_web_page"), cleaned.get("source")
        if url and source:
            raise ValidationError({"new_web_page": "Choose a source or paste a new web page's address, not both."})
        if url:
            try:
                self.new_source = web_page_from_url(url)
            except ValidationError as error:
                raise ValidationError({"new_web_page": [m for ms in error.message_dict.values() for m in ms]}) from None
            self.instance.source = self.new_source
        elif not source and self.has_changed():
            self.add_error("source", "Choose the source, or paste a new web page's address.")
        return cleaned

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.new_source is not None:  # not saved yet: it is saved with the citation
            exclusions.add("source")
        return exclusions

    def save(self, commit=True):
        if self.new_source is not None:
            self.instance.source = save_source(self.new_source)
        return super().save(commit)


class CiteSelectedForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Source.objects.order_by("slug"), required=False)
    new_web_page = forms.URLField(required=False, max_length=2000, assume_scheme="https",
                                  label="or a new web page", help_text="Its address: it is registered as a source.")
    locator = forms.CharField(max_length=500, help_text="A page, section, paragraph or URL fragment.")
    covers = forms.CharField(required=False, max_length=1000,
                             help_text="Optional: the fields it supports, comma-separated; empty for the whole row.")
    quotation = forms.CharField(required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("source")) == bool(cleaned.get("new_web_page")):
            raise ValidationError("Choose a source, or paste a new web page's address (one of the two).")
        if cleaned.get("new_web_page"):
            try:
                cleaned["new_source"] = web_page_from_url(cleaned["new_web_page"])
            except ValidationError as error:
                raise ValidationError([m for ms in error.message_dict.values() for m in ms]) from None
        return cleaned


@admin.action(description="Cite one source and locator for the selected rows", permissions=["change"])
def cite_selected(modeladmin, request, queryset):
    """Ask for the source and the locator, then cite them for every selected row; all rows or none."""
    form = CiteSelectedForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        new_source = data.get("new_source")
        with_source = data["source"] or new_source
        try:
            with transaction.atomic():  # a refusal saves nothing, not even the new web page
                if new_source is not None:
                    save_source(new_source)
                cite(list(queryset), source=with_source, locator=data["locator"], covers=data["covers"],
                     quotation=data["quotation"], user=request.user)
        except CitingRefused as refusal:
            form.add_error(None, refusal.reasons)
        else:
            modeladmin.message_user(request, f"Cited {with_source.slug} {data['locator']} for "
                                             f"{queryset.count()} {modeladmin.model._meta.verbose_name_plural}.",
                                    messages.SUCCESS)
            return None
    return TemplateResponse(request, "admin/curation/cite_selected.html", {
        **modeladmin.admin_site.each_context(request), "title": "Cite a source for the selected rows",
        "form": form, "rows": queryset, "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })
