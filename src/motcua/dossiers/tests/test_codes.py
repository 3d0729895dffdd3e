"""Dossier codes: national format, per-agency daily sequence, gapless under concurrency."""

from __future__ import annotations

import datetime as dt
import queue
import re
import threading
import time
from collections.abc import Callable

from django.db import OperationalError, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test import TestCase, TransactionTestCase, tag

from motcua.dossiers.codes import (
    LOOKUP_KEY_ALPHABET,
    dossier_code_assign,
    dossier_code_issue,
    lookup_key_new,
)
from motcua.dossiers.models import Dossier, DossierCodeCounter
from motcua.dossiers.tests.factories import CodedAgencyFactory
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.tests.factories import AgencyFactory

UTC = dt.UTC


def _placeholder_dossiers(model: Dossier, n: int) -> list[Dossier]:
    """``n`` saved copies of ``model`` still holding a placeholder code, as a reception makes."""
    copies = []
    for i in range(n):
        copy = Dossier.objects.get(pk=model.pk)
        copy.pk = None
        copy.code = f"~placeholder-{i}"
        copy.lookup_key = lookup_key_new()
        copies.append(copy)
    return Dossier.objects.bulk_create(copies)


@tag("gh-4")
class DossierCodeTests(TestCase):
    def setUp(self) -> None:
        self.agency = CodedAgencyFactory(code="000.00.06.H57")

    def test_it_formats_agency_local_date_and_four_digit_sequence(self) -> None:
        code = dossier_code_issue(agency=self.agency, at=dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
        self.assertEqual(code, "000.00.06.H57-260310-0001")

    def test_it_dates_the_code_in_vietnam_time_not_utc(self) -> None:
        # 17:30 UTC on 09/03 is already 00:30 on 10/03 in Huế (UTC+7).
        code = dossier_code_issue(
            agency=self.agency, at=dt.datetime(2026, 3, 9, 17, 30, tzinfo=UTC)
        )
        self.assertEqual(code, "000.00.06.H57-260310-0001")

    def test_it_numbers_consecutively_within_a_day(self) -> None:
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        codes = [dossier_code_issue(agency=self.agency, at=at) for _ in range(3)]
        self.assertEqual([c.rsplit("-", 1)[1] for c in codes], ["0001", "0002", "0003"])

    def test_it_restarts_the_sequence_each_day(self) -> None:
        monday = dt.datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
        tuesday = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        dossier_code_issue(agency=self.agency, at=monday)
        dossier_code_issue(agency=self.agency, at=monday)
        self.assertEqual(
            dossier_code_issue(agency=self.agency, at=tuesday), "000.00.06.H57-260310-0001"
        )
        self.assertEqual(
            dossier_code_issue(agency=self.agency, at=monday), "000.00.06.H57-260309-0003"
        )

    def test_it_keeps_an_independent_sequence_per_agency(self) -> None:
        other = CodedAgencyFactory(code="000.00.07.H57")
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        dossier_code_issue(agency=self.agency, at=at)
        dossier_code_issue(agency=self.agency, at=at)
        self.assertEqual(dossier_code_issue(agency=other, at=at), "000.00.07.H57-260310-0001")
        self.assertEqual(dossier_code_issue(agency=self.agency, at=at), "000.00.06.H57-260310-0003")

    def test_it_grows_past_four_digits_after_9999(self) -> None:
        day = dt.date(2026, 3, 10)
        DossierCodeCounter.objects.create(agency=self.agency, day=day, last=9999)
        code = dossier_code_issue(agency=self.agency, at=dt.datetime(2026, 3, 10, 2, tzinfo=UTC))
        self.assertEqual(code, "000.00.06.H57-260310-10000")

    def test_assigning_writes_the_same_code_to_the_dossier_past_9999_too(self) -> None:
        # Receptions take and write the code in one go (one statement on PostgreSQL).
        world = make_world()
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        first, second = _placeholder_dossiers(world.receive(), 2)
        DossierCodeCounter.objects.filter(agency=world.center).delete()
        DossierCodeCounter.objects.create(agency=world.center, day=dt.date(2026, 3, 10), last=9998)
        with transaction.atomic():
            a = dossier_code_assign(dossier=first, agency=world.center, at=at)
            b = dossier_code_assign(dossier=second, agency=world.center, at=at)
        prefix = f"{world.center.code}-260310-"
        self.assertEqual((a, b), (prefix + "9999", prefix + "10000"))
        self.assertEqual(
            list(
                Dossier.objects.filter(pk__in=[first.pk, second.pk])
                .order_by("pk")
                .values_list("code", flat=True)
            ),
            [a, b],
        )
        self.assertEqual((first.code, second.code), (a, b))

    def test_it_refuses_an_agency_without_a_code(self) -> None:
        agency = AgencyFactory(code="", name="Ủy ban nhân dân xã Thử")
        with self.assertRaisesMessage(ValueError, "has no identifier code"):
            dossier_code_issue(agency=agency, at=dt.datetime(2026, 3, 10, 2, tzinfo=UTC))
        self.assertFalse(DossierCodeCounter.objects.exists())

    def test_it_refuses_a_naive_instant(self) -> None:
        with self.assertRaisesMessage(ValueError, "timezone-aware"):
            dossier_code_issue(agency=self.agency, at=dt.datetime(2026, 3, 10, 9, 0))

    def test_it_gives_the_number_back_when_the_reception_rolls_back(self) -> None:
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        dossier_code_issue(agency=self.agency, at=at)
        with self.assertRaises(RuntimeError), transaction.atomic():
            dossier_code_issue(agency=self.agency, at=at)
            raise RuntimeError("reception failed after the code was issued")
        self.assertEqual(dossier_code_issue(agency=self.agency, at=at)[-4:], "0002")

    def test_it_makes_unambiguous_random_lookup_keys(self) -> None:
        keys = {lookup_key_new() for _ in range(200)}
        self.assertEqual(len(keys), 200)  # 32**8 ≈ 10**12: a collision here is a bug
        for key in keys:
            self.assertRegex(key, r"^[A-Z2-9]{8}$")
            self.assertTrue(set(key) <= set(LOOKUP_KEY_ALPHABET))
            self.assertFalse(set(key) & set("0O1I"))


def _retrying(take: Callable[[], str]) -> str:
    """``take()`` in its own transaction, begun again while SQLite's test database is locked.

    The SQLite test database is in-memory with a shared cache, where a busy
    writer makes BEGIN fail at once ("database table is locked") instead of
    waiting out the busy timeout as the file database does. Nothing was
    written: wait and begin again, as the timeout would.
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            with transaction.atomic():
                return take()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.002)


@tag("gh-4")
class DossierCodeConcurrencyTests(TransactionTestCase):
    """Many receptions at the same agency at the same instant, each in its own transaction."""

    # PostgreSQL: 200 issuances by 32 threads, each with its own connection,
    # all released by one barrier (max_connections is 100 on our machines and
    # other suites share the server). SQLite serialises writers, so fewer.
    ISSUANCES = 200 if connection.vendor == "postgresql" else 20
    THREADS = 32 if connection.vendor == "postgresql" else 10

    def race(self, jobs: list[Callable[[], str]]) -> list[str]:
        """Run ``jobs`` from THREADS threads released together, each job in its own transaction.

        Each thread has its own connection; the codes the jobs returned, in any order.
        """
        barrier = threading.Barrier(self.THREADS)
        pending = queue.SimpleQueue[Callable[[], str]]()
        for job in jobs:
            pending.put(job)
        codes: list[str] = []
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                barrier.wait(timeout=30)  # all connections race from the same instant
                while True:
                    try:
                        job = pending.get_nowait()
                    except queue.Empty:
                        return
                    codes.append(_retrying(job))
            except BaseException as exc:  # surfaced in the main thread below
                errors.append(exc)
            finally:
                connections.close_all()  # this thread's own connection

        threads = [threading.Thread(target=worker) for _ in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        return codes

    def test_it_issues_distinct_gapless_codes_under_concurrency(self) -> None:
        agency = CodedAgencyFactory(code="000.00.06.H57")
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        codes = self.race([lambda: dossier_code_issue(agency=agency, at=at)] * self.ISSUANCES)
        self.assertEqual(len(set(codes)), self.ISSUANCES, "duplicate codes were issued")
        numbers = sorted(int(re.fullmatch(r".*-260310-(\d{4,})", c)[1]) for c in codes)
        self.assertEqual(numbers, list(range(1, self.ISSUANCES + 1)), "numbers have gaps")
        self.assertEqual(
            DossierCodeCounter.objects.get(agency=agency, day=dt.date(2026, 3, 10)).last,
            self.ISSUANCES,
        )

    def test_receptions_assign_distinct_gapless_codes_under_concurrency(self) -> None:
        """The same race through ``dossier_code_assign``, which receptions use."""
        world = make_world()
        at = dt.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
        DossierCodeCounter.objects.filter(agency=world.center).delete()
        self.race(
            [
                lambda d=dossier: dossier_code_assign(dossier=d, agency=world.center, at=at)
                for dossier in _placeholder_dossiers(world.receive(), self.ISSUANCES)
            ]
        )
        codes = list(
            Dossier.objects.filter(code__contains="-260310-", received_by=world.center)
            .exclude(code__startswith="~")
            .values_list("code", flat=True)
        )
        numbers = sorted(int(re.fullmatch(r".*-260310-(\d{4,})", c)[1]) for c in codes)
        self.assertEqual(numbers, list(range(1, self.ISSUANCES + 1)), "duplicates or gaps")

    def test_it_refuses_to_issue_outside_a_transaction(self) -> None:
        agency = CodedAgencyFactory(code="000.00.06.H57")
        with self.assertRaises(TransactionManagementError):
            dossier_code_issue(agency=agency, at=dt.datetime(2026, 3, 10, 2, tzinfo=UTC))
