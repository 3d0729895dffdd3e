# ruff: noqa: S608 - SQL built only from table names, column names and integer enum values.
"""Statistics facts and the daily / monthly counters, kept up to date after commit (gh-8).

One definition, in SQL (``_facts_sql``), says which facts a dossier has; it is
used three ways:

* ``stats_refresh_dossiers`` (after every history event's commit): recompute
  the facts of a few dossiers, diff them against the stored ones, and apply
  only the difference to the counters with ``INSERT … ON CONFLICT DO UPDATE
  SET c = c + delta``. Re-applying the same event (or any number of events) is
  harmless: the facts are a function of the committed history, so a second run
  finds no difference. The dossier rows are locked first, so two refreshes of
  one dossier cannot both apply the same difference.
* ``stats_rebuild`` (``manage.py supervision_rebuild``): the same SELECT over
  all dossiers, inserted set-based, then the counters grouped from the facts.
* ``stats_check`` (``manage.py supervision_check``): recompute everything from
  the raw tables and list every counter that differs.

Definitions (days in Vietnam time; dimensions are the dossier's current
competent agency, procedure, field and channel; the officer is the actor of
the event that defines the fact):

* received: the first event leaving "submitted" for anything but "refused";
  received fully online: the same, for online / national-portal dossiers of a
  procedure version offered fully online;
* refused: the first event to status 3;
* finished early / on time / late: the first event to status 9 or 10, by the
  dossier's timeliness (D8); its processing seconds are ``finished_at -
  received_at`` of the dossier (whole seconds);
* paused: each day with at least one event entering status 5 or 6;
* withdrawn / stopped / returned: the first event to status 7 / 8 / 10;
* rated very satisfied / satisfied / not satisfied: the dossier's rating, on
  the day it was first given, for the returning officer.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

import structlog

from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.procedures.constants import OnlineMode
from motcua.ratings.constants import Satisfaction

from .constants import COUNTER_COLUMNS, METRIC_COLUMN, Metric
from .models import DailyStat, MonthlyStat, StatFact

log = structlog.stdlib.get_logger(__name__)

S = DossierStatus
M = Metric

FACTS = StatFact._meta.db_table
DAILY = DailyStat._meta.db_table
MONTHLY = MonthlyStat._meta.db_table
EVENTS = "dossiers_dossierevent"
DOSSIERS = Dossier._meta.db_table
VERSIONS = "procedures_procedureversion"
RATINGS = "ratings_rating"

FACT_COLUMNS = (
    "dossier_id",
    "metric",
    "day",
    "agency_id",
    "procedure_id",
    "field_id",
    "officer_id",
    "channel",
    "seconds",
)
# A fact as a tuple in FACT_COLUMNS order (day as a date).
Fact = tuple[int, int, dt.date, int, int, int, int | None, int, int]
DAILY_KEY = ("day", "agency_id", "procedure_id", "field_id", "officer_id", "channel")
MONTHLY_KEY = ("month", "agency_id", "procedure_id", "field_id", "channel")
VALUE_COLUMNS = (*COUNTER_COLUMNS, "finished_seconds")


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def _day(col: str) -> str:
    """SQL for the Vietnam-time date of a timestamp column (UTC+7, no daylight saving)."""
    if _is_pg():
        return f"(({col}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return f"date({col}, '+7 hours')"


def _epoch(col: str) -> str:
    """SQL for the whole seconds since the epoch of a timestamp column (fractions dropped)."""
    if _is_pg():
        return f"EXTRACT(EPOCH FROM date_trunc('second', {col}))::bigint"
    return f"CAST(strftime('%s', {col}) AS INTEGER)"


def _facts_sql(dossier_filter: str = "") -> str:
    """The SELECT of every fact (FACT_COLUMNS), optionally for ``dossier_id IN (…)`` only.

    Each kind of fact is "the first event (lowest seq) of a dossier matching a
    condition": one pass over the events finds every kind's first seq per
    dossier (``MIN … FILTER``), then the events are joined back for their
    instant and actor. Set-based, so the rebuild scans the events twice
    (plus once for the pauses) whatever their number.
    """
    ef = f"AND e.dossier_id IN ({dossier_filter})" if dossier_filter else ""
    df = f"AND d.id IN ({dossier_filter})" if dossier_filter else ""
    dims = "d.competent_agency_id AS agency_id, v.procedure_id, v.field_id"
    online = f"({int(Channel.ONLINE)}, {int(Channel.NATIONAL_PORTAL)})"
    done = f"({int(S.RESOLVED)}, {int(S.RETURNED)})"
    paused = f"({int(S.AWAITING_SUPPLEMENT)}, {int(S.AWAITING_PAYMENT)})"
    kinds = {
        "r": f"e.to_status NOT IN ({int(S.SUBMITTED)}, {int(S.REFUSED)})",
        "x": f"e.to_status = {int(S.REFUSED)}",
        "f": f"e.to_status IN {done}",
        "w": f"e.to_status = {int(S.WITHDRAWN)}",
        "s": f"e.to_status = {int(S.STOPPED)}",
        "t": f"e.to_status = {int(S.RETURNED)}",
    }
    firsts_columns = ", ".join(
        f"MIN(e.seq) FILTER (WHERE {condition}) AS {kind}" for kind, condition in kinds.items()
    )
    unpivot = " UNION ALL ".join(
        f"SELECT dossier_id, {kind} AS seq, '{kind.upper()}' AS kind FROM firsts"
        f" WHERE {kind} IS NOT NULL"
        for kind in kinds
    )
    timeliness = (
        f"CASE d.timeliness WHEN 'early' THEN {int(M.FINISHED_EARLY)}"
        f" WHEN 'on_time' THEN {int(M.FINISHED_ON_TIME)} ELSE {int(M.FINISHED_LATE)} END"
    )
    metric = (
        f"CASE f.kind WHEN 'R' THEN {int(M.RECEIVED)} WHEN 'X' THEN {int(M.REFUSED)}"
        f" WHEN 'F' THEN {timeliness} WHEN 'W' THEN {int(M.WITHDRAWN)}"
        f" WHEN 'S' THEN {int(M.STOPPED)} ELSE {int(M.RETURNED)} END"
    )
    seconds = (
        f"CASE WHEN f.kind = 'F' AND d.finished_at IS NOT NULL AND d.received_at IS NOT NULL"
        f" THEN {_epoch('d.finished_at')} - {_epoch('d.received_at')} ELSE 0 END"
    )
    very = Satisfaction.VERY_SATISFIED.value
    rating = (
        f"CASE r.level WHEN '{very}' THEN {int(M.RATED_VERY_SATISFIED)}"
        f" WHEN '{Satisfaction.SATISFIED.value}' THEN {int(M.RATED_SATISFIED)}"
        f" ELSE {int(M.RATED_NOT_SATISFIED)} END"
    )
    full_online = (
        f"CASE WHEN f.kind = 'R' AND d.channel IN {online}"
        f" AND v.online_mode = '{OnlineMode.FULL.value}' THEN 1 ELSE 0 END"
    )
    return f"""
