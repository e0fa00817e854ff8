"""Small builders for test records, through the models' own save (so history and bounds apply)."""

import datetime
import importlib
import itertools

from django.db import connection

from apps.curation.models import Citation, Source
from apps.mechanisms.models import Mechanism, Participation, Region
from apps.meetings.models import Meeting
from apps.reviews.models import LeftOut, ReviewEdition
from apps.reviews.services import save_edition
from apps.states.models import Organization, State, StateName

_counter = itertools.count(1)


def mechanism(**fields):
    number = next(_counter)
    values = {
        "slug": f"test-mechanism-{number}",
        "name": f"Test Mechanism {number}",
        "acronym": f"TM{number}",
        "region": Region.objects.get(slug="africa"),
        "kind": "rcp",
        "governance": "stand-alone",
        "status": "active",
        "founded": "2001",
    }
    values.update(fields)
    return Mechanism.objects.create(**values)


def participation(mechanism_, alpha3="FRA", role="member", **fields):
    return Participation.objects.create(
        mechanism=mechanism_, state=State.objects.get(alpha3=alpha3), role=role,
        as_written=fields.pop("as_written", alpha3), **fields,
    )


def meeting(mechanism_, **fields):
    number = next(_counter)
    values = {"slug": f"test-meeting-{number}", "title": f"Test meeting {number}", "start": "2012-06-11"}
    values.update(fields)
    return Meeting.objects.create(mechanism=mechanism_, **values)


def empty_dataset():
    """Delete every curated record (the ISO states stay: every database gets them from a migration).

    Snapshots refuse deletion everywhere, down to the database; a test that needs a new database's
    emptiness removes them by force (the register of issued slugs stays, as it would in real life).
    """

    ReviewEdition.objects.update(published_snapshot=None)
    remove_by_force("reviews_snapshot")

    Citation.objects.all().delete()
    Mechanism.objects.update(predecessor=None)
    Mechanism.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()
    StateName.objects.all().delete()
    Region.objects.all().delete()
    Mechanism.themes.field.related_model.objects.all().delete()
    ReviewEdition.objects.all().delete()
    Source.objects.all().delete()


def edition(**fields):
    """A review edition, saved with its entry in the source register as every edition is."""
    return save_edition(ReviewEdition(**fields))


def leave_out_the_rest(edition_, reason="Not part of this annual update."):
    """Leave out of ``edition_`` every mechanism it has no entry for, so that only its entries stand in the way
    of publishing it."""
    for mechanism_ in Mechanism.objects.exclude(review_entries__edition=edition_):
        LeftOut.objects.create(edition=edition_, mechanism=mechanism_, reason=reason)


_PROTECTION = importlib.import_module("apps.reviews.migrations.0006_snapshots_cannot_disappear")


def remove_by_force(*tables):
    """Delete every row of protected tables (snapshots, the register of issued snapshots) with their
    triggers set aside for the moment: what an operator with the database's owner rights could do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # a superuser's way past triggers
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("SET session_replication_role = DEFAULT")
            return
        triggers = [statement for statement in _PROTECTION.SQLITE if any(f" ON {t}" in statement for t in tables)]
        names = [statement.split()[2] for statement in triggers]
        for name in names:
            cursor.execute(f"DROP TRIGGER {name}")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        for statement in triggers:
            cursor.execute(statement)


# Private words a correspondence and a curator's note hold in tests: they must never reach the public.
LETTER_CONTENT = "CANARY-LETTER-CONTENT the secretariat's private words"
LETTER_TITLE = "CANARY-LETTER-TITLE Re: membership"
LETTER_URL = "https://mail.example.org/CANARY-LETTER-URL"
SOURCE_NOTE = "CANARY-SOURCE-NOTE a curator's private note on a source"


def other_sources():
    """One source of each kind but a review edition, each cited on a mechanism of the 2013 dataset as a
    curator recording what happened since would cite it: a web page whole and at a place, with a
    quotation; a declaration, linked to its recorded outcome document; a letter from a secretariat; a
    dataset. Returns the sources by kind."""
    from apps.curation.sources import save_source  # noqa: PLC0415

    made = {
        "web-page": Source(slug="iom-almaty-process-page", kind="web-page", title="The Almaty Process",
                           authors=[], date="2026-03", language="en", url="https://www.iom.int/almaty-process",
                           publisher="IOM", accessed=datetime.date(2026, 3, 12),
                           archive_url="https://web.archive.org/web/2026/https://www.iom.int/almaty-process",
                           curator_note=SOURCE_NOTE),
        "document": Source(slug="almaty-declaration-2011", kind="document", title="Almaty Declaration",
                           authors=["Conference participants"], date="2011-03-16", language="ru",
                           document_type="declaration", curator_note=SOURCE_NOTE),
        "correspondence": Source(slug="letter-almaty-secretariat-2026", kind="correspondence", title=LETTER_TITLE,
                                 date="2026-03", url=LETTER_URL, correspondent="the Almaty Process secretariat",
                                 content=LETTER_CONTENT, curator_note=SOURCE_NOTE),
        "dataset": Source(slug="undesa-migrant-stock-2024", kind="dataset",
                          title="International Migrant Stock 2024", authors=["UN DESA Population Division"],
                          date="2024", language="en", url="https://www.un.org/development/desa/pd/migrant-stock"),
    }
    for source in made.values():
        source.full_clean()
        save_source(source)
    mechanism = Mechanism.objects.get(slug="almaty-process")
    # The declaration's text is the register's entry for the outcome document the 2013 data records.
    mechanism.documents.filter(slug="almaty-declaration").update(source_entry=made["document"])
    participation_ = mechanism.participations.order_by("pk").first()
    for record, source, locator, covers, quotation in (
        (mechanism, made["web-page"], "", "", ""),
        (mechanism, made["web-page"], "#status", "status", "The process remains active."),
        (mechanism, made["document"], "para. 4", "objectives", ""),
        (mechanism, made["correspondence"], "second paragraph", "status_note", ""),
        (participation_, made["dataset"], "", "", "It's the table of 2024."),
    ):
        cited = Citation(subject=record, source=source, locator=locator, covers=covers, quotation=quotation,
                         position=100 + record.sources.count())
        cited.full_clean()
        cited.save()
    return made
