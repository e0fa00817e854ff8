"""Citing where the curator works: a new web page from its address in the citation row, and one source
and locator cited for many selected rows (participations, meetings, documents) in one action."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.forms.utils import ErrorDict
from django.template.response import TemplateResponse
from django.utils.functional import cached_property

from .citations import CitingRefused, cite, source_for_url
from .models import Citation, Source, citable_fields, repeated_citations
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
                found = source_for_url(url)
            except ValidationError as error:
                raise ValidationError({"new_web_page": [m for ms in error.message_dict.values() for m in ms]}) from None
            self.instance.source = found
            if found.pk is None:
                self.new_source = found
            else:  # already registered: cited like a source chosen in the list
                cleaned["source"] = found
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
    locator = forms.CharField(required=False, max_length=500,
                              help_text="A page, section, paragraph or URL fragment; a web page or a dataset may be "
                                        "cited whole, with none.")
    covers = forms.CharField(required=False, max_length=1000,
                             help_text="Optional: the fields it supports, comma-separated; empty for the whole row.")
    quotation = forms.CharField(required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("source")) == bool(cleaned.get("new_web_page")):
            raise ValidationError("Choose a source, or paste a new web page's address (one of the two).")
        if cleaned.get("new_web_page"):
            try:
                found = source_for_url(cleaned["new_web_page"])
            except ValidationError as error:
                raise ValidationError([m for ms in error.message_dict.values() for m in ms]) from None
            cleaned["source" if found.pk else "new_source"] = found
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


# ----- citing in the tables of a record's page ---------------------------------------------------------------

def _covers_choices(model):
    """The fields a citation of one of ``model``'s rows may support, by their names and labels."""
    choices = []
    for name in citable_fields(model):
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        choices.append((name, label))
    return choices


def _source_widget():
    return AutocompleteSelect(Citation._meta.get_field("source"), admin.site)


class RowCitationForm(forms.Form):
    """One citation to add: to one row of a table on a record's page, or to the rows ticked in it.

    Nothing here is saved by the form: the table's formset validates the citation of each row like any
    citation (apps/curation/models.py Citation.clean) and saves it with ``cite`` once the rows are saved.
    """

    source = forms.ModelChoiceField(Source.objects.all(), required=False, widget=_source_widget(),
                                    help_text="Type to find a registered source.")
    new_web_page = forms.URLField(required=False, max_length=2000, assume_scheme="https", label="or a web page",
                                  help_text="Or paste a web page's address: it is registered as a source (an "
                                            "address already registered cites that source).")
    new_web_page_title = forms.CharField(required=False, max_length=Source._meta.get_field("title").max_length,
                                         label="its title", help_text="Optional: the new web page's title as it "
                                                                      "reads; by default its address.")
    locator = forms.CharField(required=False, max_length=Citation._meta.get_field("locator").max_length,
                              help_text="A page, section, paragraph or URL fragment: 'p. 14', '#members'.")
    quotation = forms.CharField(required=False, max_length=Citation._meta.get_field("quotation").max_length,
                                help_text="Optional: the source's own words, briefly.")
    covers = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                       label="for the fields", help_text="None ticked: the whole row.")

    class Media:
        css = {"all": ["curation/citing_rows.css"]}
        js = ["curation/citing_rows.js"]

    def __init__(self, model, *args, web_pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.fields["covers"].choices = _covers_choices(model)
        self.web_pages = {} if web_pages is None else web_pages  # one source per address pasted in one save
        self.cited_source = None
        if self.folded and not self.is_used:
            for field in self.fields.values():  # sent once opened (static/curation/citing_rows.js)
                field.widget.attrs["disabled"] = True

    folded = True  # shown folded in its row: its fields are sent only when the curator opens it

    @property
    def is_used(self):
        """Whether the curator filled in anything of it (an untouched one is not validated)."""
        return self.is_bound and any(self[name].data not in (None, "", []) for name in self.fields)

    def full_clean(self):
        if not self.is_used:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        url, source = cleaned.get("new_web_page"), cleaned.get("source")
        if url and source:
            raise ValidationError("Choose a source or paste a web page's address, not both.")
        if not url and not source and "new_web_page" not in self.errors:
            self.add_error("source", "Choose the source, or paste a web page's address.")
        if cleaned.get("new_web_page_title") and not url:
            self.add_error("new_web_page_title", "A title is for a new web page: paste its address too.")
        if url:
            if url not in self.web_pages:
                try:
                    self.web_pages[url] = source_for_url(url, title=cleaned.get("new_web_page_title", ""))
                except ValidationError as error:
                    self.add_error("new_web_page", [m for ms in error.message_dict.values() for m in ms])
                    return cleaned
            source = self.web_pages[url]
        self.cited_source = source
        return cleaned

    def citation_for(self, row):
        """The citation of ``row`` this form asks for, unsaved (``row`` may not be saved yet either)."""
        data = self.cleaned_data
        return Citation(source=self.cited_source, locator=data["locator"].strip(), quotation=data["quotation"],
                        covers=",".join(data["covers"]), content_type=ContentType.objects.get_for_model(self.model),
                        object_id=row.pk)


class TickedRowsCitationForm(RowCitationForm):
    """One source and locator for every row ticked in a table."""

    rows = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)
    folded = False

    def __init__(self, model, row_ids, *args, **kwargs):
        super().__init__(model, *args, **kwargs)
        self.fields["rows"].choices = [(pk, pk) for pk in row_ids]
        self.order_fields(["source", "new_web_page", "new_web_page_title", "locator", "quotation", "covers"])

    def clean(self):  # rows ticked and no source: the curator is told, the ticks are not ignored
        cleaned = super().clean()
        if not cleaned.get("rows") and "rows" not in self.errors:
            raise ValidationError("Tick the rows to cite it for, in the 'Sources' column of the table.")
        return cleaned