WITH firsts AS (
  SELECT e.dossier_id, {firsts_columns} FROM {EVENTS} e WHERE 1 = 1 {ef} GROUP BY e.dossier_id
), kinds AS ({unpivot}),
facts AS (
  SELECT f.dossier_id, {metric} AS metric, {_day("e.at")} AS day, {dims},
         e.actor_id AS officer_id, d.channel, {seconds} AS seconds,
         {full_online} AS full_online
  FROM kinds f
  JOIN {EVENTS} e ON e.dossier_id = f.dossier_id AND e.seq = f.seq
  JOIN {DOSSIERS} d ON d.id = f.dossier_id
  JOIN {VERSIONS} v ON v.id = d.procedure_version_id
  WHERE f.kind <> 'F' OR d.timeliness IN ('early', 'on_time', 'late')
)
SELECT dossier_id, metric, day, agency_id, procedure_id, field_id, officer_id, channel, seconds
FROM facts
UNION ALL
SELECT dossier_id, {int(M.RECEIVED_FULL_ONLINE)}, day, agency_id, procedure_id, field_id,
       officer_id, channel, 0
FROM facts WHERE full_online = 1
UNION ALL
SELECT p.dossier_id, {int(M.PAUSED)}, p.day, {dims}, e.actor_id, d.channel, 0
FROM (SELECT e.dossier_id, {_day("e.at")} AS day, MIN(e.seq) AS seq FROM {EVENTS} e
      WHERE e.to_status IN {paused}
        AND (e.from_status IS NULL OR e.from_status NOT IN {paused}) {ef}
      GROUP BY e.dossier_id, {_day("e.at")}) p
