"""What an editor reads on a proposal's page: each record by its name, references by name, choices by label,
none of the bookkeeping nobody types, grouped by kind with counts, in a few queries whatever its size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.curation import change_reading, proposals
from apps.curation.models import Citation, Source
from apps.curation.sources import save_source

from . import factories
from .test_staged_changes import cora, edna  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def propose_new_members(user, mechanism, alpha3s, source):
    """A curator's proposal: the states join the mechanism as members in June 2015, each row cited."""
    with proposals.capturing(user, reason="New members, per the web page") as capture:
        for alpha3 in alpha3s:
            row = factories.participation(mechanism, alpha3, "member", as_written=alpha3, start="2015-06")
            Citation.objects.create(subject=row, source=source, locator="#members", covers="role, start",
                                    quotation="", position=7)
    return capture.change_set


@pytest.fixture
def members_page():
    return save_source(Source(slug="test-members-page", kind="web-page", title="Members of the Test Process",
                              url="https://example.org/members"))


def test_an_editor_reads_new_cited_members_by_name_without_ids_or_bookkeeping(cora, edna, members_page):  # noqa: F811
    (curator, _client), (_editor, editor_client) = cora, edna
    mechanism = factories.mechanism(name="Test Process", acronym="TP")
    proposal = propose_new_members(curator, mechanism, ["THA"], members_page)

    items = change_reading.described(proposal)
    participation, citation = items
    assert (participation["model"], participation["action"]) == ("participation", "Add")
    assert participation["name"] == "Thailand — Member of TP"
    assert dict((label, after) for label, _before, after in participation["fields"]) == {
        "mechanism": "Test Process (TP)", "state": "Thailand", "role": "Member", "as written": "THA",
        "start": "2015-06"}  # no start bounds, no version: nobody types them
    assert (citation["model"], citation["name"]) == ("citation of participation", "Thailand — Member of TP")
    assert dict((label, after) for label, _before, after in citation["fields"]) == {
        "source": "Members of the Test Process", "locator": "#members", "covers": "role, start"}

    page = editor_client.get(f"/admin/curation/changeset/{proposal.pk}/change/").content.decode()
    assert "Participation: 1 added" in page and "Citation of participation: 1 added" in page
    assert "Members of the Test Process" in page and "content type" not in page and "object id" not in page


def test_a_citation_that_stops_supporting_a_changed_value_says_which_value(cora, members_page):  # noqa: F811
    curator, _client = cora
    mechanism = factories.mechanism(status_note="Meets every two years.")
    cited = Citation.objects.create(subject=mechanism, source=members_page, locator="#status",
                                    covers="status, status_note")
    with proposals.capturing(curator) as capture:
        found = Citation.objects.get(pk=cited.pk)
        found.covers, found.superseded_values = "status", {"status_note": "Meets every two years."}
        found.save()
    (item,) = change_reading.described(capture.change_set)
    fields = {label: (before, after) for label, before, after in item["fields"]}
    assert fields["covers"] == ("status, status note", "status")
    assert fields["supported earlier values"] == ("(empty)", "status note: “Meets every two years.”")


def test_the_page_of_a_large_proposal_costs_the_same_queries_as_a_small_one(cora, edna, members_page):  # noqa: F811
    (curator, _client), (_editor, editor_client) = cora, edna
    small = propose_new_members(curator, factories.mechanism(), ["THA"], members_page)
    large = propose_new_members(curator, factories.mechanism(), ["THA", "FRA", "DEU", "SEN", "MLI", "NER", "TGO"],
                                members_page)
    counts = []
    for proposal in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(f"/admin/curation/changeset/{proposal.pk}/change/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert "Participation: 7 added" in response.content.decode()
