"""Reads of the source register for the public: the sources the public may see, and which mechanism's
facts each one supports. Here, not in the base, because a mechanism's facts are its own record and the
rows of the features below this one: its names, participations, meetings and documents."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from apps.curation.api.filters import SEARCH_MAX_LENGTH, search
from apps.curation.models import Citation, Source
from apps.mechanisms.models import Mechanism, MechanismName, Participation
from apps.meetings.models import Document, Meeting


def public_sources():
    """Sources the public may see: those whose citations are public (a review edition once published)."""
    return Source.objects.filter(is_public=True).order_by("slug")


def supporting(mechanism_slugs):
    """A condition on citations: those of current values of the mechanisms' facts."""
    condition = Q()
    mechanisms = Mechanism.objects.filter(slug__in=mechanism_slugs).values("pk")
    for model, ids in ((Mechanism, mechanisms),
                       (MechanismName, MechanismName.objects.filter(mechanism__in=mechanisms).values("pk")),
                       (Participation, Participation.objects.filter(mechanism__in=mechanisms).values("pk")),
                       (Meeting, Meeting.objects.filter(mechanism__in=mechanisms).values("pk")),
                       (Document, Document.objects.filter(mechanism__in=mechanisms).values("pk"))):
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return condition


class SourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", max_length=SEARCH_MAX_LENGTH,
                                  help_text="Free text, matched against the slug, title, publisher and sender.")
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)
    mechanism = django_filters.CharFilter(
        method="filter_mechanism", max_length=SEARCH_MAX_LENGTH,
        help_text="A mechanism's slug: only the sources cited for its current facts (its own, its names', "
                  "participations', meetings' and documents').",
    )

    class Meta:
        model = Source
        fields = []

    def filter_text(self, queryset, name, value):
        # A correspondence's title is private: it is found by its sender only.
        found = search(queryset, value, "slug__icontains", "publisher__icontains", "correspondent__icontains")
        titled = search(queryset.exclude(kind=Source.Kind.CORRESPONDENCE), value, "title__icontains")
        return (found | titled).distinct() if value.strip() else queryset

    def filter_mechanism(self, queryset, name, value):
        cited = Citation.objects.current().filter(supporting([value.strip()]), source=OuterRef("pk"))
        return queryset.filter(Exists(cited))
