"""Full-text search of the public records: what each app declares searchable, and the one service that
searches it.

Each feature app declares, once, in its ``records.py``, which of its records the public may find, which of
their fields are searched and how much each weighs, and which public page a hit leads to::

    @register_search
    class MeetingSearch(SearchIndex):
        name, label, model = "meeting", _("Meetings"), Meeting
        fields = (("title", "A"), ("theme", "B"))
        ...

The base knows no app by name: ``search`` loops over the registry (one query per kind of record, whatever
the number of hits).

On PostgreSQL the search is the database's full-text search: English stemming, ``websearch_to_tsquery``
syntax (words, "quoted phrases", ``or``, ``-word``), ranked by ``ts_rank`` over the weighted fields, the
passage highlighted by ``ts_headline``, and each field's words indexed by a GIN index (the migrations of
the apps that declare indexes build them, on PostgreSQL only). On SQLite the same query syntax is matched
word by word at the start of words (case-insensitive, with plural and verb endings dropped from the query's
words, and the common English words PostgreSQL ignores ignored too); hits are ranked by the weights of the
fields they match in, and the passage is highlighted in Python. See docs/search.md for the differences.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "english"
MAX_LENGTH = 200  # as every free-text filter of the API (apps/curation/api/filters.py)
LIMIT = 20  # hits shown per kind of record
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}  # PostgreSQL's default weights of ts_rank

# Marks of a highlighted passage, from characters no text holds, so the text itself can be escaped.
_START, _STOP = "\ue000", "\ue001"

# The words PostgreSQL's English configuration ignores (its 'english' stop words, the most common ones):
# the SQLite matcher ignores them too, so both find the same records.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can did do does doing down during each few for from further had has have having he her here hers him his
how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out
over own same she should so some such than that the their theirs them then there these they this those through
to too under until up very was we were what when where which while who whom why will with you your yours
""".split())


class SearchIndex:
    """What of one model the public may find. Subclass it in an app's records.py under ``@register_search``."""

    name = ""  # the kind of record, e.g. 'mechanism'
    label = ""  # the heading of its hits on the search page, e.g. _("Mechanisms")
    model = None
    fields = ()  # ((field name, weight 'A' to 'D'), ...), the weightiest first
    related = ()  # what ``title`` and ``url`` read, for select_related

    def public(self, queryset):
        """Only the records the public may see (published, approved); all of them by default."""
        return queryset

    def title(self, row):
        return str(row)

    def url(self, row):
        return row.get_absolute_url()


_indexes = {}


def register_search(index_class):
    """Declare a kind of record searchable (a class decorator); each name once."""
    index = index_class()
    if not index.name or index.model is None or not index.fields:
        raise ValueError(f"{index_class.__name__} must name its kind, its model and its fields")
    if index.name in _indexes:
        raise ValueError(f"the search index {index.name!r} is declared twice")
    _indexes[index.name] = index
    return index_class


def search_indexes():
    return list(_indexes.values())


def search_index(name):
    return _indexes[name]


# The query ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple  # one word, or the words of a quoted phrase ('' for a common word inside it)
    negated: bool = False


@dataclass(frozen=True)
class Query:
    """A query in web-search syntax: alternatives (joined by 'or'), each a conjunction of terms."""

    text: str
    alternatives: tuple = field(default=())

    @property
    def has_words(self):
        """False for a query of punctuation or common words only, which finds nothing."""
        return bool(self.alternatives)

    @property
    def terms(self):
        return [term for alternative in self.alternatives for term in alternative if not term.negated]


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def parse(text):
    """The query in ``text``, or a ValidationError saying why it cannot be searched."""
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"Ensure this value has at most {MAX_LENGTH} characters (it has {len(text)}).")
    if any(ord(char) < 32 for char in text):
        raise ValidationError("A search may not contain control characters.")
    text = " ".join(text.split())
    alternatives, current = [], []
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or" and current:
            alternatives.append(current)
            current = []
            continue
        negated = bool(minus) if phrase is not None else bare.startswith("-")
        source = phrase if phrase is not None else bare
        # A common word is left out, but inside a phrase it keeps its place ('' stands for any one word).
        words = tuple("" if w.lower() in STOP_WORDS else w.lower() for w in _WORD.findall(source))
        words = tuple(" ".join(words).strip().split(" ")) if any(words) else ()
        if words:
            current.append(Term(words, negated))
    if current:
        alternatives.append(current)
    alternatives = [tuple(alt) for alt in alternatives if any(not term.negated for term in alt)]
    return Query(text, tuple(alternatives))


