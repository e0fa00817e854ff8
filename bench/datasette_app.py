"""The peer: Datasette serving the snapshot's data package (loaded by datasette_db.py), one canned query per
benchmarked endpoint, each building the API's nested JSON in SQLite (json_object, json_group_array).

Run in Datasette's own virtualenv (bench.py makes it), as uvicorn serves an ASGI app in production:

    RCP_DATASETTE_DB=rcp.db uvicorn --app-dir bench datasette_app:app --workers 2
    python bench/datasette_app.py > metadata.json     # the same queries for `datasette serve -i rcp.db -m ...`

Each query answers one row whose column "document" is the endpoint's JSON, given with ?_shape=array&_json=document.
The API's links are absolute, so every query takes the site's base URL as :base and writes the same links.

Order: SQLite 3.40 has no ORDER BY inside an aggregate; each list is aggregated from a subquery that sorts it
(SQLite keeps that order). The API sorts by database id last, to break ties; here the row's position in the
package's CSV (rowid) stands for it. Dates are partial (YYYY, YYYY-MM, YYYY-MM-DD): the API sorts and filters by
their earliest day, here ``substr(date || '-01-01', 1, 10)``; an undated row sorts last, as PostgreSQL puts NULL.
SQLite drops the JSON mark of a value that comes out of a subquery, so such values are wrapped in json().
"""

import json
import os

EARLIEST = "substr({0} || '-01-01', 1, 10)"


def citations(record_type, record):
    return f"""json((SELECT json_group_array(json_object('edition', c.slug, 'source', c.slug, 'locator', c.locator,
        'quotation', c.quotation, 'covers',
        json(CASE WHEN c.covers = '' THEN '[]' ELSE '["' || replace(c.covers, ',', '","') || '"]' END)))
      FROM (SELECT coalesce(edition, source) AS slug, locator, quotation, covers FROM citations
            WHERE record_type = '{record_type}' AND record = {record} ORDER BY position) c))"""


def mechanism_ref(alias, prefix=""):
    """A mechanism reference with its link, from columns ``alias.{prefix}slug`` ... (a join or a subquery)."""
    return (f"json_object('slug', {alias}.{prefix}slug, 'acronym', {alias}.{prefix}acronym, "
            f"'name', {alias}.{prefix}name, 'kind', {alias}.{prefix}kind, "
            f"'url', :base || '/api/v1/mechanisms/' || {alias}.{prefix}slug || '/')")


def participations(detail):
    """A mechanism's participations, in the API's order; the detail adds each one's note and sources."""
    extra = f", 'note', p.note, 'sources', {citations('participation', 'p.key')}" if detail else ""
    return f"""json((SELECT json_group_array(json_object(
        'state', json(CASE WHEN p.state IS NULL THEN NULL
            ELSE json_object('alpha3', p.state, 'name', p.state_name) END),
        'organization', json(CASE WHEN p.organization IS NULL THEN NULL ELSE json_object('slug', p.organization,
            'acronym', p.org_acronym, 'name', p.org_name, 'kind', p.org_kind) END),
        'role', p.role, 'as_written', p.as_written, 'start', p.start, 'end', p."end"{extra}))
      FROM (SELECT p.*, st.name AS state_name, o.acronym AS org_acronym, o.name AS org_name, o.kind AS org_kind
            FROM participations p LEFT JOIN states st ON st.alpha3 = p.state
            LEFT JOIN organizations o ON o.slug = p.organization
            WHERE p.mechanism = m.slug ORDER BY p.role, p.as_written, p.rowid) p))"""


# The fields a mechanism shows in the list and in its detail, from ``m`` joined as MECHANISM_JOINS does.
MECHANISM_FIELDS = f"""
  'slug', m.slug, 'acronym', m.acronym, 'name', m.name, 'kind', m.kind, 'governance', m.governance,
  'region', json_object('slug', m.region, 'name', m.region_name, 'order', m.region_order),
  'status', m.status, 'founded', m.founded, 'ended', m.ended,
  'parent_framework', json(CASE WHEN m.parent_framework IS NULL THEN NULL ELSE json_object('slug', m.parent_framework,
      'acronym', m.pf_acronym, 'name', m.pf_name, 'kind', m.pf_kind) END),
  'predecessor', json(CASE WHEN m.predecessor IS NULL THEN NULL ELSE {mechanism_ref('m', 'pr_')} END),
  'successors', json((SELECT json_group_array({mechanism_ref('s')})
      FROM (SELECT * FROM mechanisms s WHERE s.predecessor = m.slug ORDER BY s.name, s.rowid) s)),
  'themes', json((SELECT json_group_array(t.slug) FROM (SELECT t.slug FROM mechanism_themes mt
      JOIN themes t ON t.slug = mt.theme WHERE mt.mechanism = m.slug ORDER BY t.name, t.rowid) t)),
  'url', :base || '/api/v1/mechanisms/' || m.slug || '/'"""

