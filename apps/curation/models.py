"""The base of every curated record, and the change sets that group their history."""

import calendar
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords

from .data_version import bump as bump_data_version
from .partial_dates import PartialDateField, parse_or_none_lenient, validate_range
from .records import citable_keys_of
from .validators import language_tag_validator, slug_validator, unique_slug_constraint


class ChangeSet(models.Model):
    """One act of curation: an admin save, an import, a revert. Its history records point to it."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        IMPORT = "import", "Import"
        REVERT = "revert", "Revert"
        COMMAND = "command", "Command"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    class State(models.TextChoices):
        APPLIED = "applied", "Applied"  # written at once, by someone who may approve (or before review existed)
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    reason = models.TextField(blank=True)
    # Staged changes (apps/curation/proposals.py is the only writer of these): a curator's change waits here,
    # as data, until an editor approves it; the live tables hold approved data only.
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPLIED, db_index=True)
    changes = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder,
                               help_text="The proposed record changes, while they are not applied.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_changeset", "Can approve or reject proposed changes")]

    def __str__(self):
        when = self.created_at.strftime("%Y-%m-%d %H:%M") if self.created_at else "unsaved"
        return f"{self.get_kind_display()} {when}" + (f": {self.reason}" if self.reason else "")


class HistoricalChangeSetLink(models.Model):
    """Added to every historical model: the change set a historical record belongs to."""

    change_set = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


def curated_history(**kwargs):
    """The edit history every curated model keeps: who, when, why, before and after."""
    return CuratedHistoricalRecords(bases=[HistoricalChangeSetLink], **kwargs)


class _HistoryDescriptor(HistoryDescriptor):
    """simple_history's ``record.history``, with its manager class built once rather than at every access:
    each history row written reads it, and building the class took a third of an import's time."""

    @cached_property
    def manager_with_queryset(self):
        return self.manager_class.from_queryset(self.queryset_class)

    def __get__(self, instance, owner):
        return self.manager_with_queryset(self.model, instance)


class CuratedHistoricalRecords(HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            setattr(sender, self.manager_name, _HistoryDescriptor(
                descriptor.model, manager=descriptor.manager_class, queryset=descriptor.queryset_class))


class ConcurrentEditError(Exception):
    """A save was based on a version of the record that someone else has changed since."""

    def __init__(self, instance, expected, current):
        self.instance, self.expected, self.current = instance, expected, current
        super().__init__(
            f"{instance._meta.verbose_name} '{instance}' was changed by someone else (version {current}) "
            f"after you opened version {expected}. Reload it, look at what changed, and apply your edit again."
        )


class CuratedQuerySet(models.QuerySet):
    """Bulk writes send no signals: these move the public data version on themselves."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            bump_data_version(self.db)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_data_version(self.db)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            bump_data_version(self.db)
        return rows


class CuratedModel(models.Model):
    """Fields and behaviour shared by every record a curator keeps.

    ``curator_note`` is private: it is never serialised for the public.

    Optimistic concurrency: ``version`` goes up by one on every save, and a save only succeeds if the
    row still has the version the change was based on: the version loaded from the database, or
    ``expected_version`` when the caller says which version a person saw (the admin forms do). A stale
    save raises ConcurrentEditError instead of silently overwriting someone else's work.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Incremented on every save; guards against lost updates."
    )
    curator_note = models.TextField(
        blank=True, help_text="Private note for curators. Never shown to the public."
    )
    last_verified = models.DateField(
        null=True, blank=True, help_text="When a curator last checked this record against its sources."
    )

    # Pairs of partial-date fields (start, end) that must not run backwards.
    date_ranges: tuple[tuple[str, str], ...] = ()

    objects = CuratedQuerySet.as_manager()
    bumps_data_version = True  # every curated record is public data, or decides what of it is public

    class Meta:
        abstract = True

    expected_version = None

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, PartialDateField) and field.bounds:
                field.fill_bounds(self)
        if self._state.adding:
            self._version_guard = None
        else:
            guard = self.expected_version or getattr(self, "_loaded_version", None)
            if guard is None:  # built by hand, not loaded (e.g. from a historical record): base it on now
                guard = type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True).first()
            self._version_guard = guard
            self.version = (guard or self.version) + 1
        super().save(*args, **kwargs)
        self._loaded_version, self.expected_version = self.version, None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_version = instance.__dict__.get("version")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_version = self.__dict__.get("version")

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        guard = getattr(self, "_version_guard", None)
        if guard is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, version=guard)._update(values) > 0:
            return True
        current = base_qs.filter(pk=pk_val).values_list("version", flat=True).first()
        if current is None:
            return False  # the row is gone: let Django decide (insert, or fail a forced update)
        self.version = guard
        raise ConcurrentEditError(self, guard, current)

    def _slug_constraints(self):
        """The constraints made by validators.unique_slug_constraint: slugs unique whatever their case."""
        return [c for c in self._meta.constraints if c.name.endswith("_slug_ci_unique")]

    def validate_unique(self, exclude=None):
        # A taken slug is reported once, by the case-insensitive constraint (validate_constraints), not twice.
        if self._slug_constraints():
            exclude = {*(exclude or ()), "slug"}
        super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            # The slug constraint's message belongs next to the slug field, not above the form.
            messages = {str(c.violation_error_message) for c in self._slug_constraints()}
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            on_slug = [e for e in general if any(m in e.messages for m in messages)]
            if on_slug:
                errors.setdefault("slug", []).extend(on_slug)
            rest = [e for e in general if e not in on_slug]
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            raise ValidationError(errors) from None

    def clean(self):
        super().clean()
        for start, end in self.date_ranges:
            validate_range(getattr(self, start), getattr(self, end), start_field=start, end_field=end)


