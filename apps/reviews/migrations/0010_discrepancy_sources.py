"""Both sides of a discrepancy point to the source register, not only to review editions.

Each side's edition becomes the edition's source; the locators are kept. Their history moves with them.
"""

import django.db.models.deletion
from django.db import migrations, models


def sides_to_sources(apps, schema_editor):
    db = schema_editor.connection.alias
    source_of = dict(apps.get_model("reviews", "ReviewEdition").objects.using(db).values_list("pk", "source_id"))
    for name in ("Discrepancy", "HistoricalDiscrepancy"):
        model = apps.get_model("reviews", name)
        for row in model.objects.using(db).only("pk", "recorded_edition_id", "conflicting_edition_id"):
            model.objects.using(db).filter(pk=row.pk).update(
                recorded_source_id=source_of.get(row.recorded_edition_id),
                conflicting_source_id=source_of.get(row.conflicting_edition_id),
            )


def sides_to_editions(apps, schema_editor):
    db = schema_editor.connection.alias
    edition_of = {source: edition for edition, source in
                  apps.get_model("reviews", "ReviewEdition").objects.using(db).values_list("pk", "source_id")}
    for name in ("Discrepancy", "HistoricalDiscrepancy"):
        model = apps.get_model("reviews", name)
        for row in model.objects.using(db).only("pk", "recorded_source_id", "conflicting_source_id"):
            model.objects.using(db).filter(pk=row.pk).update(
                recorded_edition_id=edition_of.get(row.recorded_source_id),
                conflicting_edition_id=edition_of.get(row.conflicting_source_id),
            )


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0006_source_kinds_and_citations_follow_values'),
        ('reviews', '0009_edition_source_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='discrepancy',
            name='recorded_source',
            field=models.ForeignKey(null=True, help_text='The source of the recorded value.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='curation.source'),
        ),
        migrations.AddField(
            model_name='discrepancy',
            name='conflicting_source',
            field=models.ForeignKey(null=True, help_text='The source that gives the other value.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='curation.source'),
        ),
        migrations.AddField(
            model_name='historicaldiscrepancy',
            name='recorded_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source of the recorded value.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curation.source'),
        ),
        migrations.AddField(
            model_name='historicaldiscrepancy',
            name='conflicting_source',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The source that gives the other value.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='curation.source'),
        ),
        migrations.AlterField(
            model_name='discrepancy',
            name='recorded_edition',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reviews.reviewedition'),
        ),
        migrations.AlterField(
            model_name='discrepancy',
            name='conflicting_edition',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reviews.reviewedition'),
        ),
        migrations.RunPython(sides_to_sources, sides_to_editions),
    ]
