"""Race-free daily sequence numbers from an upsert counter row (conventions §6).

Dossier codes (``dossiers.codes``), queue ticket numbers (``tickets``) and
result register numbers take their numbers here, from any counter model with a
unique constraint over its key columns and an integer ``last`` column: one
statement takes the next number,
``INSERT … ON CONFLICT (keys) DO UPDATE SET last = last + 1 RETURNING last``
(PostgreSQL ≥ 9.5, SQLite ≥ 3.35). On PostgreSQL a concurrent first insert of
the same key makes the second wait and take the update branch; the row then
stays locked until the caller's transaction ends, so numbers are unique and a
rolled-back caller gives its number back. On SQLite the IMMEDIATE transaction
mode (conf/base.py) serialises writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Field
from django.db.transaction import TransactionManagementError


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    assert field.column is not None
    return connection.ops.quote_name(field.column)


def upsert_sql(
    model: type[models.Model], keys: Mapping[str, Any], last: str, start: int, update: str
) -> tuple[str, list[Any]]:
    """``INSERT (keys, start) ON CONFLICT (keys) DO UPDATE SET last = <update> RETURNING last``.

    ``update`` is an SQL expression of ``{current}`` (the row's value) and
    ``{given}`` (the value this statement tried to insert). Returns the SQL and
    its parameters, for :func:`sequence_next` or a caller that embeds the
    statement in a larger one (``dossiers.codes.dossier_code_assign``).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(model, name) for name in keys)
    counter = _column(model, last)
    params = [
        connection.ops.adapt_datefield_value(key) if isinstance(key, dt.date) else key
        for key in keys.values()
    ]
    placeholders = ", ".join(["%s"] * len(keys))
    expression = update.format(current=f"{table}.{counter}", given=f"EXCLUDED.{counter}")
    sql = (
        f"INSERT INTO {table} ({columns}, {counter}) VALUES ({placeholders}, %s) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET {counter} = {expression} RETURNING {counter}"
    )
    return sql, [*params, start]


def _upsert(
    model: type[models.Model], keys: Mapping[str, Any], last: str, start: int, update: str
) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("Sequence numbers must be taken inside a transaction.")
    sql, params = upsert_sql(model, keys, last, start, update)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


NEXT = "{current} + 1"


def sequence_next(*, model: type[models.Model], keys: Mapping[str, Any], last: str = "last") -> int:
    """Increment and return ``model``'s counter row for ``keys``, creating it at 1.

    ``keys`` maps field names to database-ready values (ids, dates) and must be
    exactly the fields of a unique constraint of ``model``. Must run inside the
    caller's transaction (raises ``TransactionManagementError`` otherwise).
    """
    return _upsert(model, keys, last, 1, NEXT)


def sequence_at_least(
    *, model: type[models.Model], keys: Mapping[str, Any], value: int, last: str = "last"
) -> int:
    """Raise ``model``'s counter row for ``keys`` to at least ``value`` (a number given by hand).

    Numbers issued by :func:`sequence_next` afterwards then follow it. Returns
    the counter's value. Same rules as :func:`sequence_next`.
    """
    larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    return _upsert(model, keys, last, value, larger + "({current}, {given})")
