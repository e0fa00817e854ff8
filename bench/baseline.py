"""The physical limit: each benchmarked API response built by one hand-written SQL query through psycopg and
serialised to JSON directly, served as a bare WSGI app by the same gunicorn as the site.

No Django, no ORM, no serializer: the database assembles the nested lists (json_agg), Python adds the links
and calls json.dumps. The output is the API's own JSON (bench.py checks it key for key at x1).

    gunicorn --chdir bench baseline:app    (BASELINE_DATABASE_URL=postgres://...)
"""

import json
import os
import threading
from urllib.parse import parse_qs

import psycopg

_local = threading.local()

CITATIONS = """coalesce((SELECT json_agg(json_build_object('edition', s.slug, 'source', s.slug, 'locator', c.locator,
    'quotation', c.quotation, 'covers', c.covers) ORDER BY c.position, c.id)
    FROM curation_citation c JOIN curation_source s ON s.id = c.source_id
    WHERE c.content_type_id = {ct} AND c.object_id = {id} AND s.is_public AND c.superseded_at IS NULL), '[]')"""

MECHANISM_PAGE = """
WITH page AS (SELECT * FROM mechanisms_mechanism ORDER BY name, id LIMIT %(limit)s OFFSET %(offset)s)
SELECT (SELECT count(*) FROM mechanisms_mechanism), json_build_object(
  'slug', m.slug, 'acronym', m.acronym, 'name', m.name, 'kind', m.kind, 'governance', m.governance,
  'region', json_build_object('slug', r.slug, 'name', r.name, 'order', r."order"),
  'status', m.status, 'founded', m.founded, 'ended', m.ended,
  'parent_framework', CASE WHEN pf.id IS NULL THEN NULL ELSE
      json_build_object('slug', pf.slug, 'acronym', pf.acronym, 'name', pf.name, 'kind', pf.kind) END,
  'predecessor', CASE WHEN pr.id IS NULL THEN NULL ELSE
      json_build_object('slug', pr.slug, 'acronym', pr.acronym, 'name', pr.name, 'kind', pr.kind) END,
  'successors', coalesce((SELECT json_agg(json_build_object('slug', s.slug, 'acronym', s.acronym, 'name', s.name,
      'kind', s.kind) ORDER BY s.name, s.id) FROM mechanisms_mechanism s WHERE s.predecessor_id = m.id), '[]'),
  'themes', coalesce((SELECT json_agg(t.slug ORDER BY t.name, t.id) FROM mechanisms_mechanism_themes mt
      JOIN mechanisms_theme t ON t.id = mt.theme_id WHERE mt.mechanism_id = m.id), '[]'),
  'participations', coalesce((SELECT json_agg(json_build_object(
      'state', CASE WHEN st.id IS NULL THEN NULL ELSE json_build_object('alpha3', st.alpha3, 'name', st.name) END,
      'organization', CASE WHEN o.id IS NULL THEN NULL ELSE
          json_build_object('slug', o.slug, 'acronym', o.acronym, 'name', o.name, 'kind', o.kind) END,
      'role', p.role, 'as_written', p.as_written, 'start', p.start, 'end', p."end")
      ORDER BY p.role, p.as_written, p.id)
    FROM mechanisms_participation p LEFT JOIN states_state st ON st.id = p.state_id
    LEFT JOIN states_organization o ON o.id = p.organization_id WHERE p.mechanism_id = m.id), '[]'))
FROM page m JOIN mechanisms_region r ON r.id = m.region_id
LEFT JOIN states_organization pf ON pf.id = m.parent_framework_id
LEFT JOIN mechanisms_mechanism pr ON pr.id = m.predecessor_id
ORDER BY m.name, m.id
"""

