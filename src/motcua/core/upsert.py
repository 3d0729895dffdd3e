"""Idempotent upserts: write a row only when something differs.

Used by the services that load catalogues (the demo data, later imports from
the national procedure database), so reloading costs reads, never writes.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models


def assign_changed(obj: models.Model, values: Mapping[str, object]) -> bool:
    """Set ``values`` on ``obj``; return whether anything differed.

    Relations are compared by primary key so an unchanged row costs no query.
    """
    changed = False
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current = getattr(obj, field.attname)  # type: ignore[union-attr]
            new = value.pk if isinstance(value, models.Model) else value
            if current != new:
                setattr(obj, name, value)
                changed = True
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def save_if_changed(obj: models.Model, changed: bool) -> None:
    if obj.pk is None or changed:
        obj.full_clean()
        obj.save()
