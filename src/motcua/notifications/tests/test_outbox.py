"""The outbox rows are written with the dossier event and only for what the citizen must know."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.test import override_settings

import time_machine

from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_act, dossier_receive_immediate
from motcua.notifications.constants import (
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
)
from motcua.notifications.models import Notification
from motcua.notifications.outbox import notifications_record_for_event
from motcua.notifications.services import notification_deliver

from .base import NOW, A, NotificationTestCase, R

C = NotificationChannel
K = NotificationKind


class OutboxTests(NotificationTestCase):
    def kinds(self, dossier: Dossier) -> list[tuple[str, str]]:
        rows = Notification.objects.filter(dossier=dossier, channel=C.EMAIL).order_by("event__seq")
        return [(row.event.action, row.kind) for row in rows]

    @override_settings(MOTCUA_SMS_PROVIDER="log")
    def test_it_records_one_row_per_recipient_and_channel_in_the_events_transaction(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.world.receive(owner=self.owner())  # no commit hooks run here
        event = DossierEvent.objects.get(dossier=dossier)
        rows = {
            (n.channel, n.recipient, n.user_id): (n.kind, n.status)
            for n in Notification.objects.filter(event=event)
        }
        # The address is normalised; the phone keeps only its digits (no name, no ID number).
        self.assertEqual(
            rows,
            {
                (C.IN_APP, f"user:{self.citizen.pk}", self.citizen.pk): (K.RECEIVED, "pending"),
                (C.EMAIL, "hoa@example.vn", None): (K.RECEIVED, "pending"),
                (C.SMS, "0905123456", None): (K.RECEIVED, "pending"),
            },
        )

    def test_without_an_sms_provider_no_sms_is_recorded_and_account_details_fill_gaps(
        self,
    ) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.world.receive(owner=self.owner(email="", phone=""))
        emails = Notification.objects.filter(dossier=dossier).values_list("channel", "recipient")
        # No e-mail on the dossier: the linked account's address is used; no SMS provider: no SMS.
        self.assertEqual(
            sorted(emails),
            [(C.EMAIL, "hoa.account@example.vn"), (C.IN_APP, f"user:{self.citizen.pk}")],
        )

    def test_a_rolled_back_action_leaves_nothing_to_send(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
            before = Notification.objects.count()
            with (
                self.captureOnCommitCallbacks(execute=True) as callbacks,
                self.assertRaises(RuntimeError),
                transaction.atomic(),
            ):
                # The stop is recorded, then the request fails before committing.
                dossier_act(
                    code=dossier.code,
                    action=A.STOP,
                    by=self.world.staff[R.RECEPTION_OFFICER],
                    reason="Theo đề nghị của công dân",
                )
                self.assertEqual(Notification.objects.count(), before + 2)
                raise RuntimeError("the request failed after the action")
        self.assertEqual(Notification.objects.count(), before)
        self.assertEqual(callbacks, [])  # nothing scheduled: a rollback sends nothing

    def test_recording_the_same_event_again_adds_nothing(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        event = DossierEvent.objects.get(dossier=dossier)
        self.assertEqual(Notification.objects.filter(event=event).count(), 2)
        notifications_record_for_event(event=event)
        self.assertEqual(Notification.objects.filter(event=event).count(), 2)

    def test_the_submitter_is_told_too_but_a_shared_address_gets_one_message(self) -> None:
        submitter = self.owner(
            full_name="Trần Văn Nam", email="HOA@example.vn", phone="", user=None
        )
        proxy = self.owner(full_name="Lê Văn Bình", email="binh@example.vn", phone="", user=None)
        with time_machine.travel(NOW, tick=False):
            shared = self.world.receive(owner=self.owner(), submitter=submitter)
            separate = self.world.receive(owner=self.owner(), submitter=proxy)
        emails = Notification.objects.filter(channel=C.EMAIL)
        # The owner's row wins for a shared address (and its greeting names the owner).
        self.assertEqual(
            [n.recipient_name for n in emails.filter(dossier=shared)], ["Nguyễn Thị Hoa"]
        )
        self.assertEqual(
            sorted(emails.filter(dossier=separate).values_list("recipient", flat=True)),
            ["binh@example.vn", "hoa@example.vn"],
        )

    def test_only_the_status_changes_a_citizen_should_know_of_are_notified(self) -> None:
        with time_machine.travel(NOW, tick=False) as clock:
            dossier = self.receive()
            self.to_processing(dossier)  # transfer and forward: internal, silent
            self.act(dossier, A.PAUSE_FINANCIAL, R.SPECIALIST)
            self.act(dossier, A.RESUME, R.SPECIALIST)
            self.act(
                dossier,
                A.APOLOGIZE,
                R.AGENCY_LEADER,
                reason="Cần xác minh thêm",
                new_due_at=NOW.replace(day=20, hour=16),
            )
            self.act(dossier, A.FORWARD, R.SPECIALIST)
            self.act(dossier, A.FORWARD, R.AGENCY_LEADER)
            clock.shift(dt.timedelta(hours=1))
            self.act(dossier, A.ISSUE_RESULT, R.CLERK)
            self.act(dossier, A.RETURN_RESULT, R.RECEPTION_OFFICER)
        self.assertEqual(
            self.kinds(dossier),
            [
                (A.RECEIVE, K.RECEIVED),
                (A.PAUSE_FINANCIAL, K.FEE_DUE),
                (A.APOLOGIZE, K.APOLOGY),
                (A.ISSUE_RESULT, K.RESULT_READY),
                (A.RETURN_RESULT, K.RETURNED),
            ],
        )
        # Each was delivered after its action committed (SMTP: the test's locmem mailer).
        statuses = set(
            Notification.objects.filter(dossier=dossier).values_list("status", flat=True)
        )
        self.assertEqual(statuses, {NotificationStatus.SENT})

    def test_supplement_refusal_stop_and_withdrawal_are_notified(self) -> None:
        with time_machine.travel(NOW, tick=False):
            supplement = self.receive()
            self.to_processing(supplement)
            self.act(
                supplement,
                A.REQUEST_SUPPLEMENT,
                R.SPECIALIST,
                items=["Bản sao CCCD"],
                reason="Thiếu giấy tờ",
            )
            self.act(supplement, A.WITHDRAW, R.RECEPTION_OFFICER, reason="Công dân rút hồ sơ")
            stopped = self.receive()
            self.act(stopped, A.STOP, R.RECEPTION_OFFICER, reason="Trùng hồ sơ đã nộp")
            refused = self.receive(by=None, channel=Channel.ONLINE)  # submission: silent
            self.act(refused, A.REFUSE, R.RECEPTION_OFFICER, reason="Sai thủ tục")
        self.assertEqual(
            self.kinds(supplement),
            [
                (A.RECEIVE, K.RECEIVED),
                (A.REQUEST_SUPPLEMENT, K.SUPPLEMENT_REQUESTED),
                (A.WITHDRAW, K.WITHDRAWN),
            ],
        )
        self.assertEqual(self.kinds(stopped), [(A.RECEIVE, K.RECEIVED), (A.STOP, K.STOPPED)])
        self.assertEqual(self.kinds(refused), [(A.REFUSE, K.REFUSED)])

    def test_an_immediate_result_is_notified_once_as_received(self) -> None:
        w = self.world
        with time_machine.travel(NOW, tick=False), self.captureOnCommitCallbacks(execute=True):
            dossier = dossier_receive_immediate(
                by=w.staff[R.RECEPTION_OFFICER],
                agency=w.center,
                procedure_code=w.code,
                variant_code=w.same_day.code,
                owner=self.owner(),
            )
        self.assertEqual(dossier.status, DossierStatus.RETURNED)
        self.assertEqual(self.kinds(dossier), [(A.RECEIVE, K.RECEIVED)])

    def test_a_delivered_in_app_notice_is_not_delivered_again(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        notice = Notification.objects.get(dossier=dossier, channel=C.IN_APP)
        self.assertEqual((notice.status, notice.attempts), (NotificationStatus.SENT, 1))
        self.assertIsNone(notification_deliver(notification_id=notice.pk))
        notice.refresh_from_db()
        self.assertEqual(notice.attempts, 1)
