from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("core", "RefDataGeneration").objects.using(
        schema_editor.connection.alias
    ).get_or_create(id=1, defaults={"value": 0})


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="RefDataGeneration",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "reference data generation"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
