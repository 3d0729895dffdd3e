"""Indexes for the staff workspace on large databases (gh-6 item 13).

* ``dossier_received_status_due``: the one-stop's queues and counts (open
  statuses of one receiving agency, by deadline), as the competent agency's
  ``(competent_agency, status, due_at)`` index does for processing;
* ``party_identity_number`` / ``party_tax_code``: search by an exact
  identifier;
* PostgreSQL only (outside Django's model state, as procedures 0003): a trigram
  GIN index on ``Party.search_name`` for the diacritic-insensitive partial-name
  search (``search_name LIKE '%…%'``). Without it the search reads every party.
"""

from typing import Any

from django.db import migrations, models

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS dossier_party_search_trgm ON dossiers_party"
    " USING gin (search_name gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS dossier_party_search_trgm"]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_FORWARD:
            schema_editor.execute(statement)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_dispatch_action"),
        ("procedures", "0003_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["received_by", "status", "due_at"], name="dossier_received_status_due"
            ),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(fields=["identity_number"], name="party_identity_number"),
        ),
        migrations.AddIndex(
            model_name="party",
            index=models.Index(fields=["tax_code"], name="party_tax_code"),
        ),
        migrations.RunPython(forward, backward),
    ]
