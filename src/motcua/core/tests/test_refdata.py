"""The reference-data cache is never stale: every reference table tells it (gh-4 item 13)."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TestCase, tag

from motcua.core import refdata
from motcua.dossiers.models import DossierCodeCounter
from motcua.organisations.models import Agency
from motcua.organisations.tests.factories import AgencyFactory


def _triggered_tables() -> set[str]:
    """The tables carrying a refdata trigger, read from the database's catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname = 'motcua_refdata_changed'"
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        names: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            names.setdefault(table, set()).add(name)
        # A table counts only with its three triggers (insert, update, delete).
        return {t for t, n in names.items() if set(refdata.trigger_names(t)) <= n}


@tag("gh-4")
class RefDataTests(TestCase):
    def setUp(self) -> None:
        refdata.cache_clear()
        self.addCleanup(refdata.cache_clear)

    def test_every_reference_table_has_its_trigger_after_migrate(self) -> None:
        tables = refdata.reference_tables()
        self.assertIn("organisations_agency", tables)
        self.assertIn("procedures_feerule", tables)
        self.assertIn("calendars_calendarday", tables)
        self.assertIn("organisations_staffmembership", tables)
        self.assertEqual(set(tables) - _triggered_tables(), set())

    def test_reinstalling_is_idempotent_and_restores_a_lost_trigger(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER motcua_refdata_changed ON procedures_feerule")
            else:
                for name in refdata.trigger_names("procedures_feerule"):
                    cursor.execute(f'DROP TRIGGER "{name}"')
        self.assertNotIn("procedures_feerule", _triggered_tables())
        refdata.triggers_install()
        refdata.triggers_install()
        self.assertIn("procedures_feerule", _triggered_tables())

    def test_any_write_to_a_reference_table_changes_the_generation(self) -> None:
        agency = AgencyFactory()
        seen = [refdata.generation()]
        Agency.objects.filter(pk=agency.pk).update(name="Sở Tư pháp")  # no save(), no signal
        seen.append(refdata.generation())
        with connection.cursor() as cursor:  # raw SQL too
            cursor.execute(
                "UPDATE organisations_agency SET name = 'Sở Nội vụ' WHERE id = %s", [agency.pk]
            )
        seen.append(refdata.generation())
        Agency.objects.filter(pk=agency.pk).delete()
        seen.append(refdata.generation())
        self.assertEqual(len(set(seen)), 4, seen)

    def test_writes_elsewhere_leave_it_alone(self) -> None:
        agency = AgencyFactory()
        before = refdata.generation()
        DossierCodeCounter.objects.create(agency=agency, day="2026-03-10", last=1)
        self.assertEqual(refdata.generation(), before)

    def test_a_snapshot_loads_once_until_the_reference_data_changes(self) -> None:
        agency = AgencyFactory(name="Trung tâm A")
        loads: list[str] = []

        def load() -> str:
            loads.append("load")
            return Agency.objects.get(pk=agency.pk).name

        self.assertEqual(refdata.snapshot().get(("name", agency.pk), load), "Trung tâm A")
        self.assertEqual(refdata.snapshot().get(("name", agency.pk), load), "Trung tâm A")
        self.assertEqual(len(loads), 1)
        Agency.objects.filter(pk=agency.pk).update(name="Trung tâm B")
        self.assertEqual(refdata.snapshot().get(("name", agency.pk), load), "Trung tâm B")
        self.assertEqual(len(loads), 2)

    def test_a_value_read_inside_a_rolled_back_change_is_dropped(self) -> None:
        agency = AgencyFactory(name="Trung tâm A")

        def load() -> str:
            return Agency.objects.get(pk=agency.pk).name

        refdata.snapshot().get(("name", agency.pk), load)
        with transaction.atomic():
            Agency.objects.filter(pk=agency.pk).update(name="Trung tâm tạm")
            self.assertEqual(refdata.snapshot().get(("name", agency.pk), load), "Trung tâm tạm")
            transaction.set_rollback(True)
        self.assertEqual(refdata.snapshot().get(("name", agency.pk), load), "Trung tâm A")

    def test_without_its_row_nothing_is_cached(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_refdatageneration")
        calls: list[int] = []
        for _ in range(2):
            refdata.snapshot().get("k", lambda: calls.append(1))
        self.assertEqual(len(calls), 2)
        refdata.triggers_install()  # puts the row back
        self.assertIsNotNone(refdata.generation())

    def test_a_failed_load_caches_nothing(self) -> None:
        snap = refdata.snapshot()

        def fail() -> str:
            raise LookupError

        with self.assertRaises(LookupError):
            snap.get("k", fail)
        self.assertEqual(snap.get("k", lambda: "ok"), "ok")