MECHANISM_COLUMNS = """m.*, r.name AS region_name, r."order" AS region_order,
  pf.acronym AS pf_acronym, pf.name AS pf_name, pf.kind AS pf_kind,
  pr.slug AS pr_slug, pr.acronym AS pr_acronym, pr.name AS pr_name, pr.kind AS pr_kind"""
MECHANISM_JOINS = """JOIN regions r ON r.slug = m.region LEFT JOIN organizations pf ON pf.slug = m.parent_framework
  LEFT JOIN mechanisms pr ON pr.slug = m.predecessor"""

MECHANISM_DETAIL = f"""SELECT json_object({MECHANISM_FIELDS},
  'participations', {participations(detail=True)},
  'status_note', m.status_note,
  'other_names', json((SELECT json_group_array(json_object('name', n.name, 'kind', n.kind, 'language', n.language,
      'valid_from', n.valid_from, 'valid_until', n.valid_until))
    FROM (SELECT * FROM mechanism_names n WHERE n.mechanism = m.slug ORDER BY n.valid_from, n.name, n.rowid) n)),
  'website', m.website, 'objectives', m.objectives, 'secretariat_note', m.secretariat_note,
  'meetings', json((SELECT json_object('count', count(*), 'held', count(*) FILTER (WHERE x.status = 'held'),
      'forthcoming', count(*) FILTER (WHERE x.status = 'forthcoming'),
      'first', (SELECT start FROM meetings WHERE mechanism = m.slug AND start != ''
                ORDER BY {EARLIEST.format('start')}, start LIMIT 1),
      'last', (SELECT start FROM meetings WHERE mechanism = m.slug AND start != ''
               ORDER BY {EARLIEST.format('start')} DESC, start DESC LIMIT 1),
      'per_year', json((SELECT json_group_object(y.year, y.n) FROM (SELECT substr(start, 1, 4) AS year, count(*) AS n
          FROM meetings WHERE mechanism = m.slug AND start != '' GROUP BY 1 ORDER BY 1) y)),
      'list_url', :base || '/api/v1/meetings/?mechanism=' || m.slug)
    FROM meetings x WHERE x.mechanism = m.slug)),
  'documents', json((SELECT json_group_array(json_object('slug', d.slug, 'title', d.title, 'kind', d.kind,
      'date', d.date, 'meeting', d.meeting, 'link', d.url))
    FROM (SELECT * FROM documents d WHERE d.mechanism = m.slug
          ORDER BY d.date = '', {EARLIEST.format('d.date')}, d.title, d.rowid) d)),
  'review_entries', json((SELECT json_group_array(json_object('edition', e.edition, 'year', e.year,
      'section', e.section, 'kind', e.kind, 'governance', e.governance, 'region', e.region,
      'background', e.background, 'agenda', e.agenda, 'linkages', e.linkages,
      'taxonomic_placement', e.taxonomic_placement))
    FROM (SELECT re.*, ed.year FROM review_entries re JOIN editions ed ON ed.slug = re.edition
          WHERE re.mechanism = m.slug ORDER BY ed.year, re.section, re.rowid) e)),
  'discrepancies', json((SELECT json_group_array(json_object('subject', d.subject, 'recorded', d.recorded,
      'recorded_source', d.recorded_source, 'conflicting', d.conflicting,
      'conflicting_source', d.conflicting_source, 'note', d.note))
    FROM (SELECT * FROM discrepancies d WHERE d.mechanism = m.slug ORDER BY d.position) d)),
  'sources', {citations('mechanism', 'm.slug')}) AS document
FROM (SELECT {MECHANISM_COLUMNS} FROM mechanisms m {MECHANISM_JOINS} WHERE m.slug = :slug) m"""

STATE_DETAIL = f"""SELECT json_object('alpha3', s.alpha3, 'alpha2', s.alpha2, 'numeric', s."numeric", 'name', s.name,
  'official_name', s.official_name, 'kind', s.kind,
  'sovereign', json(CASE WHEN sv.alpha3 IS NULL THEN NULL ELSE json_object('alpha3', sv.alpha3, 'name', sv.name) END),
  'note', s.note, 'url', :base || '/api/v1/states/' || s.alpha3 || '/',
  'names', json((SELECT json_group_array(json_object('name', n.name, 'kind', n.kind, 'language', n.language,
      'valid_from', n.valid_from, 'valid_until', n.valid_until))
    FROM (SELECT * FROM state_names n WHERE n.state = s.alpha3 ORDER BY n.valid_from, n.name, n.rowid) n)),
  'participations', json((SELECT json_group_array(json_object('mechanism', {mechanism_ref('p', 'm_')},
      'role', p.role, 'as_written', p.as_written, 'start', p.start, 'end', p."end", 'note', p.note,
      'sources', {citations('participation', 'p.key')}))
    FROM (SELECT p.*, m.slug AS m_slug, m.acronym AS m_acronym, m.name AS m_name, m.kind AS m_kind
          FROM participations p JOIN mechanisms m ON m.slug = p.mechanism
          WHERE p.state = s.alpha3 ORDER BY m.name, p.role, p.start, p.rowid) p)),
  'sources', {citations('state', 's.alpha3')}) AS document
FROM states s LEFT JOIN states sv ON sv.alpha3 = s.sovereign WHERE s.alpha3 = upper(:alpha3)"""