MEETINGS_OF_YEAR = """
WITH page AS (SELECT * FROM meetings_meeting WHERE start_earliest >= make_date(%(year)s, 1, 1)
              AND start_earliest < make_date(%(year)s + 1, 1, 1) ORDER BY start_earliest, slug
              LIMIT %(limit)s OFFSET %(offset)s)
SELECT (SELECT count(*) FROM meetings_meeting WHERE start_earliest >= make_date(%(year)s, 1, 1)
        AND start_earliest < make_date(%(year)s + 1, 1, 1)), json_build_object(
  'slug', x.slug, 'title', x.title, 'kind', x.kind, 'status', x.status, 'start', x.start, 'end', x."end",
  'date_as_written', x.date_as_written, 'city', x.city,
  'host', CASE WHEN h.id IS NULL THEN NULL ELSE json_build_object('alpha3', h.alpha3, 'name', h.name) END,
  'venue_as_written', x.venue_as_written, 'theme', x.theme, 'note', x.note,
  'mechanism', json_build_object('slug', m.slug, 'acronym', m.acronym, 'name', m.name, 'kind', m.kind),
  'sources', """ + CITATIONS.format(ct="%(meeting_ct)s", id="x.id") + """)
FROM page x JOIN mechanisms_mechanism m ON m.id = x.mechanism_id LEFT JOIN states_state h ON h.id = x.host_id
ORDER BY x.start_earliest, x.slug
"""

STATE_DETAIL = """
SELECT json_build_object(
  'alpha3', s.alpha3, 'alpha2', s.alpha2, 'numeric', s.numeric, 'name', s.name, 'official_name', s.official_name,
  'kind', s.kind,
  'sovereign', CASE WHEN sv.id IS NULL THEN NULL ELSE json_build_object('alpha3', sv.alpha3, 'name', sv.name) END,
  'note', s.note,
  'names', coalesce((SELECT json_agg(json_build_object('name', n.name, 'kind', n.kind, 'language', n.language,
      'valid_from', n.valid_from,
      'valid_until', n.valid_until) ORDER BY n.valid_from, n.name, n.id) FROM states_statename n
      WHERE n.state_id = s.id), '[]'),
  'participations', coalesce((SELECT json_agg(json_build_object(
      'mechanism', json_build_object('slug', m.slug, 'acronym', m.acronym, 'name', m.name, 'kind', m.kind),
      'role', p.role, 'as_written', p.as_written, 'start', p.start, 'end', p."end", 'note', p.note,
      'sources', """ + CITATIONS.format(ct="%(participation_ct)s", id="p.id") + """)
      ORDER BY m.name, p.role, p.start, p.id)
    FROM mechanisms_participation p JOIN mechanisms_mechanism m ON m.id = p.mechanism_id
    WHERE p.state_id = s.id), '[]'),
  'sources', """ + CITATIONS.format(ct="%(state_ct)s", id="s.id") + """)
FROM states_state s LEFT JOIN states_state sv ON sv.id = s.sovereign_id WHERE s.alpha3 = %(alpha3)s
"""