class NamePeriod(CuratedModel):
    """A name a record has or had, with the period it was valid; concrete models add the owner."""

    class Kind(models.TextChoices):
        FORMER = "former", _("Former name")
        ALIAS = "alias", _("Other name")
        SHORT = "short", _("Short name")
        TRANSLATION = "translation", _("Translation")

    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ALIAS)
    language = models.CharField(
        max_length=8, blank=True, validators=[language_tag_validator],
        help_text="The language of the name as a BCP 47 tag ('fr', 'es'); the public site shows a translation "
                  "to visitors of that language.",
    )
    valid_from = PartialDateField()
    valid_until = PartialDateField()

    date_ranges = (("valid_from", "valid_until"),)

    class Meta:
        abstract = True
        ordering = ["valid_from", "name"]

    def __str__(self):
        return self.name


http_url_validator = URLValidator(schemes=["http", "https"], message="Enter a web address that starts with http:// or https://.")
language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Use a language code such as 'en', 'fr' or 'es-419'."
)


def _url_field(label="", **kwargs):
    """A web address as long as real ones are, http(s) only."""
    return models.URLField(label or None, max_length=2000, blank=True, validators=[http_url_validator], **kwargs)


class Source(CuratedModel):
    """Something a fact can be cited to: a review edition, a document, a web page, a letter, a dataset.

    ``is_public`` says whether the public may see citations of it; the workflow that makes a source
    public sets it (a review edition's source becomes public when its edition is published; any other
    source when a curator registers it, apps/curation/sources.py). A correspondence is public only by
    its label ('communication from the X secretariat, March 2026'): its title, address and content stay
    private, like every source's ``curator_note``.
    """

    class Kind(models.TextChoices):
        REVIEW_EDITION = "review-edition", "Review edition"
        DOCUMENT = "document", "Document"
        WEB_PAGE = "web-page", "Web page"
        CORRESPONDENCE = "correspondence", "Correspondence"
        DATASET = "dataset", "Dataset"

    class DocumentType(models.TextChoices):
        DECLARATION = "declaration", "Declaration"
        ACTION_PLAN = "action-plan", "Action plan"
        COMMUNIQUE = "communique", "Communiqué"
        REPORT = "report", "Report"
        MINUTES = "minutes", "Meeting minutes"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator],
                            help_text="How the dataset files cite it, e.g. 'harns-2013'.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=400)
    authors = models.JSONField(default=list, blank=True, help_text="Author names, in the order printed.")
    date = PartialDateField(help_text="When it was issued, as precisely as known ('2013', '2013-04').")
    language = models.CharField(max_length=35, blank=True, validators=[language_validator],
                                help_text="The language it is written in, as a code: 'en', 'fr', 'ru'.")
    url = _url_field(help_text="Where it can be read, if anywhere.")
    document_type = models.CharField(max_length=20, choices=DocumentType.choices, blank=True,
                                     help_text="A document: what kind of document it is.")
    publisher = models.CharField(max_length=300, blank=True, help_text="A web page: the site or its publisher.")
    accessed = models.DateField("date read", null=True, blank=True, help_text="A web page: the day it was read.")
    archive_url = _url_field("archived copy", help_text="A web page: the address of an archived copy of it.")
    correspondent = models.CharField(
        "from", max_length=300, blank=True,
        help_text="Correspondence: from whom, as the public may read it, e.g. 'the Bali Process secretariat'.",
    )
    content = models.TextField(blank=True,
                               help_text="Correspondence: what it says. Private, never shown to the public.")
    is_public = models.BooleanField(
        default=False, editable=False,
        help_text="Citations of it are shown to the public. Set by the workflow that publishes the source.",
    )

    history = curated_history()

    # The fields only one kind of source has.
    KIND_FIELDS = {
        "document_type": Kind.DOCUMENT,
        "publisher": Kind.WEB_PAGE, "accessed": Kind.WEB_PAGE, "archive_url": Kind.WEB_PAGE,
        "correspondent": Kind.CORRESPONDENCE, "content": Kind.CORRESPONDENCE,
    }

    class Meta:
        ordering = ["slug"]
        constraints = [
            unique_slug_constraint("source_slug_ci_unique", "source"),
            models.CheckConstraint(
                condition=models.Q(archive_url="") | ~models.Q(url=""), name="source_archive_needs_url",
                violation_error_message="An archived copy is of a web address: give the source's address too.",
            ),
        ]

    def __str__(self):
        return self.label if self.kind == self.Kind.CORRESPONDENCE else self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def year(self):
        date = parse_or_none_lenient(self.date)
        return date.year if date else None

    @property
    def label(self):
        """The source as it is cited in running text: 'Harns 2013'; a letter as 'Communication from the
        Bali Process secretariat, March 2026'."""
        if self.kind == self.Kind.CORRESPONDENCE:
            return f"Communication from {self.correspondent}" + (f", {self.written_date}" if self.date else "")
        if self.authors and self.year:
            return f"{self.authors[0].split()[-1]} {self.year}"
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def public_title(self):
        """What the public reads as its title: a correspondence shows only its label."""
        return self.label if self.kind == self.Kind.CORRESPONDENCE else self.title

    @property
    def public_url(self):
        """Where the public can read it: nowhere for a correspondence, whose content is private."""
        return "" if self.kind == self.Kind.CORRESPONDENCE else self.url

    @property
    def public_archive_url(self):
        return "" if self.kind == self.Kind.CORRESPONDENCE else self.archive_url

    @property
    def written_date(self):
        """The partial date as people write it: '2026', 'March 2026', '12 March 2026'."""
        date = parse_or_none_lenient(self.date)
        if date is None:
            return self.date
        if date.day:
            return f"{date.day} {calendar.month_name[date.month]} {date.year}"
        return f"{calendar.month_name[date.month]} {date.year}" if date.month else str(date.year)

    def clean(self):
        super().clean()
        errors = {}
        if not isinstance(self.authors, list) or not all(isinstance(a, str) and a.strip() for a in self.authors):
            errors["authors"] = "Authors are a list of names, one per line."
        for name, kind in self.KIND_FIELDS.items():
            if getattr(self, name) not in ("", None) and self.kind != kind:
                field = self._meta.get_field(name)
                errors[name] = (f"Only a {self.Kind(kind).label.lower()} has '{field.verbose_name}'; "
                                f"this source is a {self.get_kind_display().lower()}.")
        if self.archive_url and not self.url:
            errors["archive_url"] = "An archived copy is of a web address: give the source's address too."
        if self.kind == self.Kind.WEB_PAGE and not self.url:
            errors.setdefault("url", "A web page needs its address.")
        if self.kind == self.Kind.CORRESPONDENCE:
            if not self.correspondent:
                errors["correspondent"] = "Say whom the correspondence is from, e.g. 'the Bali Process secretariat'."
            if not self.date:
                errors["date"] = "Say when the correspondence was written, at least the year."
        if errors:
            raise ValidationError(errors)


