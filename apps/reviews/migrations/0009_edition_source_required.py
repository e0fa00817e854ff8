"""Every edition is a source now (0008 made them): the link becomes required.

Apart from 0008, because PostgreSQL refuses to alter a table whose rows the same transaction changed.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0008_edition_sources'),
    ]

    operations = [
        migrations.AlterField(
            model_name='reviewedition',
            name='source',
            field=models.OneToOneField(editable=False, help_text='The edition as an entry of the source register, which citations point to.', on_delete=django.db.models.deletion.PROTECT, related_name='edition', to='curation.source'),
        ),
    ]
