"""VietQR payloads (EMVCo merchant-presented QR, Napas profile) and the QR page (gh-5 item 5)."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

import time_machine

from motcua.payments.constants import PaymentStatus
from motcua.payments.emvco import (
    PayloadError,
    VietQR,
    crc16_ccitt_false,
    parse,
    verify_crc,
    vietqr_parse,
    vietqr_payload,
)
from motcua.payments.services import payment_start

from .world import NOW, SETTINGS, make_world

# Published in the README of github.com/subiz/vietqr: 120.000 đ to account
# 0011001932418 at BIN 970415 with the content "ung ho lu lut".
PUBLISHED = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


class VietQRPayloadTests(SimpleTestCase):
    def test_crc_is_ccitt_false(self) -> None:
        # The catalogue check value of CRC-16/CCITT-FALSE.
        self.assertEqual(crc16_ccitt_false(b"123456789"), 0x29B1)

    def test_it_builds_the_published_example_byte_for_byte(self) -> None:
        payload = vietqr_payload(
            VietQR(
                bank_bin="970415", account="0011001932418", amount=120_000, purpose="ung ho lu lut"
            )
        )
        self.assertEqual(payload, PUBLISHED)

    def test_the_published_example_parses_back(self) -> None:
        qr = vietqr_parse(PUBLISHED)
        self.assertEqual(
            qr,
            VietQR(
                bank_bin="970415", account="0011001932418", amount=120_000, purpose="ung ho lu lut"
            ),
        )

    def test_it_carries_the_dossier_code_and_payment_reference(self) -> None:
        payload = vietqr_payload(
            VietQR(
                bank_bin="970405",
                account="4000201000123",
                amount=70_000,
                purpose="000.00.06.H57-260310-0001",
                bill_number="MC260310ABCDEFGH",
            )
        )
        root = parse(payload)
        self.assertEqual(root["01"], "12")  # dynamic: the amount is fixed
        self.assertEqual(root["53"], "704")
        self.assertEqual(root["54"], "70000")
        self.assertEqual(root["58"], "VN")
        merchant = parse(root["38"])
        self.assertEqual(merchant["00"], "A000000727")
        self.assertEqual(merchant["02"], "QRIBFTTA")
        self.assertEqual(parse(merchant["01"]), {"00": "970405", "01": "4000201000123"})
        self.assertEqual(
            parse(root["62"]), {"01": "MC260310ABCDEFGH", "08": "000.00.06.H57-260310-0001"}
        )
        self.assertTrue(verify_crc(payload))

    def test_a_changed_character_breaks_the_crc(self) -> None:
        tampered = PUBLISHED.replace("54061200005802", "54061900005802")
        self.assertFalse(verify_crc(tampered))
        with self.assertRaises(PayloadError):
            vietqr_parse(tampered)

    def test_it_refuses_values_a_bank_app_would_reject(self) -> None:
        for bad in (
            VietQR(bank_bin="97041", account="1"),  # BIN is 6 digits
            VietQR(bank_bin="970415", account="tài khoản"),  # not ASCII
            VietQR(bank_bin="970415", account="1", amount=0),
            VietQR(bank_bin="970415", account="1", purpose="x" * 26),  # EMVCo: ≤ 25
            VietQR(bank_bin="970415", account="1", purpose="Lệ phí"),  # diacritics
        ):
            with self.subTest(bad=bad), self.assertRaises(PayloadError):
                vietqr_payload(bad)


@override_settings(**SETTINGS)
@time_machine.travel(NOW, tick=False)
class VietQRPageTests(TestCase):
    def test_the_citizen_sees_a_qr_for_their_dossier_and_the_collector_reconciles_it(self) -> None:
        from motcua.payments.services import payment_reconcile_transfer

        w = make_world()
        self.client.force_login(w.citizen)
        response = self.client.post(
            reverse("payments:start"), {"dossier": w.dossier.code, "provider": "vietqr"}
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(response["Location"])
        self.assertContains(page, "<svg")
        payload = page.context["qr_payload"]
        qr = vietqr_parse(payload)
        self.assertEqual((qr.bank_bin, qr.account, qr.amount), ("970405", "4000201000123", 70_000))
        self.assertEqual(qr.purpose, w.dossier.code)
        payment = page.context["payment"]
        self.assertEqual(qr.bill_number, payment.reference)

        payment_reconcile_transfer(
            reference=payment.reference,
            by=w.collector,
            bank_reference="FT26069123456",
            amount=70_000,
        )
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.PAID)
        self.assertEqual(payment.provider_reference, "FT26069123456")
        w.levy.refresh_from_db()
        self.assertEqual(w.levy.paid_at, NOW)

    def test_another_citizen_cannot_open_the_payment(self) -> None:
        from motcua.accounts.tests.factories import UserFactory

        w = make_world()
        started = payment_start(subject=w.dossier, provider="vietqr", return_url="", by=w.citizen)
        self.client.force_login(UserFactory())
        response = self.client.get(reverse("payments:detail", args=[started.payment.reference]))
        self.assertEqual(response.status_code, 404)
