"""Citations follow their values: a citation supports the value it was made for, not the next one.

When a curator changes a field, the citations that covered it stop applying to the record: they are
superseded for that field and keep the value they stated. A citation that also covered fields that did
not change keeps covering those. The public sees only current citations (selectors.py), and a changed
value left without one is a data problem that blocks publishing (apps/dataset/quality.py).
"""

from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Citation, Source, citable_fields


def stated_value(instance, name):
    """A field's value as a citation remembers it: plain JSON, a related record by its name."""
    field = instance._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        related = getattr(instance, name)
        return "" if related is None else str(related)
    value = field.value_from_object(instance)
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def changed_fields(before, after):
    """{field name: value before} for each citable field whose value differs between two versions."""
    changed = {}
    for name in citable_fields(type(after)):
        field = after._meta.get_field(name) if name in {f.name for f in after._meta.get_fields()} else None
        if field is None or field.many_to_many or not field.concrete:
            continue
        if field.value_from_object(before) != field.value_from_object(after):
            changed[name] = stated_value(before, name)
    return changed


@transaction.atomic
def supersede_citations(instance, changed):
    """The citations of ``instance`` that covered a field in ``changed`` ({name: old value}) no longer
    apply to it. Returns the superseded citations."""
    if not changed:
        return []
    at = timezone.now()
    content_type = ContentType.objects.get_for_model(instance)
    fields = citable_fields(type(instance))
    superseded = []
    current = list(Citation.objects.current().filter(content_type=content_type, object_id=instance.pk))
    for citation in current:
        covered = citation.covered_fields or fields
        hit = [name for name in covered if name in changed]
        if not hit:
            continue
        kept = [name for name in covered if name not in changed]
        if not citation.covered_fields:  # once for the whole record: not again where the same place is cited
            named = {name for other in current if other.source_id == citation.source_id
                     and other.locator == citation.locator for name in other.covered_fields}
            kept = [name for name in kept if name not in named]
        old = {name: changed[name] for name in hit}
        if kept:  # it still supports the fields that did not change; a copy keeps what it said of the others
            citation.covers = ",".join(kept)
            citation.save()
            citation = Citation(source_id=citation.source_id, locator=citation.locator, quotation=citation.quotation,
                                covers=",".join(hit), position=citation.position, content_type=content_type,
                                object_id=instance.pk)
        citation.superseded_at, citation.superseded_values = at, old
        citation.save()
        superseded.append(citation)
    return superseded


def follow_changes(before, after):
    """Call after saving ``after``, a new version of the record ``before`` was loaded as."""
    if before is None or not isinstance(after, models.Model):
        return []
    return supersede_citations(after, changed_fields(before, after))


class CitingRefused(Exception):
    """Citing was refused: the reasons name each row, and nothing was saved."""

    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def cite(records, *, source, locator, covers="", quotation="", user):
    """Cite one place in ``source`` for each of ``records``, after the record's own citations; all or none.
    The same rules as a single citation's apply to each row (the fields it has, one citation per place)."""
    if user is None or not user.has_perm("curation.add_citation"):
        raise CitingRefused([f"{user or 'Nobody'} may not cite sources: it takes the curator role."])
    reasons, citations = [], []
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        siblings = Citation.objects.filter(content_type=content_type, object_id=record.pk)
        position = max(siblings.values_list("position", flat=True), default=-1) + 1
        citation = Citation(source=source, locator=locator, covers=covers, quotation=quotation, position=position,
                            content_type=content_type, object_id=record.pk)
        try:
            citation.full_clean()
        except ValidationError as error:
            reasons += [f"{record}: {message}" for messages in error.message_dict.values() for message in messages]
        citations.append(citation)
    if reasons:
        raise CitingRefused(reasons)
    with transaction.atomic():
        for citation in citations:
            citation.save()
    return citations


def web_page_from_url(url, *, title=""):
    """A new web-page source for ``url``, read today; validated like any source, not saved."""
    parts = urlsplit(url)
    stem = slugify(f"{parts.hostname or ''} {parts.path}")[:50].strip("-") or "web-page"
    slug, number = stem, 1
    while Source.objects.filter(slug__iexact=slug).exists():
        number += 1
        slug = f"{stem}-{number}"
    source = Source(slug=slug, kind=Source.Kind.WEB_PAGE, title=title or url[:400], url=url,
                    publisher=parts.hostname or "", accessed=timezone.localdate())
    source.full_clean()
    return source


def source_for_url(url, *, title=""):
    """The source to cite for a pasted address: the source already registered with exactly this address
    (pasting it twice registers nothing twice), else a new web page for it (titled ``title``, by default
    its address), validated and not saved."""
    registered = Source.objects.filter(url=url).order_by("pk").first()
    return registered if registered is not None else web_page_from_url(url, title=title)