# The service --------------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: str  # safe HTML: the escaped passage, matched words in <mark>
    rank: float


def search(text, *, limit=LIMIT):
    """[(index, [Hit])] for each kind of record with hits, the best first; one query per kind of record.
    Raises ValidationError for a query that cannot be searched."""
    query = parse(text)
    if not query.has_words:
        return []
    groups = []
    for index in search_indexes():
        rows = list(matching(index, query).select_related(*index.related)[:limit])
        if rows:
            groups.append((index, [_hit(index, row, query) for row in rows]))
    return groups


def matching(index, query, queryset=None):
    """The public records of ``index`` that match ``query``, annotated with ``search_rank`` (and on
    PostgreSQL ``search_headline``), the best first."""
    queryset = index.public(index.model.objects.all() if queryset is None else queryset)
    if connection.vendor == "postgresql":
        return _postgresql(index, query, queryset)
    return _portable(index, query, queryset)


def rank_matches(index, queryset, text, also=None):
    """``queryset`` narrowed to the public records matching ``text`` (or the condition ``also``), the best
    first, then in the queryset's own order; annotated with ``search_rank``."""
    query = parse(text)
    queryset = index.public(queryset)
    if not query.has_words:
        condition, rank = Q(pk__in=[]), Value(0.0, output_field=FloatField())
    elif connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank  # noqa: PLC0415

        search_query = SearchQuery(query.text, search_type="websearch", config=CONFIG)
        condition = _field_matches(index, search_query)
        rank = SearchRank(_vector(index), search_query)
    else:
        condition, rank = _portable_condition(index, query), _portable_rank(index, query)
    if also is not None:
        condition |= also
    then = queryset.query.order_by or ["pk"]
    return queryset.filter(condition).annotate(search_rank=rank).order_by("-search_rank", *then)


def _hit(index, row, query):
    headline = getattr(row, "search_headline", None)
    if headline is None:
        headline = _portable_headline(index, row, query)
    snippet = escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return Hit(index.name, index.title(row), index.url(row), mark_safe(snippet), float(row.search_rank))  # noqa: S308


# PostgreSQL -------------------------------------------------------------------------------------------