def citable_fields(model):
    """The names of ``model``'s fields a citation may support: its declared data fields (records.py), or
    for a record the dataset does not declare, its own editable fields."""
    declared = citable_keys_of(model)
    if declared:
        return list(declared)
    private = {"id", "version", "curator_note", "last_verified"}
    return [f.name for f in model._meta.concrete_fields if f.editable and f.name not in private]


def parse_covers(text):
    """'kind, governance' -> ['kind', 'governance']."""
    return [name for name in (part.strip() for part in (text or "").split(",")) if name]


def repeated_citations(citations):
    """Messages for each place in a source cited twice for the same field (or twice for the whole record)
    among ``citations``, the current citations of one record. The same source at two places (the review's
    Annex B and its section 3.2.2) is two citations, both welcome."""
    seen, messages = set(), []
    for citation in citations:
        for name in citation.covered_fields or ["the whole record"]:
            key = (citation.source_id, citation.locator.strip().casefold(), name)
            if key in seen:
                slug = citation.source.slug if citation.source_id else "?"
                what = name if name == "the whole record" else f"'{name}'"
                cited = f"{slug} {citation.locator}".rstrip()
                messages.append(f"'{cited}' is cited twice for {what}: cite it once.")
            seen.add(key)
    return messages


class CurrentCitationQuerySet(CuratedQuerySet):
    def current(self):
        """Citations of the current values; superseded ones are the record's history."""
        return self.filter(superseded_at__isnull=True)


