"""Reading and writing the YAML of the dataset format (see docs/dataset-format.md)."""

import yaml

# Files of reference data, in the order they must be loaded.
REGIONS_FILE = "regions.yaml"
THEMES_FILE = "themes.yaml"
EDITIONS_FILE = "editions.yaml"
SOURCES_FILE = "sources.yaml"
STATES_FILE = "states.yaml"
ORGANIZATIONS_FILE = "organizations.yaml"
MECHANISMS_DIR = "mechanisms"
REFERENCE_FILES = (REGIONS_FILE, THEMES_FILE, EDITIONS_FILE, SOURCES_FILE, STATES_FILE, ORGANIZATIONS_FILE)

HEADERS = {
    REGIONS_FILE: "The regional groupings of the review (Annex A).",
    THEMES_FILE: "The controlled vocabulary of themes onto which mechanisms' objectives are mapped.",
    EDITIONS_FILE: "Review editions.",
    SOURCES_FILE: "Sources other than review editions: documents, web pages, correspondence, datasets.",
    STATES_FILE: "States: ISO 3166-1 entries plus Kosovo, their kind, and their names over time.",
    ORGANIZATIONS_FILE: "Organisations, blocs and cooperation frameworks.",
}


class _Dumper(yaml.SafeDumper):
    """Block style for records, flow style for short lists of plain values; indented sequences."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_str(dumper, value):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 80:  # prose: folded, so that it reads as a paragraph
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class FlowMapping(dict):
    """A short mapping written on one line, such as a citation with the fields it covers."""


def _represent_flow_mapping(dumper, value):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


class QuotedText(str):
    """A short text always written in single quotes, such as a citation's quotation."""


def _represent_quoted(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="'")


class PartialDateText(str):
    """A partial date in a file: always quoted, so that '2012' stays text and reads as a date."""


def _represent_partial_date(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="'")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(PartialDateText, _represent_partial_date)
_Dumper.add_representer(FlowMapping, _represent_flow_mapping)
_Dumper.add_representer(QuotedText, _represent_quoted)


# Keys whose values are partial dates: always written quoted.
# (A web page's 'accessed' is a whole date, quoted the same way.)
PARTIAL_DATE_KEYS = frozenset({"founded", "ended", "start", "end", "date", "valid_from", "valid_until", "published",
                               "accessed"})

# The keys of a citation written as a mapping, in their order.
CITATION_KEYS = ("cite", "for", "quote")


def _presented(value, key=None):
    """Mark values for presentation: partial dates quoted, citations with 'for' on one line."""
    if isinstance(value, dict):
        marked = {k: _presented(v, k) for k, v in value.items()}
        if "cite" in value and set(value) <= set(CITATION_KEYS):
            if "quote" in marked:
                marked["quote"] = QuotedText(marked["quote"])
            return FlowMapping(marked)
        return marked
    if isinstance(value, list):
        return [_presented(item) for item in value]
    if key in PARTIAL_DATE_KEYS and isinstance(value, str):
        return PartialDateText(value)
    return value


def dump(data, header=""):
    text = yaml.dump(
        _presented(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return (f"# {header}\n" if header else "") + text


def load(text):
    """Parse YAML with the safe loader; dates stay strings, never Python dates.

    libyaml's loader reads it when installed (several times faster); a text it refuses is read again by
    the pure-Python loader, whose error messages, worded differently from libyaml's, the import reports.
    """
    if _FastStringDateLoader is not None:
        try:
            return yaml.load(text, Loader=_FastStringDateLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_StringDateLoader)


class _RefusingRepeatedKeys:
    """Refuses a key written twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _StringDateLoader(_RefusingRepeatedKeys, yaml.SafeLoader):
    """The safe loader, refusing repeated keys, dates kept as strings."""


_FastStringDateLoader = (type("_FastStringDateLoader", (_RefusingRepeatedKeys, yaml.CSafeLoader), {})
                         if hasattr(yaml, "CSafeLoader") else None)

# An unquoted 2012-06-11 must not become a datetime.date: the format's dates are strings.
_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
if _FastStringDateLoader is not None:
    _FastStringDateLoader.yaml_implicit_resolvers = _StringDateLoader.yaml_implicit_resolvers


def parse_citation(item):
    """A citation as written in a file -> (source slug, locator, [covered fields], quotation).

    Written as 'harns-2013 Annex B', or {cite: 'harns-2013 Annex D', for: [kind, governance], quote: '…'}.
    A web page or a dataset may be cited whole, by its slug alone: 'iom-khartoum-process' (the locator is
    then ''; the model says which kinds of source allow it).
    """
    covers, quotation = [], ""
    if isinstance(item, dict):
        unknown = [key for key in item if key not in CITATION_KEYS]
        if unknown or "cite" not in item:
            raise ValueError(f"a citation mapping has the keys 'cite', 'for' and 'quote', got {sorted(map(str, item))}")
        covers = item.get("for") or []
        if not isinstance(covers, list) or not all(isinstance(name, str) for name in covers):
            raise ValueError("'for' must be a list of field names")
        quotation = item.get("quote") or ""
        if not isinstance(quotation, str):
            raise ValueError("'quote' must be text")
        item = item["cite"]
    if not isinstance(item, str) or not item.strip():
        raise ValueError(f"a citation is '<source> <locator>', e.g. 'harns-2013 Annex B'; got {item!r}")
    source, _space, locator = item.strip().partition(" ")
    return source, locator.strip(), covers, quotation.strip()


def format_citation(source, locator, covers=(), quotation=""):
    """A citation as a file writes it: plain text, or a mapping when it names fields or quotes the source."""
    text = f"{source} {locator}" if locator else source
    if not covers and not quotation:
        return text
    written = {"cite": text}
    if covers:
        written["for"] = list(covers)
    if quotation:
        written["quote"] = quotation
    return written