def _vector(index):
    from django.contrib.postgres.search import SearchVector  # noqa: PLC0415

    vector = None
    for name, weight in index.fields:
        part = SearchVector(name, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


def field_vector(name):
    """The expression each field's GIN index is built on; a search filters on it so the index serves."""
    from django.contrib.postgres.search import SearchVector  # noqa: PLC0415

    return SearchVector(name, config=CONFIG)


def _field_matches(index, search_query):
    """Any field's words match: one condition per field, each on the expression of its GIN index."""
    from django.contrib.postgres.search import SearchVectorExact  # noqa: PLC0415

    condition = Q()
    for name, _weight in index.fields:
        condition |= Q(SearchVectorExact(field_vector(name), search_query))
    return condition


def _postgresql(index, query, queryset):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank  # noqa: PLC0415

    search_query = SearchQuery(query.text, search_type="websearch", config=CONFIG)
    text = Concat(*_joined([Coalesce(F(name), Value(""), output_field=TextField()) for name, _weight in index.fields]),
                  output_field=TextField())
    return (queryset.filter(_field_matches(index, search_query))
            .annotate(search_rank=SearchRank(_vector(index), search_query),
                      search_headline=SearchHeadline(text, search_query, config=CONFIG, start_sel=_START,
                                                     stop_sel=_STOP, max_words=30, min_words=12,
                                                     max_fragments=2, fragment_delimiter=" … "))
            .order_by("-search_rank", "pk"))


def _joined(parts):
    joined = []
    for part in parts:
        if joined:
            joined.append(Value(" … "))
        joined.append(part)
    return joined if len(joined) > 1 else [*joined, Value("")]


# SQLite and any other database -----------------------------------------------------------------------


_ENDINGS = ("ing", "ions", "ion", "es", "ed", "e", "s")


def _stem(word):
    """The start a word's forms share, roughly: 'migrants' → 'migrant', 'migrating' and 'migration' → 'migrat'."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _pattern(term):
    """A regular expression for a term: each word's stem at the start of a word, a phrase's words in order."""
    parts = [re.escape(_stem(word)) + r"\w*" if word else r"\w+" for word in term.words]
    return r"\b" + r"\W+".join(parts)


def _term_condition(index, term):
    condition = Q()
    for name, _weight in index.fields:
        condition |= Q(**{f"{name}__iregex": _pattern(term)})
    return ~condition if term.negated else condition


def _portable_condition(index, query):
    condition = Q()
    for alternative in query.alternatives:
        both = Q()
        for term in alternative:
            both &= _term_condition(index, term)
        condition |= both
    return condition


def _portable_rank(index, query):
    """The sum, over the fields and the query's words, of the weight of each field a word is found in."""
    rank = Value(0.0, output_field=FloatField())
    for name, weight in index.fields:
        for term in query.terms:
            rank = rank + Case(When(**{f"{name}__iregex": _pattern(term)}, then=Value(WEIGHTS[weight])),
                               default=Value(0.0), output_field=FloatField())
    return rank


def _portable(index, query, queryset):
    return (queryset.filter(_portable_condition(index, query))
            .annotate(search_rank=_portable_rank(index, query)).order_by("-search_rank", "pk"))


def _portable_headline(index, row, query, words=30):
    """The passage of the first field (the weightiest) that holds a word of the query, the words marked."""
    patterns = [re.compile(_pattern(term), re.IGNORECASE) for term in query.terms]
    texts = [getattr(row, name) or "" for name, _weight in index.fields]
    for text in texts:
        found = [m for p in patterns for m in p.finditer(text)]
        if not found:
            continue
        first = min(m.start() for m in found)
        tokens = list(re.finditer(r"\S+", text))
        at = next((i for i, token in enumerate(tokens) if token.end() > first), 0)
        start = max(0, at - words // 3)
        window = text[tokens[start].start(): tokens[min(len(tokens), start + words) - 1].end()]
        marked = _mark(window, patterns)
        return ("… " if start else "") + marked + (" …" if start + words < len(tokens) else "")
    return next((text for text in texts if text), "")[:200]


def _mark(text, patterns):
    spans = sorted({(m.start(), _word_end(text, m.end())) for p in patterns for m in p.finditer(text)})
    out, at = [], 0
    for start, end in spans:
        if start < at:
            continue
        out += [text[at:start], _START, text[start:end], _STOP]
        at = end
    return "".join([*out, text[at:]])


def _word_end(text, end):
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return end


# Migrations ---------------------------------------------------------------------------------------------


def text_indexes(model_name, field_names):
    """A migration operation that builds a GIN index of each field's words, on PostgreSQL only (SQLite has
    no such index; its search reads the table). Use it in the migration of the app whose records.py
    declares the fields searchable, e.g. ``text_indexes("meetings.Meeting", ["title", "theme"])``."""
    from django.db import migrations  # noqa: PLC0415

    def indexes(model):
        from django.contrib.postgres.indexes import GinIndex  # noqa: PLC0415

        return [GinIndex(field_vector(name), name=f"{model._meta.model_name[:12]}_{name[:12]}_fts")
                for name in field_names]

    def build(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(model_name)
            for index in indexes(model):
                schema_editor.add_index(model, index)

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(model_name)
            for index in indexes(model):
                schema_editor.remove_index(model, index)

    return migrations.RunPython(build, drop, elidable=False)