MECHANISM_DETAIL = """
SELECT json_build_object(
  'slug', m.slug, 'acronym', m.acronym, 'name', m.name, 'kind', m.kind, 'governance', m.governance,
  'region', json_build_object('slug', r.slug, 'name', r.name, 'order', r."order"),
  'status', m.status, 'founded', m.founded, 'ended', m.ended,
  'parent_framework', CASE WHEN pf.id IS NULL THEN NULL ELSE
      json_build_object('slug', pf.slug, 'acronym', pf.acronym, 'name', pf.name, 'kind', pf.kind) END,
  'predecessor', CASE WHEN pr.id IS NULL THEN NULL ELSE
      json_build_object('slug', pr.slug, 'acronym', pr.acronym, 'name', pr.name, 'kind', pr.kind) END,
  'successors', coalesce((SELECT json_agg(json_build_object('slug', s.slug, 'acronym', s.acronym, 'name', s.name,
      'kind', s.kind) ORDER BY s.name, s.id) FROM mechanisms_mechanism s WHERE s.predecessor_id = m.id), '[]'),
  'themes', coalesce((SELECT json_agg(t.slug ORDER BY t.name, t.id) FROM mechanisms_mechanism_themes mt
      JOIN mechanisms_theme t ON t.id = mt.theme_id WHERE mt.mechanism_id = m.id), '[]'),
  'participations', coalesce((SELECT json_agg(json_build_object(
      'state', CASE WHEN st.id IS NULL THEN NULL ELSE json_build_object('alpha3', st.alpha3, 'name', st.name) END,
      'organization', CASE WHEN o.id IS NULL THEN NULL ELSE
          json_build_object('slug', o.slug, 'acronym', o.acronym, 'name', o.name, 'kind', o.kind) END,
      'role', p.role, 'as_written', p.as_written, 'start', p.start, 'end', p."end", 'note', p.note,
      'sources', """ + CITATIONS.format(ct="%(participation_ct)s", id="p.id") + """)
      ORDER BY p.role, p.as_written, p.id)
    FROM mechanisms_participation p LEFT JOIN states_state st ON st.id = p.state_id
    LEFT JOIN states_organization o ON o.id = p.organization_id WHERE p.mechanism_id = m.id), '[]'),
  'status_note', m.status_note,
  'other_names', coalesce((SELECT json_agg(json_build_object('name', n.name, 'kind', n.kind, 'language', n.language,
      'valid_from', n.valid_from, 'valid_until', n.valid_until) ORDER BY n.valid_from, n.name, n.id)
      FROM mechanisms_mechanismname n WHERE n.mechanism_id = m.id), '[]'),
  'website', m.website, 'objectives', m.objectives, 'secretariat_note', m.secretariat_note,
  'meetings', (SELECT json_build_object('count', count(*), 'held', count(*) FILTER (WHERE x.status = 'held'),
      'forthcoming', count(*) FILTER (WHERE x.status = 'forthcoming'),
      'first', (array_agg(x.start ORDER BY x.start_earliest, x.start) FILTER (WHERE x.start_earliest IS NOT NULL))[1],
      'last', (array_agg(x.start ORDER BY x.start_earliest DESC, x.start DESC)
               FILTER (WHERE x.start_earliest IS NOT NULL))[1],
      'per_year', coalesce((SELECT json_object_agg(y, n ORDER BY y) FROM (SELECT extract(year FROM start_earliest)::int
          AS y, count(*) AS n FROM meetings_meeting WHERE mechanism_id = m.id AND start_earliest IS NOT NULL
          GROUP BY 1) years), '{}'))
      FROM meetings_meeting x WHERE x.mechanism_id = m.id),
  'documents', coalesce((SELECT json_agg(json_build_object('slug', d.slug, 'title', d.title, 'kind', d.kind,
      'date', d.date, 'meeting', dm.slug, 'link', d.url) ORDER BY d.date_earliest, d.title, d.id)
      FROM meetings_document d LEFT JOIN meetings_meeting dm ON dm.id = d.meeting_id WHERE d.mechanism_id = m.id),
      '[]'),
  'review_entries', coalesce((SELECT json_agg(json_build_object('edition', e.slug, 'year', e.year,
      'section', re.section, 'kind', re.kind, 'governance', re.governance, 'region', rr.slug,
      'background', re.background, 'agenda', re.agenda, 'linkages', re.linkages,
      'taxonomic_placement', re.taxonomic_placement) ORDER BY e.year, re.section, re.id)
      FROM reviews_reviewentry re JOIN reviews_reviewedition e ON e.id = re.edition_id
      JOIN mechanisms_region rr ON rr.id = re.region_id WHERE re.mechanism_id = m.id AND e.status = 'published'),
      '[]'),
  'discrepancies', coalesce((SELECT json_agg(json_build_object('subject', d.subject, 'recorded', d.recorded,
      'recorded_source', s1.slug || ' ' || d.recorded_locator, 'conflicting', d.conflicting,
      'conflicting_source', s2.slug || ' ' || d.conflicting_locator, 'note', d.note) ORDER BY d.position, d.id)
      FROM reviews_discrepancy d JOIN curation_source s1 ON s1.id = d.recorded_source_id
      JOIN curation_source s2 ON s2.id = d.conflicting_source_id
      WHERE d.mechanism_id = m.id AND s1.is_public AND s2.is_public), '[]'),
  'sources', """ + CITATIONS.format(ct="%(mechanism_ct)s", id="m.id") + """)
FROM mechanisms_mechanism m JOIN mechanisms_region r ON r.id = m.region_id
LEFT JOIN states_organization pf ON pf.id = m.parent_framework_id
LEFT JOIN mechanisms_mechanism pr ON pr.id = m.predecessor_id
WHERE m.slug = %(slug)s
"""


