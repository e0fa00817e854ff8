"""Every discrepancy's sides now point to sources (0007 moved them): the links become required and the
edition links go. Apart from 0007, because PostgreSQL refuses to alter a table whose rows the same
transaction changed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0010_discrepancy_sources'),
    ]

    operations = [
        migrations.AlterField(
            model_name='discrepancy',
            name='recorded_source',
            field=models.ForeignKey(help_text='The source of the recorded value.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='curation.source'),
        ),
        migrations.AlterField(
            model_name='discrepancy',
            name='conflicting_source',
            field=models.ForeignKey(help_text='The source that gives the other value.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='curation.source'),
        ),
        migrations.RemoveField(model_name='discrepancy', name='recorded_edition'),
        migrations.RemoveField(model_name='discrepancy', name='conflicting_edition'),
        migrations.RemoveField(model_name='historicaldiscrepancy', name='recorded_edition'),
        migrations.RemoveField(model_name='historicaldiscrepancy', name='conflicting_edition'),
        migrations.AlterField(
            model_name='discrepancy',
            name='recorded_locator',
            field=models.CharField(max_length=500),
        ),
        migrations.AlterField(
            model_name='discrepancy',
            name='conflicting_locator',
            field=models.CharField(max_length=500),
        ),
        migrations.AlterField(
            model_name='historicaldiscrepancy',
            name='recorded_locator',
            field=models.CharField(max_length=500),
        ),
        migrations.AlterField(
            model_name='historicaldiscrepancy',
            name='conflicting_locator',
            field=models.CharField(max_length=500),
        ),
    ]