class Citation(models.Model):
    """Where in a source a record, or some of its fields, is stated.

    A citation supports the values it was made for: when a curator changes a field it covers, it is
    superseded for that field (apps/curation/citations.py) and keeps the value it stated in
    ``superseded_values``; the public sees only current citations.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(max_length=500, blank=True,
                               help_text="A page, section, paragraph or URL fragment: 'Annex B', 'section 3.1.2', "
                                         "'p. 14', '#members'. Empty only for a web page or a dataset cited whole.")
    quotation = models.CharField(max_length=500, blank=True,
                                 help_text="Optional: the source's own words, briefly (500 characters at most).")
    covers = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Comma-separated names of the fields this citation supports; empty for the whole record.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    superseded_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When a curator changed the values it supported; it no longer applies to the record.",
    )
    superseded_values = models.JSONField(
        default=dict, blank=True, editable=False, help_text="The values it stated, before they were changed.",
    )

    objects = CurrentCitationQuerySet.as_manager()
    history = curated_history()
    bumps_data_version = True  # what is cited, and where, is public data

    class Meta:
        ordering = ["content_type_id", "object_id", "position", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    # The kinds of source that may be cited whole, with no locator: a web page, a dataset.
    CITED_WHOLE = (Source.Kind.WEB_PAGE, Source.Kind.DATASET)

    def __str__(self):
        text = f"{self.source.slug} {self.locator}".rstrip()
        return f"{text} (for {self.covers})" if self.covers else text

    @property
    def covered_fields(self):
        return parse_covers(self.covers)

    @property
    def is_current(self):
        return self.superseded_at is None

    def validate_covers(self):
        """The fields covered are the record's real fields."""
        model = self.content_type.model_class() if self.content_type_id else None
        if model is None:
            return
        known = citable_fields(model)
        unknown = [name for name in self.covered_fields if name not in known]
        if unknown:
            raise ValidationError({"covers": f"A {model._meta.verbose_name} has no field "
                                             f"{', '.join(map(repr, unknown))}; its fields are {', '.join(known)}."})

    def validate_place(self):
        """What the source's kind allows: a place in it (only a web page or a dataset may be cited whole),
        and a quotation (never of a correspondence, whose content is private)."""
        try:
            source = self.source if self.source_id else None
        except Source.DoesNotExist:
            source = None
        if source is None:
            return  # no source, or one that does not exist: the source field says so
        errors = {}
        if not self.locator.strip() and source.kind not in self.CITED_WHOLE:
            errors["locator"] = (f"Say where in {source.get_kind_display().lower()} '{source.slug}' this is stated "
                                 "(a page, section or paragraph): only a web page or a dataset may be cited whole, "
                                 "with no locator.")
        if self.quotation and source.kind == Source.Kind.CORRESPONDENCE:
            errors["quotation"] = "A correspondence's content is private: it cannot be quoted."
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.validate_covers()
        self.validate_place()
        if self.source_id and self.object_id and self.is_current:
            siblings = [c for c in Citation.objects.current().filter(
                content_type_id=self.content_type_id, object_id=self.object_id).exclude(pk=self.pk)
                .select_related("source")]
            repeated = repeated_citations([*siblings, self])
            if repeated:
                raise ValidationError({"source": repeated[0]})


class CitedModel(models.Model):
    """A record whose facts are cited: ``sources`` are its citations, in their order."""

    sources = GenericRelation(Citation)

    class Meta:
        abstract = True