JOIN {EVENTS} e ON e.dossier_id = p.dossier_id AND e.seq = p.seq
JOIN {DOSSIERS} d ON d.id = p.dossier_id
JOIN {VERSIONS} v ON v.id = d.procedure_version_id
UNION ALL
SELECT d.id, {rating}, {_day("r.created_at")}, {dims}, r.officer_id, d.channel, 0
FROM {RATINGS} r
JOIN {DOSSIERS} d ON d.id = r.dossier_id
JOIN {VERSIONS} v ON v.id = d.procedure_version_id
WHERE 1 = 1 {df}
"""


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def facts_for_dossiers(dossier_ids: Sequence[int]) -> list[Fact]:
    """The facts of ``dossier_ids`` recomputed from the raw tables, sorted."""
    if not dossier_ids:
        return []
    placeholders = ", ".join(str(int(i)) for i in dossier_ids)
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(placeholders))
        rows = cursor.fetchall()
    return sorted(
        (
            int(r[0]),
            int(r[1]),
            _as_date(r[2]),
            int(r[3]),
            int(r[4]),
            int(r[5]),
            r[6],
            int(r[7]),
            int(r[8]),
        )
        for r in rows
    )


def _stored_facts(dossier_ids: Sequence[int]) -> list[Fact]:
    return sorted(StatFact.objects.filter(dossier_id__in=dossier_ids).values_list(*FACT_COLUMNS))


def _deltas(
    facts: Iterable[Fact],
    sign: int,
    daily: Counter[tuple[Any, ...]],
    monthly: Counter[tuple[Any, ...]],
) -> None:
    for _dossier, metric, day, agency, procedure, field, officer, channel, seconds in facts:
        column = METRIC_COLUMN[Metric(metric)]
        dkey = (day, agency, procedure, field, officer or 0, channel)
        mkey = (day.replace(day=1), agency, procedure, field, channel)
        for counter, key in ((daily, dkey), (monthly, mkey)):
            counter[(*key, column)] += sign
            if seconds:
                counter[(*key, "finished_seconds")] += sign * seconds


def _upsert(table: str, key: Sequence[str], deltas: Counter[tuple[Any, ...]]) -> None:
    rows: dict[tuple[Any, ...], dict[str, int]] = {}
    for (*k, column), value in deltas.items():
        if value:
            rows.setdefault(tuple(k), dict.fromkeys(VALUE_COLUMNS, 0))[column] += value
    if not rows:
        return
    columns = (*key, *VALUE_COLUMNS)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in VALUE_COLUMNS)
    )
    params = [(*k, *(v[c] for c in VALUE_COLUMNS)) for k, v in sorted(rows.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def stats_refresh_dossiers(*, dossier_ids: Iterable[int]) -> int:
    """Bring the facts and counters of ``dossier_ids`` in line with their history.

    Locks the dossier rows (in id order, so two refreshes cannot deadlock), so
    a concurrent refresh of the same dossier waits and then finds nothing to
    do. Returns the number of facts that changed (added + removed).
    """
    ids = sorted({int(i) for i in dossier_ids})
    if not ids:
        return 0
    with transaction.atomic():
        list(
            Dossier.objects.select_for_update().filter(id__in=ids).order_by("id").values_list("id")
        )
        old = _stored_facts(ids)
        new = facts_for_dossiers(ids)
        if old == new:
            return 0
        removed = list((Counter(old) - Counter(new)).elements())
        added = list((Counter(new) - Counter(old)).elements())
        daily: Counter[tuple[Any, ...]] = Counter()
        monthly: Counter[tuple[Any, ...]] = Counter()
        _deltas(removed, -1, daily, monthly)
        _deltas(added, +1, daily, monthly)
        StatFact.objects.filter(dossier_id__in=ids).delete()
        StatFact.objects.bulk_create(
            StatFact(**dict(zip(FACT_COLUMNS, fact, strict=True))) for fact in new
        )
        _upsert(DAILY, DAILY_KEY, daily)
        _upsert(MONTHLY, MONTHLY_KEY, monthly)
    return len(removed) + len(added)


def stats_after_dossier_change(*, dossier_id: int) -> None:
    """After-commit hook: refresh the statistics of a dossier whose history or rating changed.

    The dossier engine calls it after each committed event, ratings after each
    rating. Inline in the embedded, eager mode; in production the dossier joins
    the Redis set that one Celery drain refreshes in batches (``coalesce``).
    Never raises: a statistics failure must not turn a committed action into
    an error. A missed refresh shows in ``supervision_check`` and is repaired
    by the dossier's next change or ``supervision_rebuild``.
    """
    try:
        _enqueue(dossier_id)
    except Exception:  # see the docstring
        log.exception("supervision.refresh_failed", dossier=dossier_id)


def _enqueue(dossier_id: int) -> None:
    from . import coalesce

    if coalesce.coalescing():  # production: one set member, one drain per burst
        coalesce.stats_refresh_enqueue(dossier_id=dossier_id)
        return
    from .tasks import refresh_dossier_stats

    refresh_dossier_stats.delay(dossier_id)  # embedded: eager, inline after commit


def _counter_sums(source: str, key: Sequence[str], day_expr: str) -> str:
    sums = ", ".join(f"SUM(CASE WHEN metric = {int(m)} THEN 1 ELSE 0 END)" for m in METRIC_COLUMN)
    finished = f"({int(M.FINISHED_EARLY)}, {int(M.FINISHED_ON_TIME)}, {int(M.FINISHED_LATE)})"
    group = ", ".join(str(i + 1) for i in range(len(key)))
    officer = "COALESCE(officer_id, 0)"
    dims = [day_expr, "agency_id", "procedure_id", "field_id"]
    if "officer_id" in key:
        dims.append(officer)
    dims.append("channel")
    return (
        f"SELECT {', '.join(dims)}, {sums},"
        f" SUM(CASE WHEN metric IN {finished} THEN seconds ELSE 0 END)"
        f" FROM {source} GROUP BY {group}"
    )


def _month_start(col: str) -> str:
    if _is_pg():
        return f"date_trunc('month', {col})::date"
    return f"date({col}, 'start of month')"


@dataclass(frozen=True)
class RebuildResult:
    facts: int
    daily_rows: int
    monthly_rows: int
    seconds: float
    steps: dict[str, float]


def stats_rebuild() -> RebuildResult:
    """Recompute every fact and counter from the raw tables, set-based, in one transaction.

    The counter tables are locked for the duration (PostgreSQL), so after-commit
    refreshes wait and then apply their (possibly empty) difference on top.
    """
    started = time.monotonic()
    columns = ", ".join(FACT_COLUMNS)
    counters = ", ".join(VALUE_COLUMNS)
    steps: dict[str, float] = {}

    def step(name: str) -> None:
        steps[name] = time.monotonic() - started - sum(steps.values())

    pg = _is_pg()
    # Bulk loading: the secondary indexes are dropped and built again afterwards
    # (one sort each instead of millions of insertions), inside the transaction.
    secondary = [(model, index) for model in (StatFact, DailyStat, MonthlyStat)
                 for index in model._meta.indexes]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            cursor.execute(f"LOCK TABLE {FACTS}, {DAILY}, {MONTHLY} IN EXCLUSIVE MODE")
            cursor.execute(f"TRUNCATE {FACTS}, {DAILY}, {MONTHLY}")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            with connection.schema_editor(atomic=False) as editor:
                for model, index in secondary:
                    editor.remove_index(model, index)
        else:
            for table in (FACTS, DAILY, MONTHLY):
                cursor.execute(f"DELETE FROM {table}")
        step("clear")
        cursor.execute(f"INSERT INTO {FACTS} ({columns}) {_facts_sql()}")
        facts = cursor.rowcount
        step("facts")
        cursor.execute(
            f"INSERT INTO {DAILY} ({', '.join(DAILY_KEY)}, {counters})"
            f" {_counter_sums(FACTS, DAILY_KEY, 'day')}"
        )
        daily_rows = cursor.rowcount
        step("daily")
        # Months from the days (fewer rows than the facts), summed per month.
        month_sums = ", ".join(f"SUM({c})" for c in VALUE_COLUMNS)
        cursor.execute(
            f"INSERT INTO {MONTHLY} ({', '.join(MONTHLY_KEY)}, {counters})"
            f" SELECT {_month_start('day')}, agency_id, procedure_id, field_id, channel,"
            f" {month_sums} FROM {DAILY} GROUP BY 1, 2, 3, 4, 5"
        )
        monthly_rows = cursor.rowcount
        step("monthly")
        if pg:
            with connection.schema_editor(atomic=False) as editor:
                for model, index in secondary:
                    editor.add_index(model, index)
            step("indexes")
    if pg:
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
                cursor.execute(f"ANALYZE {FACTS}, {DAILY}, {MONTHLY}")
            else:  # the visibility map makes the lists' index-only scans possible
                cursor.execute(f"VACUUM ANALYZE {FACTS}, {DAILY}, {MONTHLY}")
        step("analyze")
    return RebuildResult(
        facts=facts,
        daily_rows=daily_rows,
        monthly_rows=monthly_rows,
        seconds=time.monotonic() - started,
        steps=steps,
    )


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    stored: tuple[int, ...]
    expected: tuple[int, ...]


def _key(row: Sequence[Any], width: int) -> tuple[Any, ...]:
    return (_as_date(row[0]), *(int(v) if v is not None else None for v in row[1:width]))


def stats_check(*, limit: int = 50) -> list[Difference]:
    """Compare the stored facts and counters with a recomputation from the raw tables.

    Set-based: the facts are recomputed once into a temporary table, then each
    stored table is compared with it both ways (``EXCEPT``). A difference has
    the stored row (or ``()`` when missing) and the expected one (or ``()``).
    Returns up to ``limit`` differences, empty when all agree. Writes nothing
    but the temporary table.
    """
    diffs: list[Difference] = []
    columns = ", ".join(FACT_COLUMNS)
    values = ", ".join(VALUE_COLUMNS)
    nonzero = " OR ".join(f"{c} <> 0" for c in VALUE_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS supervision_check_raw")
        cursor.execute(f"CREATE TEMPORARY TABLE supervision_check_raw AS {_facts_sql()}")
        raw = f"SELECT {columns} FROM supervision_check_raw"
        pairs = [(FACTS, f"SELECT {columns} FROM {FACTS}", raw, len(FACT_COLUMNS))]
        for table, key, day_expr in (
            (DAILY, DAILY_KEY, "day"),
            (MONTHLY, MONTHLY_KEY, _month_start("day")),
        ):
            pairs.append(
                (
                    table,
                    f"SELECT {', '.join(key)}, {values} FROM {table} WHERE {nonzero}",
                    _counter_sums("supervision_check_raw", key, day_expr),
                    len(key),
                )
            )
        for table, stored_sql, expected_sql, width in pairs:
            for first, second, stored_side in (
                (stored_sql, expected_sql, True),
                (expected_sql, stored_sql, False),
            ):
                cursor.execute(
                    f"SELECT * FROM ({first}) a EXCEPT SELECT * FROM ({second}) b"
                    f" LIMIT {int(limit)}"
                )
                for row in cursor.fetchall():
                    rest = tuple(int(v or 0) for v in row[width:])
                    key = _key(row, width) if table != FACTS else tuple(row)
                    diffs.append(
                        Difference(
                            table, key, rest if stored_side else (), () if stored_side else rest
                        )
                    )
        cursor.execute("DROP TABLE supervision_check_raw")
    return diffs[:limit]
