"""E-mail goes out through a real SMTP server after commit; a dead server fails only the mail.

The SMTP server is aiosmtpd, started in-process on 127.0.0.1 by each test and
reached through Django's MAILERS setting, as in production.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.test import override_settings

import time_machine

from motcua.dossiers.constants import DossierStatus
from motcua.notifications.constants import NotificationChannel, NotificationStatus
from motcua.notifications.models import Notification, NotificationAttempt
from motcua.notifications.services import notification_deliver, notifications_send_due
from motcua.notifications.tasks import deliver_notification

from .base import NOW, A, NotificationTestCase, R
from .peers import free_port, smtp_mailers, smtp_server

St = NotificationStatus


class EmailDeliveryTests(NotificationTestCase):
    def email_row(self, **filters: object) -> Notification:
        return Notification.objects.get(channel=NotificationChannel.EMAIL, **filters)

    def test_it_sends_a_plain_text_and_html_email_through_smtp_after_commit(self) -> None:
        with (
            smtp_server() as (inbox, port),
            override_settings(MAILERS=smtp_mailers(port)),
            time_machine.travel(NOW, tick=False),
        ):
            dossier = self.receive()
        self.assertEqual(len(inbox.messages), 1)
        message = inbox.messages[0]
        self.assertEqual(inbox.envelopes[0][1], ["hoa@example.vn"])
        self.assertEqual(message["Subject"], f"Hồ sơ {dossier.code}: Hồ sơ đã được tiếp nhận")
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None
        assert html is not None
        self.assertIn("Việc Ông/Bà cần làm tiếp theo", text.get_content())
        self.assertIn(f"key={dossier.lookup_key}", html.get_content())
        row = self.email_row(dossier=dossier)
        self.assertEqual((row.status, row.attempts, row.last_error), (St.SENT, 1, ""))
        self.assertEqual(row.sent_at, NOW)
        # The stable Message-ID recorded is the one the server received.
        self.assertEqual(message["Message-ID"], row.provider_ref)
        self.assertEqual(row.subject, message["Subject"])

    def test_a_refused_connection_fails_the_email_not_the_action_and_it_is_retried_later(
        self,
    ) -> None:
        port = free_port()  # nothing listens here yet: connection refused
        with override_settings(MAILERS=smtp_mailers(port)):
            with time_machine.travel(NOW, tick=False):
                dossier = self.receive()
                self.to_processing(dossier)
                event = self.act(
                    dossier,
                    A.REQUEST_SUPPLEMENT,
                    R.SPECIALIST,
                    items=["Bản sao CCCD"],
                    reason="Thiếu giấy tờ",
                )
            # The officer's action went through; the citizen's in-app notice too.
            dossier.refresh_from_db()
            self.assertEqual(dossier.status, DossierStatus.AWAITING_SUPPLEMENT)
            self.assertEqual(
                Notification.objects.get(event=event, channel=NotificationChannel.IN_APP).status,
                St.SENT,
            )
            row = self.email_row(event=event)
            self.assertEqual((row.status, row.attempts), (St.FAILED, 1))
            self.assertIn("ConnectionRefusedError", row.last_error)
            # First retry after MOTCUA_NOTIFICATION_RETRY_SECONDS (60 s).
            self.assertEqual(row.next_attempt_at, NOW + dt.timedelta(seconds=60))
            attempt = NotificationAttempt.objects.get(notification=row)
            self.assertFalse(attempt.ok)
            self.assertIn("ConnectionRefusedError", attempt.error)

            # Not due yet: the periodic run leaves it alone.
            with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):
                self.assertEqual(notifications_send_due(), 0)
            # Still down a minute later: the next wait doubles.
            with time_machine.travel(NOW + dt.timedelta(seconds=60), tick=False):
                call_command("send_notifications", stdout=io.StringIO())
            row.refresh_from_db()
            self.assertEqual((row.status, row.attempts), (St.FAILED, 2))
            self.assertEqual(row.next_attempt_at, NOW + dt.timedelta(seconds=180))
            # The server is back: the next periodic run delivers it.
            with (
                smtp_server(port) as (inbox, _port),
                time_machine.travel(NOW + dt.timedelta(seconds=180), tick=False),
            ):
                out = io.StringIO()
                call_command("send_notifications", stdout=out)
        self.assertIn("2 thông báo", out.getvalue())  # both e-mails of this dossier were due
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts, row.next_attempt_at), (St.SENT, 3, None))
        self.assertEqual(
            [m["Subject"] for m in inbox.messages if "bổ sung" in m["Subject"]],
            [f"Hồ sơ {dossier.code}: Yêu cầu bổ sung hồ sơ"],
        )
        self.assertEqual(list(row.attempt_log.values_list("ok", flat=True)), [False, False, True])

    @override_settings(MOTCUA_NOTIFICATION_MAX_ATTEMPTS=2)
    def test_it_gives_up_after_the_last_attempt_and_keeps_the_error(self) -> None:
        with override_settings(MAILERS=smtp_mailers(free_port())):
            with time_machine.travel(NOW, tick=False):
                dossier = self.receive()
            with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
                self.assertEqual(notifications_send_due(), 1)
                self.assertEqual(notifications_send_due(), 0)  # given up: never due again
        row = self.email_row(dossier=dossier)
        self.assertEqual((row.status, row.attempts, row.next_attempt_at), (St.FAILED, 2, None))
        self.assertIn("ConnectionRefusedError", row.last_error)

    def test_delivering_twice_sends_once(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.world.receive(owner=self.owner())  # recorded, not yet delivered
        row = self.email_row(dossier=dossier)
        with (
            smtp_server() as (inbox, port),
            override_settings(MAILERS=smtp_mailers(port)),
            time_machine.travel(NOW, tick=False),
        ):
            deliver_notification.delay(row.pk)
            deliver_notification.delay(row.pk)  # a duplicate task (redelivery, double beat)
            self.assertIsNone(notification_deliver(notification_id=row.pk))
            notifications_send_due()  # the periodic run (delivers the in-app notice only)
        self.assertEqual(len(inbox.messages), 1)
        row.refresh_from_db()
        self.assertEqual((row.status, row.attempts), (St.SENT, 1))

    def test_a_delivery_whose_worker_died_is_taken_over_after_the_lease(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.world.receive(owner=self.owner())
        row = self.email_row(dossier=dossier)
        # A worker claimed it at 09:00 and was killed before recording anything.
        Notification.objects.filter(pk=row.pk).update(status=St.SENDING, claimed_at=NOW)
        with smtp_server() as (inbox, port), override_settings(MAILERS=smtp_mailers(port)):
            with time_machine.travel(NOW + dt.timedelta(minutes=9), tick=False):
                self.assertIsNone(notification_deliver(notification_id=row.pk))
            self.assertEqual(inbox.messages, [])  # maybe still sending: leave it
            with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
                notification_deliver(notification_id=row.pk)
        self.assertEqual(len(inbox.messages), 1)
        row.refresh_from_db()
        self.assertEqual(row.status, St.SENT)
