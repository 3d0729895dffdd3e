"""Party.search_name: the folded name, for diacritic-insensitive search by officials."""

from typing import Any

from django.db import migrations, models

from motcua.core.text import fold


def fill(apps: Any, schema_editor: Any) -> None:
    Party = apps.get_model("dossiers", "Party")
    batch = []
    for party in Party.objects.only("id", "full_name").iterator(chunk_size=2000):
        party.search_name = fold(party.full_name)
        batch.append(party)
        if len(batch) >= 2000:
            Party.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Party.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_delivery_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="search_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Tên viết thường, không dấu, để tìm kiếm không phân biệt dấu.",
                max_length=200,
                verbose_name="tên không dấu",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
