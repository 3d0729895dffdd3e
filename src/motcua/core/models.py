"""The one row that says when reference data last changed (``core.refdata``)."""

from __future__ import annotations

from django.db import models


class RefDataGeneration(models.Model):
    """A single row whose ``value`` changes whenever a reference table changes.

    Database triggers (installed by ``core.refdata.triggers_install`` after every
    migration) set ``value`` to a new random number on any insert, update or
    delete of the tables in ``core.refdata.REFERENCE_TABLES``, in the writer's
    own transaction, whatever wrote it (the admin, a service, a bulk import,
    raw SQL). Random rather than incremented so that a rolled-back change can
    never hand out a value that a later, different change reuses.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "reference data generation"

    def __str__(self) -> str:
        return f"reference data generation {self.value}"
