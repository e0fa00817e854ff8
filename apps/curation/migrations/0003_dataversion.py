from django.db import migrations, models
from django.utils import timezone


def create_the_row(apps, schema_editor):
    apps.get_model("curation", "DataVersion").objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"number": 1, "changed_at": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [("curation", "0002_roles")]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=1)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