def _messages(error):
    return [m for ms in error.message_dict.values() for m in ms] if hasattr(error, "error_dict") else error.messages


class CitingFormSet:
    """A table of rows on a record's page (e.g. a mechanism's participants) where each row shows its current
    citations and can be cited: one citation per row, and one for all the rows ticked.

    Mixed into the inline's formset by CitingInline. The citations are validated with the rows, under the
    rules of any citation, and saved after the rows by ``save_citations`` (the admin calls it), through
    ``cite``. For a curator the whole save, citations and new sources included, is one proposal.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.citing = RowCitationForm(self.model, self.data if self.is_bound else None, prefix=f"{form.prefix}-cite",
                                      web_pages=self._web_pages)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.citing = RowCitationForm(self.model, prefix=f"{form.prefix}-cite")
        return form

    @property
    def media(self):
        return super().media + self.citing_ticked.media  # the source's autocomplete

    @cached_property
    def _web_pages(self):
        return {}

    @cached_property
    def citing_ticked(self):
        """The form citing one source for the rows ticked in the table."""
        row_ids = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        return TickedRowsCitationForm(self.model, row_ids, self.data if self.is_bound else None,
                                      prefix=f"{self.prefix}-cite", web_pages=self._web_pages)

    @property
    def ticked_name(self):
        return self.citing_ticked["rows"].html_name

    @property
    def ticked(self):
        return {str(pk) for pk in self.citing_ticked["rows"].value() or ()}

    def full_clean(self):
        super().full_clean()
        self.citations_to_save = []
        if not self.is_bound:
            return
        if not getattr(self, "can_cite", True):
            if self.citing_ticked.is_used or any(form.citing.is_used for form in self.forms):
                self._non_form_errors.append(ValidationError("You may not cite sources: it takes the curator role."))
            return
        problems = False
        deleted = set(self.deleted_forms) if self.can_delete else set()
        by_row = {}
        for form in self.forms:
            citing = form.citing
            if not citing.is_used:
                continue
            if not citing.is_valid():
                problems = True
                continue
            if form in deleted:
                citing.add_error(None, "This row is to be deleted: it cannot be cited.")
                problems = True
                continue
            if form.instance.pk is None and not form.has_changed():
                citing.add_error(None, "Fill in the row before citing it.")
                problems = True
                continue
            by_row.setdefault(form, []).append(citing)
        ticked = self.citing_ticked
        if ticked.is_used:
            if not ticked.is_valid():
                problems = True
            else:
                chosen = set(ticked.cleaned_data["rows"])
                for form in self.initial_forms:
                    if form.instance.pk in chosen:
                        if form in deleted:
                            ticked.add_error(None, f"'{form.instance}' is to be deleted: it cannot be cited.")
                            problems = True
                        else:
                            by_row.setdefault(form, []).append(ticked)
        for form, citing_forms in by_row.items():
            problems |= not self._check_citations(form, citing_forms)
        if problems:
            self._non_form_errors.append(ValidationError(
                "A citation in this table is not right: see the row's 'Cite' column or the form below the table. "
                "Nothing has been saved."))

    def _check_citations(self, form, citing_forms):
        """Validate the citations asked for ``form``'s row with those it has: True when all are right."""
        row = form.instance
        current = list(getattr(row, "current_citations", None) or (
            Citation.objects.current().filter(content_type=ContentType.objects.get_for_model(self.model),
                                              object_id=row.pk).select_related("source") if row.pk else []))
        right, new = True, []
        for citing in citing_forms:
            citation = citing.citation_for(row)
            exclude = {"object_id"} if row.pk is None else set()
            if citation.source.pk is None:
                exclude.add("source")  # registered with the citation
            try:
                citation.full_clean(exclude=exclude)
            except ValidationError as error:
                citing.add_error(None, [f"{row}: {m}" for m in _messages(error)])
                right = False
                continue
            new.append(citation)
            self.citations_to_save.append((form, citing, citation))
        if right:
            saved = [c for c in new if c.source.pk is not None]
            pending = [c for c in new if c.source.pk is None]
            repeated = repeated_citations([*current, *saved])
            seen = set()
            for citation in pending:  # a web page registered now is cited once for a field, too
                for name in citation.covered_fields or ["the whole record"]:
                    key = (id(citation.source), citation.locator.casefold(), name)
                    if key in seen:
                        repeated.append(f"'{citation.source.url} {citation.locator}' is cited twice for {name}.")
                    seen.add(key)
            if repeated:
                citing_forms[-1].add_error(None, [f"{row}: {m}" for m in repeated])
                right = False
        return right

    def save_citations(self, user):
        """Save the citations validated with the rows, after the rows (a new row has its id now); all or none."""
        to_save, self.citations_to_save, saved = getattr(self, "citations_to_save", []), [], []
        if not to_save:
            return saved
        with transaction.atomic():
            for form, _citing, citation in to_save:
                source = citation.source
                if source.pk is None:
                    save_source(source)
                saved += cite([form.instance], source=source, locator=citation.locator, covers=citation.covers,
                              quotation=citation.quotation, user=user)
        return saved


class CitingInline:
    """An inline table whose rows show their current citations and can be cited (CitingFormSet), mixed in
    before the admin's inline class. The citations are read in one query for the whole table."""

    template = "admin/curation/citing_tabular.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset = type(f"Citing{formset.__name__}", (CitingFormSet, formset), {})
        formset.can_cite = request.user.has_perm("curation.add_citation")
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("sources", queryset=Citation.objects.current().select_related("source"),
                     to_attr="current_citations"))
