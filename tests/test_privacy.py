"""Nothing private leaks: canary values seeded into every private field never appear in anything public.

The walk covers every public API endpoint (every page of every list, every record, every snapshot's
downloads and diffs, the schema and the docs) and every public HTML page reachable from the home page.
The second test shows that the walk does catch a leak: it exposes a private field on purpose.
"""

import io
import re
import zipfile
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib.auth.models import Group
from django.db.models import F
from django.test import Client

from apps.curation.history import recording
from apps.curation.models import ChangeSet, Citation, Source
from apps.curation.sources import save_source
from apps.dataset.snapshots import create_snapshot
from apps.mechanisms import selectors as mechanism_selectors
from apps.mechanisms.models import Mechanism, MechanismName, Participation, Region, Theme
from apps.meetings.models import Document, Meeting
from apps.reviews.models import Discrepancy, ReviewEdition, ReviewEntry
from apps.states.models import Organization, OrganizationName, State, StateName

from . import factories

pytestmark = pytest.mark.django_db

CANARY = "zqcanary"  # lower case: every check is case-insensitive
CURATED = [State, StateName, Organization, OrganizationName, Region, Theme, Mechanism, MechanismName,
           Participation, Meeting, Document, ReviewEdition, ReviewEntry, Discrepancy, Source]
LINK = re.compile(r'href="([^"#]+)"')
MAX_URLS = 4000


@pytest.fixture
def canaries(django_user_model):
    """Seed a canary into every private field, through the paths a curator would take."""
    editor = django_user_model.objects.create_user(
        username=f"{CANARY}-editor", email=f"{CANARY}@example.org", first_name=f"{CANARY}first",
        last_name=f"{CANARY}last", password="x", is_staff=True)
    editor.groups.set(Group.objects.all())
    with recording(kind=ChangeSet.Kind.EDIT, user=editor, reason=f"{CANARY} reason for the change"):
        for model in CURATED:  # a curator note on every record of every curated model
            for number, record in enumerate(model.objects.all()):
                record.curator_note = f"{CANARY} note {number}"
                record._history_user = editor
                record.save()
        draft = factories.edition(slug=f"{CANARY}-draft", year=2026, title=f"{CANARY} draft edition",
                                             authors=[f"{CANARY} author"])
        for mechanism in Mechanism.objects.all()[:5]:
            ReviewEntry.objects.create(
                edition=draft, mechanism=mechanism, kind=mechanism.kind, governance=mechanism.governance,
                region=mechanism.region, background=f"{CANARY} draft background", agenda=f"{CANARY} agenda",
                linkages=f"{CANARY} linkages", taxonomic_placement=f"{CANARY} placement", section="9.9",
                responsible=editor, reviewer_comment=f"{CANARY} reviewer comment")
            mechanism.sources.create(source=draft.source, locator=f"{CANARY} locator")
            Discrepancy.objects.create(mechanism=mechanism, subject=f"{CANARY} subject", recorded="a",
                                       recorded_source=draft.source, recorded_locator="section 1",
                                       conflicting="b", conflicting_source=draft.source, conflicting_locator="x")
        letter = save_source(Source(
            slug="secretariat-letter", kind=Source.Kind.CORRESPONDENCE, title=f"{CANARY} letter's subject",
            authors=[f"{CANARY} signatory"], date="2026-03", url=f"https://{CANARY}.example.org/letter",
            correspondent="the Bali Process secretariat", content=f"{CANARY} what the letter says",
            curator_note=f"{CANARY} note on a letter"))
        page = save_source(Source(slug="a-web-page", kind=Source.Kind.WEB_PAGE, title="A web page",
                                  url="https://example.org/page", curator_note=f"{CANARY} note on a page"))
        bali = Mechanism.objects.get(slug="bali-process")
        bali.sources.create(source=letter, locator="paragraph 2", covers="status")
        bali.sources.create(source=page, locator="#members", covers="website")
        bali.sources.create(source=page, locator="", quotation="The page, cited whole.")
        ReviewEntry.objects.filter(edition__slug="harns-2013").update(
            reviewer_comment=f"{CANARY} comment on a published entry", responsible=editor)
        create_snapshot(edition=draft, title=f"{CANARY} snapshot of a draft", user=editor)
        create_snapshot(edition=ReviewEdition.objects.get(slug="harns-2013"), title="Public snapshot", user=editor)
    assert Citation.objects.filter(locator__contains=CANARY).exists()
    return CANARY