def _connection():
    if getattr(_local, "connection", None) is None:
        _local.connection = psycopg.connect(os.environ["BASELINE_DATABASE_URL"], autocommit=True)
        with _local.connection.cursor() as cursor:
            cursor.execute("SELECT app_label || '.' || model, id FROM django_content_type")
            _local.content_types = dict(cursor.fetchall())
    return _local.connection


def _covers(citations):
    for citation in citations:
        citation["covers"] = [name for name in (p.strip() for p in citation["covers"].split(",")) if name]
    return citations


def _page_links(base, path, query, page, size, count):
    def link(number):
        params = {**{k: v[0] for k, v in query.items()}, "page": str(number)}
        if number == 1:
            params.pop("page")
        return f"{base}{path}?" + "&".join(f"{k}={params[k]}" for k in sorted(params)) if params else f"{base}{path}"
    return (link(page + 1) if page * size < count else None), (link(page - 1) if page > 1 else None)


def _list(sql, params, base, path, query, page, size, shape):
    with _connection().cursor() as cursor:
        cursor.execute(sql, {**params, "limit": size, "offset": (page - 1) * size})
        rows = cursor.fetchall()
    count = rows[0][0] if rows else 0
    following, previous = _page_links(base, path, query, page, size, count)
    return {"count": count, "next": following, "previous": previous, "results": [shape(row[1]) for row in rows]}


def _one(sql, params):
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def respond(path, query, base):
    """The JSON document for ``path``, or None if it is not one of the benchmarked endpoints."""
    _connection()
    ct = {f"{name}_ct": _local.content_types[f"{app}.{name}"] for app, name in (
        ("mechanisms", "mechanism"), ("mechanisms", "participation"), ("meetings", "meeting"), ("states", "state"))}
    page, size = int(query.get("page", ["1"])[0]), int(query.get("page_size", ["50"])[0])
    api = f"{base}/api/v1"
    mechanism_url = lambda slug: f"{api}/mechanisms/{slug}/"  # noqa: E731

    def ref(mechanism):
        return {**mechanism, "url": mechanism_url(mechanism["slug"])} if mechanism else None

    if path == "/api/v1/mechanisms/":
        def shape(m):
            m["predecessor"] = ref(m["predecessor"])
            m["successors"] = [ref(s) for s in m["successors"]]
            m["url"] = mechanism_url(m["slug"])
            return m
        return _list(MECHANISM_PAGE, ct, base, path, query, page, size, shape)
    if path == "/api/v1/meetings/":
        def shape(x):
            x["mechanism"] = ref(x["mechanism"])
            x["sources"] = _covers(x["sources"])
            x["url"] = f"{api}/meetings/{x['slug']}/"
            return x
        return _list(MEETINGS_OF_YEAR, {**ct, "year": int(query["year"][0])}, base, path, query, page, size, shape)
    if path.startswith("/api/v1/states/"):
        state = _one(STATE_DETAIL, {**ct, "alpha3": path.split("/")[4].upper()})
        state["url"] = f"{api}/states/{state['alpha3']}/"
        for participation in state["participations"]:
            participation["mechanism"] = ref(participation["mechanism"])
            _covers(participation["sources"])
        _covers(state["sources"])
        order = ["alpha3", "alpha2", "numeric", "name", "official_name", "kind", "sovereign", "note", "url", "names",
                 "participations", "sources"]
        return {key: state[key] for key in order}
    if path.startswith("/api/v1/mechanisms/"):
        m = _one(MECHANISM_DETAIL, {**ct, "slug": path.split("/")[4]})
        m["predecessor"] = ref(m["predecessor"])
        m["successors"] = [ref(s) for s in m["successors"]]
        for participation in m["participations"]:
            _covers(participation["sources"])
        _covers(m["sources"])
        m["meetings"]["per_year"] = {str(year): n for year, n in m["meetings"]["per_year"].items()}
        m["meetings"]["list_url"] = f"{api}/meetings/?mechanism={m['slug']}"
        m["url"] = mechanism_url(m["slug"])
        return m
    return None


def app(environ, start_response):
    base = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST') or environ['SERVER_NAME']}"
    document = respond(environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", "")), base)
    if document is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not benchmarked"]
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