def page_links(path, extra=""):
    """DRF's next and previous links: the query's parameters sorted, page left out on the first page."""
    page = "CAST(:page AS INTEGER)"  # Datasette passes every parameter as text
    following = (f"CASE WHEN {page} * :page_size < total.n THEN :base || '{path}?page=' || ({page} + 1) "
                 f"|| '&page_size=' || :page_size{extra} END")
    previous = (f"CASE WHEN {page} = 2 THEN :base || '{path}?page_size=' || :page_size{extra} "
                f"WHEN {page} > 2 THEN :base || '{path}?page=' || ({page} - 1) "
                f"|| '&page_size=' || :page_size{extra} END")
    return f"'next', {following}, 'previous', {previous}"


LIMIT = "LIMIT CAST(:page_size AS INTEGER) OFFSET (CAST(:page AS INTEGER) - 1) * CAST(:page_size AS INTEGER)"

MECHANISMS_LIST = f"""WITH page AS (SELECT rowid AS position, * FROM mechanisms ORDER BY name, rowid {LIMIT}),
total AS (SELECT count(*) AS n FROM mechanisms)
SELECT json_object('count', total.n, {page_links('/api/v1/mechanisms/')},
  'results', json((SELECT json_group_array(json_object({MECHANISM_FIELDS}, 'participations', {participations(False)}))
    FROM (SELECT {MECHANISM_COLUMNS} FROM page m {MECHANISM_JOINS} ORDER BY m.name, m.position) m))) AS document
FROM total"""

IN_YEAR = "start >= :year AND start < CAST(:year + 1 AS TEXT)"  # YYYY, YYYY-MM and YYYY-MM-DD of that year

MEETINGS_LIST = f"""WITH page AS (SELECT * FROM meetings WHERE {IN_YEAR}
    ORDER BY {EARLIEST.format('start')}, slug {LIMIT}),
total AS (SELECT count(*) AS n FROM meetings WHERE {IN_YEAR})
SELECT json_object('count', total.n, {page_links('/api/v1/meetings/', " || '&year=' || :year")},
  'results', json((SELECT json_group_array(json_object('slug', x.slug, 'title', x.title, 'kind', x.kind,
      'status', x.status, 'start', x.start, 'end', x."end", 'date_as_written', x.date_as_written, 'city', x.city,
      'host', json(CASE WHEN x.host IS NULL THEN NULL ELSE json_object('alpha3', x.host, 'name', x.host_name) END),
      'venue_as_written', x.venue_as_written, 'theme', x.theme, 'note', x.note,
      'mechanism', {mechanism_ref('x', 'm_')}, 'sources', {citations('meeting', 'x.slug')},
      'url', :base || '/api/v1/meetings/' || x.slug || '/'))
    FROM (SELECT x.*, h.name AS host_name, m.slug AS m_slug, m.acronym AS m_acronym, m.name AS m_name,
                 m.kind AS m_kind
          FROM page x JOIN mechanisms m ON m.slug = x.mechanism LEFT JOIN states h ON h.alpha3 = x.host
          ORDER BY {EARLIEST.format('x.start')}, x.slug) x))) AS document
FROM total"""

QUERIES = {"mechanism": MECHANISM_DETAIL, "state": STATE_DETAIL, "mechanisms": MECHANISMS_LIST,
           "meetings": MEETINGS_LIST}
METADATA = {"databases": {"rcp": {"queries": {name: {"sql": sql} for name, sql in QUERIES.items()}}}}
# A query gets as long as it needs (the default stops it at 1 s); no other setting differs from Datasette's.
SETTINGS = {"sql_time_limit_ms": 600_000}


def path_of(api_path, query):
    """The peer's URL answering the API's ``api_path`` with its parsed ``query``, or None if not benchmarked."""
    parts = api_path.strip("/").split("/")
    base = "base=http://127.0.0.1"
    page = f"page={query.get('page', ['1'])[0]}&page_size={query.get('page_size', ['50'])[0]}"
    if parts[2:] == ["mechanisms"]:
        name, params = "mechanisms", page
    elif parts[2:] == ["meetings"]:
        name, params = "meetings", f"{page}&year={query['year'][0]}"
    elif parts[2] == "mechanisms":
        name, params = "mechanism", f"slug={parts[3]}"
    elif parts[2] == "states":
        name, params = "state", f"alpha3={parts[3]}"
    else:
        return None
    return f"/rcp/{name}.json?{params}&{base}&_shape=array&_json=document"


def _app():
    from datasette.app import Datasette  # noqa: PLC0415 (bench.py imports this file where Datasette is not)

    datasette = Datasette(immutables=[os.environ["RCP_DATASETTE_DB"]], metadata=METADATA, settings=SETTINGS)
    return datasette.app()


if os.environ.get("RCP_DATASETTE_DB"):
    app = _app()

if __name__ == "__main__":
    print(json.dumps({**METADATA, "settings": SETTINGS}, indent=1))
