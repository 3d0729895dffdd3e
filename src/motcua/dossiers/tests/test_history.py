"""Append-only, hash-chained history: tampering is found and named (gh-4 #8)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, tag
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.history import (
    dossiers_with_broken_history,
    event_append,
    event_chain_problems,
    event_hash,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import DossierFactory
from motcua.organisations.constants import Role

S = DossierStatus
T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # Tue 10/03/2026 09:00 in Huế


def record_history(dossier: Dossier, officer=None) -> list[DossierEvent]:
    """Receive, start processing and ask for a supplement: three chained events."""
    steps = [
        (EventAction.RECEIVE, None, S.RECEIVED, "Tiếp nhận tại quầy"),
        (EventAction.TRANSFER, S.RECEIVED, S.PROCESSING, "Chuyển phòng chuyên môn"),
        (EventAction.REQUEST_SUPPLEMENT, S.PROCESSING, S.AWAITING_SUPPLEMENT, "Thiếu bản sao"),
    ]
    events = []
    for hour, (action, source, target, note) in enumerate(steps):
        events.append(
            event_append(
                dossier=dossier,
                action=action,
                at=T0 + dt.timedelta(hours=hour),
                actor=officer,
                actor_role=Role.RECEPTION_OFFICER if officer else "",
                actor_agency=dossier.received_by,
                from_status=source,
                to_status=target,
                due_at=T0 + dt.timedelta(days=5),
                note=note,
                data={"items": ["Bản sao giấy khai sinh"], "page_count": 2},
            )
        )
    Dossier.objects.filter(pk=dossier.pk).update(status=S.AWAITING_SUPPLEMENT)
    return events


@tag("gh-4")
class HistoryChainTests(TestCase):
    def setUp(self) -> None:
        self.officer = StaffFactory()
        self.dossier = DossierFactory(code="000.00.06.H57-260310-0001")
        self.events = record_history(self.dossier, self.officer)

    def test_it_chains_each_event_to_the_previous_one(self) -> None:
        first, second, third = self.events
        self.assertEqual([e.seq for e in self.events], [1, 2, 3])
        self.assertEqual(first.prev_hash, "")
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(third.prev_hash, second.hash)
        self.assertRegex(third.hash, r"^[0-9a-f]{64}$")

    def test_it_verifies_an_intact_chain_after_the_round_trip_through_the_database(self) -> None:
        with self.assertNumQueries(2):  # the dossier's status, then its events
            self.assertEqual(event_chain_problems(dossier_id=self.dossier.pk), [])

    def test_it_hashes_the_note_in_nfc(self) -> None:
        decomposed = "Thie\u0302\u0301u ba\u0309n sao"  # "Thiếu bản sao" typed with combining marks
        event = event_append(
            dossier=self.dossier,
            action=EventAction.SUBMIT_SUPPLEMENT,
            at=T0 + dt.timedelta(days=1),
            actor=None,
            from_status=S.AWAITING_SUPPLEMENT,
            to_status=S.PROCESSING,
            note=decomposed,
        )
        self.assertEqual(event.note, "Thiếu bản sao")
        Dossier.objects.filter(pk=self.dossier.pk).update(status=S.PROCESSING)
        self.assertEqual(event_chain_problems(dossier_id=self.dossier.pk), [])

    def test_it_verifies_data_that_the_database_rewrites(self) -> None:
        # jsonb reorders keys and prints 1e16 as an integer; the hash must not care.
        event_append(
            dossier=self.dossier,
            action=EventAction.SUBMIT_SUPPLEMENT,
            at=T0 + dt.timedelta(days=1),
            actor=None,
            from_status=S.AWAITING_SUPPLEMENT,
            to_status=S.PROCESSING,
            data={"z": 1, "a": {"fee": 1e16, "ratio": 0.1, "pages": (1, 2)}, "ghi chú": "Huế"},
        )
        Dossier.objects.filter(pk=self.dossier.pk).update(status=S.PROCESSING)
        self.assertEqual(event_chain_problems(dossier_id=self.dossier.pk), [])

    def test_it_refuses_data_that_is_not_plain_json(self) -> None:
        for data in ({"at": T0}, {"ratio": float("nan")}):
            with self.subTest(data=data), self.assertRaises((TypeError, ValueError)):
                event_append(
                    dossier=self.dossier,
                    action=EventAction.RESUME,
                    at=T0,
                    actor=None,
                    from_status=S.AWAITING_SUPPLEMENT,
                    to_status=S.PROCESSING,
                    data=data,
                )
        self.assertEqual(self.dossier.events.count(), 3)

    def test_it_reports_a_note_edited_behind_the_applications_back(self) -> None:
        DossierEvent.objects.filter(pk=self.events[1].pk).update(note="Đã xử lý đúng hạn")
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertEqual(len(problems), 1)
        self.assertIn("Sự kiện số 2", problems[0])
        self.assertIn("đã bị sửa", problems[0])

    def test_it_reports_an_instant_edited_with_raw_sql(self) -> None:
        table = DossierEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET at = %s WHERE id = %s",  # noqa: S608 -- fixed table name
                [T0 + dt.timedelta(minutes=1), self.events[0].pk],
            )
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertEqual(len(problems), 1)
        self.assertIn("Sự kiện số 1", problems[0])

    def test_it_reports_an_edit_whose_hash_was_recomputed_at_the_next_link(self) -> None:
        # A careful forger rewrites event 2 and its hash; event 3 still points
        # at the old hash, so the chain breaks there.
        edited = DossierEvent.objects.filter(pk=self.events[1].pk)
        edited.update(data={"items": []})
        row = edited.values().get()
        edited.update(hash=event_hash(prev_hash=row["prev_hash"], fields=row))
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertEqual(len(problems), 1)
        self.assertIn("Sự kiện số 3: không nối với sự kiện trước", problems[0])

    def test_it_reports_a_deleted_middle_event(self) -> None:
        DossierEvent.objects.filter(pk=self.events[1].pk).delete()
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertIn("Sự kiện số 3: thiếu sự kiện số 2", problems[0])

    def test_it_reports_deleted_last_events_by_the_dossier_status(self) -> None:
        DossierEvent.objects.filter(pk=self.events[2].pk).delete()
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertEqual(len(problems), 1)
        self.assertIn("sự kiện cuối số 2", problems[0])

    def test_it_reports_reordered_events(self) -> None:
        second, third = self.events[1], self.events[2]
        DossierEvent.objects.filter(pk=second.pk).update(seq=99)
        DossierEvent.objects.filter(pk=third.pk).update(seq=2)
        DossierEvent.objects.filter(pk=second.pk).update(seq=3)
        problems = event_chain_problems(dossier_id=self.dossier.pk)
        self.assertIn("Sự kiện số 2", problems[0])

    def test_it_reports_a_dossier_without_history(self) -> None:
        bare = DossierFactory()
        self.assertEqual(
            event_chain_problems(dossier_id=bare.pk),
            ["Hồ sơ không có sự kiện nào trong quá trình xử lý."],
        )

    def test_it_streams_only_broken_dossiers_in_bounded_batches(self) -> None:
        others = [DossierFactory() for _ in range(3)]
        for dossier in others:
            record_history(dossier)
        DossierEvent.objects.filter(dossier=others[1], seq=1).update(note="sửa")
        # 4 dossiers in batches of 2: (dossiers + their events) × 2, then an empty page.
        with self.assertNumQueries(5):
            broken = list(dossiers_with_broken_history(batch=2))
        self.assertEqual([code for code, _ in broken], [others[1].code])
        self.assertIn("Sự kiện số 1", broken[0][1][0])

    def test_the_command_prints_ok_and_exits_0_when_every_chain_verifies(self) -> None:
        out = io.StringIO()
        call_command("verify_history", stdout=out)
        self.assertIn("OK: chuỗi lịch sử của 1 hồ sơ còn nguyên vẹn.", out.getvalue())

    def test_the_command_lists_broken_dossiers_and_exits_1(self) -> None:
        DossierEvent.objects.filter(pk=self.events[1].pk).update(note="Đã xử lý đúng hạn")
        out = io.StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("verify_history", stdout=out)
        self.assertEqual(raised.exception.returncode, 1)
        self.assertIn("1 hồ sơ có chuỗi lịch sử bị phá vỡ.", str(raised.exception))
        self.assertIn("000.00.06.H57-260310-0001", out.getvalue())
        self.assertIn("Sự kiện số 2: nội dung không khớp", out.getvalue())

    def test_the_command_counts_dossiers_in_english_singular_and_plural(self) -> None:
        with translation.override("en"):
            out = io.StringIO()
            call_command("verify_history", stdout=out)
            self.assertIn("OK: the history chain is intact for 1 dossier.", out.getvalue())
            record_history(DossierFactory())
            out = io.StringIO()
            call_command("verify_history", stdout=out)
            self.assertIn("OK: the history chains are intact for 2 dossiers.", out.getvalue())
            DossierEvent.objects.filter(seq=1).update(note="sửa")
            with self.assertRaises(CommandError) as raised:
                call_command("verify_history", stdout=io.StringIO())
        self.assertIn("2 dossiers have a broken history chain.", str(raised.exception))

    def test_the_command_checks_one_dossier_by_code(self) -> None:
        broken = DossierFactory(code="000.00.06.H57-260310-0009")
        out = io.StringIO()
        call_command("verify_history", "--code", self.dossier.code, stdout=out)
        self.assertIn("OK", out.getvalue())
        with self.assertRaises(CommandError):
            call_command("verify_history", "--code", broken.code, stdout=io.StringIO())
        with self.assertRaises(CommandError) as raised:
            call_command("verify_history", "--code", "KHONG-CO", stdout=io.StringIO())
        self.assertEqual(raised.exception.returncode, 2)
        self.assertIn("Không tìm thấy hồ sơ mã KHONG-CO.", str(raised.exception))


@tag("gh-4")
class HistoryAdminTests(TestCase):
    def setUp(self) -> None:
        self.client.force_login(UserFactory(is_staff=True, is_superuser=True, is_demo=True))
        self.dossier = DossierFactory(code="000.00.06.H57-260310-0001")
        self.events = record_history(self.dossier)

    def test_it_shows_dossiers_and_events_read_only(self) -> None:
        with self.settings(MOTCUA_DEMO=True):
            page = self.client.get(f"/admin/dossiers/dossier/{self.dossier.pk}/change/")
            self.assertContains(page, "Thiếu bản sao")  # the event inline
            self.assertNotContains(page, 'name="_save"')
            self.assertEqual(self.client.get("/admin/dossiers/dossier/add/").status_code, 403)
            self.assertEqual(self.client.get("/admin/dossiers/dossierevent/add/").status_code, 403)
            event_url = f"/admin/dossiers/dossierevent/{self.events[0].pk}/"
            self.assertEqual(self.client.post(event_url + "delete/").status_code, 403)
            self.assertEqual(
                self.client.post(event_url + "change/", {"note": "x"}).status_code, 403
            )
        self.assertEqual(DossierEvent.objects.count(), 3)

    def test_it_lists_dossiers_with_fixed_queries(self) -> None:
        def queries_for_changelist() -> int:
            with self.settings(MOTCUA_DEMO=True), CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/admin/dossiers/dossier/").status_code, 200)
            return len(queries)

        with_one = queries_for_changelist()
        DossierFactory.create_batch(4)
        self.assertEqual(
            queries_for_changelist(),
            with_one,
            "the changelist grows with the dossiers: N+1, check list_select_related",
        )

    def test_the_action_reports_broken_chains_of_the_selected_dossiers(self) -> None:
        intact = DossierFactory()
        record_history(intact)
        DossierEvent.objects.filter(pk=self.events[1].pk).update(note="Đã xử lý đúng hạn")
        with self.settings(MOTCUA_DEMO=True):
            response = self.client.post(
                "/admin/dossiers/dossier/",
                {"action": "verify_history", "_selected_action": [self.dossier.pk, intact.pk]},
                follow=True,
            )
        shown = [str(m) for m in response.context["messages"]]
        self.assertEqual(len(shown), 1)
        self.assertIn("000.00.06.H57-260310-0001: Sự kiện số 2", shown[0])

    def test_the_event_action_checks_the_dossiers_of_the_selected_events(self) -> None:
        with self.settings(MOTCUA_DEMO=True):
            response = self.client.post(
                "/admin/dossiers/dossierevent/",
                {"action": "verify_history", "_selected_action": [e.pk for e in self.events]},
                follow=True,
            )
        shown = [str(m) for m in response.context["messages"]]
        self.assertEqual(shown, ["Chuỗi lịch sử của 1 hồ sơ đã chọn còn nguyên vẹn."])

    def test_the_action_counts_the_selected_dossiers_in_english(self) -> None:
        record_history(DossierFactory())
        with self.settings(MOTCUA_DEMO=True):
            response = self.client.post(
                "/en/admin/dossiers/dossier/",
                {
                    "action": "verify_history",
                    "_selected_action": list(Dossier.objects.values_list("pk", flat=True)),
                },
                follow=True,
            )
        shown = [str(m) for m in response.context["messages"]]
        self.assertEqual(shown, ["The history chains of the 2 selected dossiers are intact."])
