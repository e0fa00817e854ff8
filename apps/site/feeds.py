"""Atom feeds to follow the record: published editions and snapshots, the public changes between
snapshots, and those of one mechanism. Built with Django's syndication framework.

A change is a sentence derived from two consecutive public snapshots (apps/dataset/public_changes.py):
never who made it, why, or a private note.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.curation.partial_dates import PartialDate, in_words, parse_or_none
from apps.dataset.public_changes import recent_changes
from apps.mechanisms.models import Mechanism
from apps.reviews import selectors
from apps.site.localization import mechanism_name

# The changes feeds compare this many of the latest public snapshots (each is read whole).
SNAPSHOTS_COMPARED = 8
ENTRIES = 100


def _day(moment):
    """The day of ``moment`` as the feed's language writes it: '29 November 2026', '29 de noviembre de 2026'."""
    return in_words(PartialDate(moment.year, moment.month, moment.day))


def _edition_date(edition):
    if edition.published_at:
        return edition.published_at
    published = parse_or_none(edition.published) if edition.published else None
    day = published.earliest if published else datetime.date(edition.year, 1, 1)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class EditionsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Regional consultation mechanisms on migration: editions and snapshots")
    subtitle = _("Each published edition of the review, and each snapshot of its data, with its SHA-256 checksum.")

    def link(self):
        return reverse("editions:index")

    def items(self):
        editions = [("edition", _edition_date(e), e) for e in selectors.published_editions()]
        snapshot_list = selectors.public_snapshots().defer("content").order_by("-created_at", "-pk")[:ENTRIES]
        entries = editions + [("snapshot", s.created_at, s) for s in snapshot_list]
        return sorted(entries, key=lambda entry: entry[1], reverse=True)[:ENTRIES]

    def item_title(self, item):
        kind, _date, record = item
        if kind == "edition":
            return gettext("Edition {year} published: {title}").format(year=record.year, title=record.title)
        return gettext("Snapshot {slug} of the {year} edition: {title}").format(
            slug=record.slug, year=record.edition.year, title=record.title)

    def item_description(self, item):
        kind, _date, record = item
        if kind == "edition":
            return f"{', '.join(record.authors)} ({record.year}). {record.title}. {record.publisher}."
        counts = record.counts
        return gettext(
            "The published dataset as of {as_of} UTC: {mechanisms} mechanisms, {participations} participations, "
            "{meetings} meetings. SHA-256 of its JSON: {checksum}."
        ).format(as_of=f"{_day(record.as_of)}, {record.as_of:%H:%M}", mechanisms=counts.get("mechanisms", 0),
                 participations=counts.get("participations", 0), meetings=counts.get("meetings", 0),
                 checksum=record.checksum)

    def item_link(self, item):
        kind, _date, record = item
        if kind == "edition":
            return reverse("editions:detail", args=[record.year])
        return reverse("api:snapshot-download", args=[record.slug, "json"])

    def item_guid(self, item):
        kind, _date, record = item
        return f"{self.item_link(item)}#{kind}-{record.slug}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[1]

    def item_updateddate(self, item):
        return item[1]


class ChangesFeed(Feed):
    """What changed between consecutive public snapshots, one entry per change."""

    feed_type = Atom1Feed
    title = _("Regional consultation mechanisms on migration: changes")
    subtitle = _("Mechanisms added, participants who joined or left, roles, facts and meetings that changed.")

    def link(self):
        return reverse("mechanisms:directory")

    def items(self):
        latest = selectors.public_snapshots().order_by("-created_at", "-pk")[:SNAPSHOTS_COMPARED]
        return recent_changes(list(reversed(latest)))[:ENTRIES]

    def item_title(self, change):
        return change.sentence

    def item_description(self, change):
        return gettext("Between snapshot {old} ({old_date}) and snapshot {new} ({new_date}).").format(
            old=change.old.slug, old_date=_day(change.old.as_of), new=change.new.slug,
            new_date=_day(change.new.as_of))

    def item_link(self, change):
        return reverse("mechanisms:detail", args=[change.mechanism])

    def item_guid(self, change):
        return reverse("api:snapshot-diff", args=[change.old.slug, change.new.slug]) + f"#{change.position}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.new.created_at

    def item_updateddate(self, change):
        return change.new.created_at


class MechanismFeed(ChangesFeed):
    """The changes of one mechanism."""

    def get_object(self, request, slug):
        # Its other names: the feed names it as the pages do, by its recorded translation when it has one.
        return get_object_or_404(Mechanism.objects.only("slug", "name").prefetch_related("other_names"), slug=slug)

    def title(self, mechanism):
        return gettext("{name}: changes").format(name=mechanism_name(mechanism)[0])

    def subtitle(self, mechanism):
        return gettext("What changed in the record of the {name} from one public snapshot to the next.").format(
            name=mechanism_name(mechanism)[0])

    def link(self, mechanism):
        return reverse("mechanisms:detail", args=[mechanism.slug])

    def items(self, mechanism):
        latest = selectors.public_snapshots().order_by("-created_at", "-pk")[:SNAPSHOTS_COMPARED]
        return recent_changes(list(reversed(latest)), mechanism=mechanism.slug)[:ENTRIES]
