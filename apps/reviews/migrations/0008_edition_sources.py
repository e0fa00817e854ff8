"""Citations move to the source register of the base app; each review edition becomes a source.

Every citation keeps its id, locator, fields covered and position, and now points to its edition's
source; their history moves with them, and each edition's source starts its history with the edition's.
"""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models


def _values(row, model, **renamed):
    values = {field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields}
    for old, new in renamed.items():
        values[new] = values.pop(old)
    return values


def move_citations_to_the_source_register(apps, schema_editor):
    db = schema_editor.connection.alias
    Source = apps.get_model("curation", "Source")
    HistoricalSource = apps.get_model("curation", "HistoricalSource")
    Edition = apps.get_model("reviews", "ReviewEdition")
    HistoricalEdition = apps.get_model("reviews", "HistoricalReviewEdition")
    OldCitation = apps.get_model("reviews", "Citation")
    OldHistoricalCitation = apps.get_model("reviews", "HistoricalCitation")
    Citation = apps.get_model("curation", "Citation")
    HistoricalCitation = apps.get_model("curation", "HistoricalCitation")

    source_of = {}
    for edition in Edition.objects.using(db).order_by("pk"):
        fields = {"slug": edition.slug, "kind": "review-edition", "title": edition.title, "authors": edition.authors,
                  "date": edition.published or str(edition.year), "url": edition.url}
        source = Source.objects.using(db).create(**fields, is_public=edition.status == "published")
        Edition.objects.using(db).filter(pk=edition.pk).update(source=source)
        HistoricalEdition.objects.using(db).filter(id=edition.pk).update(source=source)
        source_of[edition.pk] = source.pk
        # The source's history: created with the edition, public from the edition's first published version.
        history = HistoricalEdition.objects.using(db).filter(id=edition.pk).order_by("history_date", "history_id")
        first = history.first()
        if first is None:
            continue
        published = history.filter(status="published").first()
        for record, is_public in ((first, first.status == "published"), (published, True)):
            if record is None or (record is published and record == first):
                continue
            HistoricalSource.objects.using(db).create(
                id=source.pk, **fields, is_public=is_public, version=1, curator_note="", last_verified=None,
                history_date=record.history_date, history_type="+" if record == first else "~",
                history_user_id=record.history_user_id, history_change_reason=record.history_change_reason,
                change_set_id=record.change_set_id,
            )

    Citation.objects.using(db).bulk_create(
        Citation(**_values(old, OldCitation, edition_id="source_id") | {"source_id": source_of[old.edition_id]})
        for old in OldCitation.objects.using(db).order_by("pk")
    )
    HistoricalCitation.objects.using(db).bulk_create(
        HistoricalCitation(**_values(old, OldHistoricalCitation, edition_id="source_id")
                           | {"source_id": source_of.get(old.edition_id)})
        for old in OldHistoricalCitation.objects.using(db).order_by("history_id")
    )
    # Ids were kept: move PostgreSQL's sequences past them (SQLite needs nothing).
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [Citation, HistoricalCitation])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0005_source_register_and_citations'),
        ('reviews', '0007_http_urls_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreviewedition',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The edition as an entry of the source register, which citations point to.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curation.source'),
        ),
        migrations.AddField(
            model_name='reviewedition',
            name='source',
            field=models.OneToOneField(editable=False, help_text='The edition as an entry of the source register, which citations point to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='edition', to='curation.source'),
        ),
        migrations.RunPython(move_citations_to_the_source_register, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalcitation',
            name='change_set',
        ),
        migrations.RemoveField(
            model_name='historicalcitation',
            name='content_type',
        ),
        migrations.RemoveField(
            model_name='historicalcitation',
            name='edition',
        ),
        migrations.RemoveField(
            model_name='historicalcitation',
            name='history_user',
        ),
        migrations.DeleteModel(
            name='Citation',
        ),
        migrations.DeleteModel(
            name='HistoricalCitation',
        ),
    ]
