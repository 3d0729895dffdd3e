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


# (column index, the column's expression, the functions converting its value).
Converters = tuple[tuple[int, Any, tuple[Callable[..., Any], ...]], ...]


def converters_for(columns: Sequence[tuple[int, Any]], using: str = "default") -> Converters:
    """The database converters of ``columns`` ((index, expression) pairs), as a queryset has.

    Only columns with converters are kept (none on PostgreSQL for plain
    columns; datetimes, booleans and decimals on SQLite).
    """
    connection = connections[using]
    out = []
    for index, expression in columns:
        functions = tuple(
            connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        )
        if functions:
            out.append((index, expression, functions))
    return tuple(out)


def convert_row(values: Sequence[Any], converters: Converters, using: str = "default") -> list[Any]:
    """``values`` with each converted column replaced by its Python value."""
    connection = connections[using]
    row = list(values)
    for index, expression, functions in converters:
        for function in functions:
            row[index] = function(row[index], expression, connection)
    return row


@cache
def _converters(model: type[models.Model], vendor: str, using: str) -> Converters:
    del vendor  # part of the key
    table = model._meta.db_table
    return converters_for([(i, f.get_col(table)) for i, f in enumerate(_fields(model))], using)


def instance[M: models.Model](model: type[M], values: Sequence[Any], using: str = "default") -> M:
    """An instance of ``model`` from ``values`` in :func:`select_list` order."""
    converters = _converters(model, connections[using].vendor, using)
    converted = convert_row(values, converters, using)
    return model.from_db(using, [f.attname for f in _fields(model)], converted)
