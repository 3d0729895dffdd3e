"""Model instances from rows of a fixed SQL string, with the ORM's own conversions (gh-4 item 13).

For the few queries every request runs (the bearer token), compiling a
queryset costs more than running it. :func:`select_list` gives the column
list of a model under a table alias, :func:`instance` turns that slice of a
row into an instance through each field's database converters (SQLite gives
datetimes as text, for example) and ``Model.from_db``, as a queryset would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connections, models


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.generated)


def select_list(model: type[models.Model], alias: str, using: str = "default") -> str:
    """``alias."col1", alias."col2", …`` for every concrete column of ``model``."""
    quote = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{quote(str(f.column))}" for f in _fields(model))


def width(model: type[models.Model]) -> int:
    """How many columns :func:`select_list` gives for ``model``."""
    return len(_fields(model))


@cache
def _converters(
    model: type[models.Model], vendor: str, using: str
) -> tuple[tuple[Callable[..., Any], ...], ...]:
    del vendor  # part of the key
    connection = connections[using]
    table = model._meta.db_table
    out = []
    for field in _fields(model):
        col = field.get_col(table)
        out.append(
            tuple(connection.ops.get_db_converters(col) + field.get_db_converters(connection))
        )
    return tuple(out)


def instance[M: models.Model](model: type[M], values: Sequence[Any], using: str = "default") -> M:
    """An instance of ``model`` from ``values`` in :func:`select_list` order."""
    connection = connections[using]
    fields = _fields(model)
    converted = list(values)
    for i, (field, converters) in enumerate(
        zip(fields, _converters(model, connection.vendor, using), strict=True)
    ):
        for converter in converters:
            converted[i] = converter(converted[i], field.get_col(model._meta.db_table), connection)
    return model.from_db(using, [f.attname for f in fields], converted)
