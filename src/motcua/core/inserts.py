"""Insert the rows of several models in one round trip (gh-4 item 13).

A reception writes one row in each of half a dozen tables. Saved one by one,
each costs Django's save machinery, an SQL compilation and a round trip to the
database, which together were a quarter of a reception's CPU. On PostgreSQL
:func:`insert_rows` sends every ``INSERT … RETURNING id`` in one message (the
client-side binding psycopg cursor Django uses accepts several statements)
and gives each instance its primary key, as ``bulk_create`` would. The SQL
comes from the models' own metadata, once per model; values go through each
field's ``pre_save`` and ``get_db_prep_save`` exactly as the ORM's insert does.

Elsewhere (SQLite, or PostgreSQL with server-side binding) it falls back to
one ``bulk_create`` per model, which does the same, statement by statement.
Signals are not sent, as with ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import groupby
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper


@cache
def _statement(model: type[models.Model]) -> tuple[str, str, tuple[models.Field[Any, Any], ...]]:
    """(``INSERT INTO "t" ("c", …) VALUES``, one row's placeholders, the fields) on PostgreSQL."""
    opts = model._meta
    assert opts.pk is not None
    fields = tuple(
        f
        for f in opts.concrete_fields
        if not f.generated and not (f.primary_key and isinstance(f, models.AutoField))
    )
    # PostgreSQL identifiers (the only database this SQL is for).
    columns = ", ".join(_quote(str(f.column)) for f in fields)
    head = f"INSERT INTO {_quote(opts.db_table)} ({columns}) VALUES"
    return head, "(" + ", ".join(["%s"] * len(fields)) + ")", fields


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(
    connection: BaseDatabaseWrapper, objs: Sequence[models.Model]
) -> tuple[str, list[Any]] | None:
    model = type(objs[0])
    head, row, fields = _statement(model)
    params: list[Any] = []
    for obj in objs:
        assert obj.pk is None, "insert_rows() inserts new rows only"
        for field in fields:
            value = field.get_db_prep_save(field.pre_save(obj, add=True), connection=connection)
            if hasattr(value, "resolve_expression"):
                return None  # a database expression (db_default…): leave it to the ORM
            params.append(value)
    assert model._meta.pk is not None
    returning = _quote(str(model._meta.pk.column))
    return f"{head} {', '.join([row] * len(objs))} RETURNING {returning}", params


def insert_rows(objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new instances, consecutive ones of a model grouped) and set their pks.

    Instances of one model that follow each other become one multi-row
    ``INSERT``; the groups are sent in order, in one round trip on PostgreSQL.
    Foreign keys must already hold their targets' ids (assign saved instances).
    """
    if not objs:
        return
    groups = [list(g) for _model, g in groupby(objs, key=type)]
    using = router.db_for_write(type(objs[0]))
    connection = connections[using]
    statements = (
        [_sql(connection, group) for group in groups]
        if connection.vendor == "postgresql"
        and not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
        else []
    )
    if not statements or any(s is None for s in statements):
        for group in groups:
            type(group[0])._default_manager.using(using).bulk_create(group)
        return
    sql = ";\n".join(s[0] for s in statements if s is not None)
    params = [p for s in statements if s is not None for p in s[1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for index, group in enumerate(groups):
            if index:
                cursor.nextset()
            ids = [row[0] for row in cursor.fetchall()]
            assert len(ids) == len(group)
            for obj, pk in zip(group, ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = using
