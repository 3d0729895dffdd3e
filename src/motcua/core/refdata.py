"""A process-local cache of reference data for the hot paths, never stale (gh-4 item 13).

Reception reads the same reference rows for every dossier: the receiving
agency, the officer's roles, the procedure variant in force with its fees, the
competent agency's working calendar. Reading and, above all, compiling those
ORM queries cost more than half of a reception's CPU. They change a few times
a day at most, so each process keeps what it has read, keyed by the caller.

Staleness is ruled out by the database itself rather than by a timeout:
triggers on every reference table (:data:`REFERENCE_MODELS`) give the single
``core.RefDataGeneration`` row a new random ``value`` in the writer's own
transaction, whoever writes (the admin, a service, a bulk import, raw SQL).
A :func:`snapshot` reads that value once (one indexed row, a fixed SQL string)
and drops every cached entry when it differs from the one they were read
under. A value read by a transaction that later rolls back is never reused,
since values are random rather than counted up.

The triggers are (re)installed after every ``migrate`` (and test-database
flush) by :func:`triggers_install`, so a migration that rebuilds a table (as
SQLite's schema editor does) cannot silently lose one; ``test_refdata``
checks that every reference table has its trigger.

Cached values are shared between the threads of a process: callers must treat
them as read-only (model instances included).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

T = TypeVar("T")

# Whole apps whose every table is reference data, and single models of other apps.
REFERENCE_APPS = ("procedures", "calendars")
REFERENCE_MODELS = (
    "organisations.AdminUnit",
    "organisations.Agency",
    "organisations.StaffMembership",
)
TABLE = "core_refdatageneration"
# Entries beyond this many are dropped all at once (the working set is a few hundred).
MAX_ENTRIES = 4096

_lock = threading.Lock()
_generation: int | None = None
_entries: dict[Hashable, Any] = {}


def reference_tables() -> list[str]:
    """The tables whose changes invalidate the cache, many-to-many tables included."""
    models = [m for label in REFERENCE_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in REFERENCE_MODELS]
    tables: set[str] = set()
    for model in models:
        tables.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.add(through._meta.db_table)
    return sorted(tables)


def generation(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The current generation; ``None`` when its row is missing (then nothing is cached)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608  # a constant
        row = cursor.fetchone()
    return None if row is None else int(row[0])


class Snapshot:
    """Reference data as of one generation; :meth:`get` reads through the process cache."""

    def __init__(self, generation: int | None) -> None:
        self.generation = generation

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value of ``key``, or ``load()``'s (cached when nothing changed meanwhile).

        ``load`` may raise; nothing is cached then.
        """
        global _generation
        if self.generation is None:
            return load()
        with _lock:
            if _generation != self.generation:
                _entries.clear()
                _generation = self.generation
            if key in _entries:
                return _entries[key]  # type: ignore[no-any-return]
        value = load()
        with _lock:
            if _generation == self.generation:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = value
        return value


def snapshot(using: str = DEFAULT_DB_ALIAS) -> Snapshot:
    """Read the generation once; the returned snapshot serves one request's reference reads."""
    return Snapshot(generation(using))


def cache_clear() -> None:
    """Forget every entry (tests that change the database behind the triggers' back)."""
    global _generation
    with _lock:
        _entries.clear()
        _generation = None


# --- triggers ---------------------------------------------------------------------------------

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_refdata_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE core_refdatageneration SET value = floor(random() * 9007199254740991)::bigint WHERE id = 1;
  RETURN NULL;
END $$
"""


def trigger_names(table: str) -> list[str]:
    """The names of ``table``'s triggers on this database (for the installer and the tests)."""
    return [f"motcua_refdata_{table}_{op}" for op in ("insert", "update", "delete")]


def _statements(connection: BaseDatabaseWrapper, tables: list[str]) -> Iterator[str]:
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        yield _PG_FUNCTION
        for table in tables:
            # Per statement, in the writer's transaction: the writer itself sees the new
            # generation at once. Two transactions writing reference rows queue on the
            # generation row until the first commits (reference data is edited rarely);
            # two that each write several reference rows, in opposite orders, at the same
            # moment can deadlock there, and PostgreSQL then aborts one of them. A
            # deferred (commit-time) trigger would avoid that but would hide the change
            # from the writer's own later reads in the same transaction.
            yield (
                f"CREATE OR REPLACE TRIGGER motcua_refdata_changed AFTER INSERT OR UPDATE"
                f" OR DELETE OR TRUNCATE ON {quote(table)} FOR EACH STATEMENT"
                f" EXECUTE FUNCTION motcua_refdata_changed()"
            )
    elif connection.vendor == "sqlite":
        for table in tables:
            for name, op in zip(trigger_names(table), ("INSERT", "UPDATE", "DELETE"), strict=True):
                # Identifiers of our own tables only.
                yield (
                    f"CREATE TRIGGER IF NOT EXISTS {quote(name)} AFTER {op} ON {quote(table)}"  # noqa: S608
                    " BEGIN UPDATE core_refdatageneration SET value = random() WHERE id = 1; END"
                )
    else:  # pragma: no cover - motcua runs on SQLite and PostgreSQL only
        raise NotImplementedError(connection.vendor)


def triggers_install(using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> None:
    """Create the generation row and every reference table's trigger, idempotently.

    Connected to ``post_migrate`` (core's AppConfig): runs after every
    ``migrate`` and after the flush of a test database. Tables not created
    yet (a partial migrate) are skipped; the next migrate adds theirs.
    """
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return
    tables = [t for t in reference_tables() if t in existing]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} WHERE id = 1")  # noqa: S608  # a constant
        if cursor.fetchone() is None:
            cursor.execute(f"INSERT INTO {TABLE} (id, value) VALUES (1, 0)")  # noqa: S608
        for statement in _statements(connection, tables):
            cursor.execute(statement)
