"""SMS through the provider registry: the generic HTTP gateway on a local server, and checks."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from django.core.checks import run_checks
from django.test import override_settings

import time_machine

from motcua.notifications.base import SmsError
from motcua.notifications.constants import NotificationChannel, NotificationStatus
from motcua.notifications.models import Notification
from motcua.notifications.registry import send_sms_now

from .base import NOW, NotificationTestCase
from .peers import Gateway, sms_gateway

St = NotificationStatus


def http_sms(url: str) -> override_settings:
    return override_settings(
        MOTCUA_SMS_PROVIDER="http",
        MOTCUA_SMS_HTTP_URL=url,
        MOTCUA_SMS_HTTP_TOKEN="bi-mat-123",
        MOTCUA_SMS_SENDER="HUE-S",
        MOTCUA_PUBLIC_BASE_URL="https://dichvucong.hue.gov.vn",
    )


class SmsTests(NotificationTestCase):
    def test_it_posts_a_short_unaccented_text_with_the_lookup_link_to_the_gateway(self) -> None:
        gateway = Gateway(answer={"id": "gw-42"})
        with sms_gateway(gateway) as url, http_sms(url), time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        self.assertEqual(len(gateway.requests), 1)
        request = gateway.requests[0]
        self.assertEqual(request["headers"]["Authorization"], "Bearer bi-mat-123")
        row = Notification.objects.get(dossier=dossier, channel=NotificationChannel.SMS)
        self.assertEqual(request["headers"]["Idempotency-Key"], f"motcua-notification-{row.pk}")
        body = request["json"]
        self.assertEqual((body["to"], body["sender"]), ("0905123456", "HUE-S"))
        text = body["text"]
        # Due Tue 17/03/2026 09:00 (5 working days); the link carries code and key.
        self.assertEqual(
            text,
            f"{dossier.code}: Ho so da duoc tiep nhan. Hen tra 09:00 ngay 17/03/2026. "
            "Giu giay hen de nhan ket qua. Tra cuu: https://dichvucong.hue.gov.vn/tra-cuu/"
            f"?code={dossier.code}&key={dossier.lookup_key}",
        )
        self.assertTrue(text.isascii())
        # Nothing personal beyond what the link needs: no name, no identity number.
        self.assertNotIn("Hoa", text)
        self.assertNotIn("046190000123", text)
        self.assertEqual((row.status, row.provider_ref, row.body), (St.SENT, "gw-42", text))

    def test_a_gateway_error_is_recorded_and_the_action_still_succeeds(self) -> None:
        gateway = Gateway(status=503, answer={"error": "quá tải"})
        with sms_gateway(gateway) as url, http_sms(url), time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        row = Notification.objects.get(dossier=dossier, channel=NotificationChannel.SMS)
        self.assertEqual((row.status, row.attempts), (St.FAILED, 1))
        self.assertIn("HTTP 503", row.last_error)
        self.assertIsNotNone(row.next_attempt_at)

    def test_the_console_provider_prints_the_message(self) -> None:
        out = io.StringIO()
        with (
            override_settings(MOTCUA_SMS_PROVIDER="console"),
            redirect_stdout(out),
            time_machine.travel(NOW, tick=False),
        ):
            dossier = self.receive()
        self.assertIn("SMS to 0905123456", out.getvalue())
        self.assertIn(f"{dossier.code}: Ho so da duoc tiep nhan", out.getvalue())

    def test_check_refuses_an_unknown_provider_or_an_incomplete_http_one(self) -> None:
        def ids() -> list[str]:
            return [m.id for m in run_checks() if m.id and m.id.startswith("motcua.notif")]

        with override_settings(MOTCUA_SMS_PROVIDER="zalo"):
            self.assertEqual(ids(), ["motcua.notifications.E001"])
        with override_settings(MOTCUA_SMS_PROVIDER="http", MOTCUA_SMS_HTTP_URL="ftp://x"):
            self.assertEqual(ids(), ["motcua.notifications.E002", "motcua.notifications.E002"])
        with http_sms("http://127.0.0.1:9/sms"):
            self.assertEqual(ids(), [])


class SendNowTests(NotificationTestCase):
    """``send_sms_now`` is the hook the accounts app's verification codes can use."""

    def test_it_sends_at_once_through_the_provider_or_says_sms_is_off(self) -> None:
        gateway = Gateway()
        with sms_gateway(gateway) as url, http_sms(url):
            send_sms_now("+84905123456", "Ma xac thuc: 123456")
        self.assertEqual(gateway.requests[0]["json"]["text"], "Ma xac thuc: 123456")
        with self.assertRaises(SmsError):
            send_sms_now("+84905123456", "Ma xac thuc: 123456")  # MOTCUA_SMS_PROVIDER is empty