def bodies(response):
    """The texts a response carries, with zip archives opened."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return [content.decode("utf-8", "replace")]


def walk(client, starts):
    """Fetch every public URL reachable from ``starts``; return {url: canary found} for the leaks."""
    queue, seen, leaks, variants = deque(starts), set(starts), {}, {}
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code >= 500:
            leaks[url] = f"server error {response.status_code}"
            continue
        for text in bodies(response):
            if CANARY in text.lower():
                leaks[url] = text[max(0, text.lower().index(CANARY) - 80):text.lower().index(CANARY) + 40]
            for link in _links(url, text, variants):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    assert len(seen) < MAX_URLS, "the walk was cut short"
    return leaks, seen


PAGING = {"page", "page_size"}


def _links(base, text, variants):
    """Links to follow: every record and every page of a list; a filtered view of a list adds no field
    the list does not show, so only its first few variants are fetched."""
    found = LINK.findall(text) + re.findall(
        r'"(?:url|next|list_url|json|yaml|datapackage|report|panel|popolo)":\s*"([^"]+)"', text)
    for raw in found:
        parsed = urlparse(urljoin(base, raw.replace("&amp;", "&")))
        if parsed.netloc not in ("", "testserver") or not parsed.path.startswith("/"):
            continue
        if parsed.path.startswith(("/admin", "/static")):
            continue
        if parsed.query:
            names = {pair.split("=")[0] for pair in parsed.query.split("&")}
            if not names <= PAGING:
                variants[parsed.path] = variants.get(parsed.path, 0) + 1
                if variants[parsed.path] > 3:
                    continue
        yield parsed.path + (f"?{parsed.query}" if parsed.query else "")


def public_starts():
    snapshots = Client().get("/api/v1/snapshots/?page_size=500").json()["results"]
    snapshot_urls = [f"/api/v1/snapshots/{s['slug']}/diff/current/" for s in snapshots]
    lists = [f"/api/v1/{name}/?page_size=500" for name in
             ("mechanisms", "meetings", "documents", "states", "organizations", "themes", "regions", "editions",
              "snapshots", "sources")]
    feeds = ["/feeds/editions/", "/feeds/changes/", *(f"/mechanisms/{slug}/feed/" for slug in
                                                       Mechanism.objects.values_list("slug", flat=True))]
    return ["/", "/api/v1/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script=", "/no-such-page/",
            *lists, *snapshot_urls, *feeds]


def test_no_private_value_appears_anywhere_public(canaries):
    client = Client()
    leaks, visited = walk(client, public_starts())
    assert leaks == {}
    # The walk really went everywhere: records, pages of lists, exports, HTML pages.
    assert len(visited) > 700
    assert any("/download/datapackage/" in url for url in visited)
    assert any(url.startswith("/states/") for url in visited)
    assert "/api/v1/editions/zqcanary-draft/" not in visited
    assert {"/feeds/editions/", "/feeds/changes/", "/mechanisms/apc/feed/"} <= visited


def test_the_walk_catches_a_private_field_that_a_change_would_expose(canaries, monkeypatch):
    """A future change to the API's list of mechanisms (built from plain rows: mechanism_api_rows) that lets
    curator_note through must make the test above fail."""
    read, shown = mechanism_selectors.mechanism_rows, mechanism_selectors.mechanism_api_rows
    monkeypatch.setattr(mechanism_selectors, "mechanism_rows", lambda: read().annotate(private=F("curator_note")))
    monkeypatch.setattr(mechanism_selectors, "mechanism_api_rows", lambda rows, **urls: [
        {**mechanism, "curator_note": row["private"]} for row, mechanism in zip(rows, shown(rows, **urls), strict=True)
    ])
    leaks, _visited = walk(Client(), ["/api/v1/mechanisms/?page_size=500"])
    assert "/api/v1/mechanisms/?page_size=500" in leaks

