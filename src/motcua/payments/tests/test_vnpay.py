"""VNPay 2.1.0: redirect → gateway simulator → return + IPN, all over HTTP (gh-5 item 5)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.test import TestCase, override_settings
from django.urls import reverse

import time_machine

from motcua.payments import vnpay
from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import GatewayMessage, Payment, PaymentRecord
from motcua.payments.selectors import fees_blocking_submission
from motcua.payments.services import payment_start

from .world import NOW, SETTINGS, make_world

SECRET = SETTINGS["MOTCUA_VNPAY_HASH_SECRET"]
IPN = "/payments/ipn/vnpay/"


def ipn_params(payment: Payment, **overrides: str) -> dict[str, str]:
    """A notification as the gateway signs it (success unless overridden)."""
    params = {
        "vnp_Amount": str(payment.amount * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": "Thanh toan phi le phi ho so",
        "vnp_PayDate": "20260310100500",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": str(SETTINGS["MOTCUA_VNPAY_TMN_CODE"]),
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.reference,
        **overrides,
    }
    params["vnp_SecureHash"] = vnpay.sign(params, str(SECRET))
    return params


@override_settings(**SETTINGS)
@time_machine.travel(NOW, tick=False)
class VNPayFlowTests(TestCase):
    def setUp(self) -> None:
        self.w = make_world()
        self.client.force_login(self.w.citizen)

    def _start(self) -> str:
        response = self.client.post(
            reverse("payments:start"),
            {"dossier": self.w.dossier.code, "provider": "vnpay", "next": "/ho-so/"},
        )
        self.assertEqual(response.status_code, 302)
        return str(response["Location"])

    def test_the_signed_redirect_carries_the_protocol_fields(self) -> None:
        url = self._start()
        parts = urlsplit(url)
        self.assertEqual(parts.path, reverse("payments:vnpay_simulator"))
        params = dict(parse_qsl(parts.query))
        payment = Payment.objects.get()
        self.assertEqual(params["vnp_Version"], "2.1.0")
        self.assertEqual(params["vnp_Command"], "pay")
        self.assertEqual(params["vnp_Amount"], "7000000")  # 70.000 đ × 100
        self.assertEqual(params["vnp_TxnRef"], payment.reference)
        self.assertEqual(params["vnp_CreateDate"], "20260310100000")  # Huế time
        self.assertTrue(params["vnp_ReturnUrl"].endswith("/payments/return/vnpay/"))
        self.assertIn(self.w.dossier.code, params["vnp_OrderInfo"])
        self.assertTrue(vnpay.verify(params, str(SECRET)))

    def test_paying_at_the_simulator_confirms_through_the_ipn_and_shows_success(self) -> None:
        url = self._start()
        page = self.client.get(url)
        self.assertContains(page, "70.000 đồng")
        back = self.client.post(url, {"query": page.context["query"], "decision": "pay"})
        self.assertEqual(back.status_code, 302)
        result = self.client.get(back["Location"])
        self.assertContains(result, "Thanh toán thành công 70.000 đồng.")

        payment = Payment.objects.get()
        self.assertEqual(payment.status, PaymentStatus.PAID)
        self.assertTrue(payment.provider_reference)
        ipn = GatewayMessage.objects.get(kind="ipn")
        self.assertEqual(ipn.result_code, "00")
        self.w.levy.refresh_from_db()
        self.w.charge.refresh_from_db()
        self.assertEqual((self.w.levy.paid_at, self.w.charge.paid_at), (NOW, NOW))
        self.w.on_return.refresh_from_db()
        self.assertIsNone(self.w.on_return.paid_at)  # collected when the result is returned
        self.assertEqual(fees_blocking_submission(self.w.dossier), [])

    def test_cancelling_at_the_gateway_records_a_failure_and_keeps_the_fees_due(self) -> None:
        url = self._start()
        page = self.client.get(url)
        back = self.client.post(url, {"query": page.context["query"], "decision": "cancel"})
        result = self.client.get(back["Location"])
        self.assertContains(result, "Giao dịch không thành công")
        self.assertEqual(Payment.objects.get().status, PaymentStatus.FAILED)
        self.assertEqual(len(fees_blocking_submission(self.w.dossier)), 2)

    def test_the_simulator_refuses_a_request_whose_amount_was_edited(self) -> None:
        url = self._start().replace("vnp_Amount=7000000", "vnp_Amount=100")
        response = self.client.get(url)
        self.assertContains(response, "Sai chữ ký", status_code=400)

    def test_the_simulator_refuses_a_request_signed_with_another_secret(self) -> None:
        with override_settings(MOTCUA_VNPAY_HASH_SECRET="secret-of-another-merchant"):
            url = self._start()
        self.assertContains(self.client.get(url), "Sai chữ ký", status_code=400)

    def test_the_simulator_is_off_unless_the_settings_enable_it(self) -> None:
        url = self._start()
        with override_settings(MOTCUA_PAYMENT_SIMULATOR=False):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_return_with_a_forged_result_is_not_believed(self) -> None:
        payment = payment_start(
            subject=self.w.dossier,
            provider="vnpay",
            return_url="http://testserver/",
            by=self.w.citizen,
        ).payment
        params = ipn_params(payment)
        params["vnp_ResponseCode"] = "00"
        params["vnp_SecureHash"] = "0" * 128
        response = self.client.get(reverse("payments:return", args=["vnpay"]), params)
        self.assertContains(response, "Không xác thực được", status_code=400)
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.PENDING)


@override_settings(**SETTINGS)
@time_machine.travel(NOW, tick=False)
class VNPayIpnTests(TestCase):
    """The gateway calls the IPN server to server; the answers follow VNPay's RspCode table."""

    def setUp(self) -> None:
        self.w = make_world()
        self.payment = payment_start(
            subject=self.w.dossier,
            provider="vnpay",
            return_url="http://testserver/",
            by=self.w.citizen,
        ).payment

    def _ipn(self, params: dict[str, str]) -> dict[str, str]:
        # A plain client: the IPN has no session and no CSRF token.
        response = self.client_class(enforce_csrf_checks=True).get(IPN, params)
        self.assertEqual(response.status_code, 200)
        return dict(response.json())

    def test_a_valid_ipn_confirms_the_payment(self) -> None:
        self.assertEqual(
            self._ipn(ipn_params(self.payment)), {"RspCode": "00", "Message": "Confirm Success"}
        )
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, PaymentStatus.PAID)
        self.assertEqual(self.payment.provider_reference, "14226112")

    def test_the_ipn_is_also_accepted_as_a_csrf_free_post(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(IPN, ipn_params(self.payment))
        self.assertEqual(response.json()["RspCode"], "00")

    def test_an_ipn_with_a_changed_amount_is_refused(self) -> None:
        params = ipn_params(self.payment)
        params["vnp_Amount"] = "100"  # the signature was made over 7000000
        self.assertEqual(self._ipn(params)["RspCode"], "97")
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, PaymentStatus.PENDING)

    def test_an_ipn_with_a_changed_hash_is_refused(self) -> None:
        params = ipn_params(self.payment)
        params["vnp_SecureHash"] = params["vnp_SecureHash"][:-1] + (
            "0" if params["vnp_SecureHash"][-1] != "0" else "1"
        )
        self.assertEqual(self._ipn(params)["RspCode"], "97")
        self.assertEqual(GatewayMessage.objects.get().result_code, "97")  # refused ones are logged

    def test_an_ipn_signed_with_another_secret_is_refused(self) -> None:
        params = ipn_params(self.payment)
        params["vnp_SecureHash"] = vnpay.sign(params, "another-secret")
        self.assertEqual(self._ipn(params)["RspCode"], "97")

    def test_a_replayed_ipn_is_acknowledged_once(self) -> None:
        params = ipn_params(self.payment)
        self.assertEqual(self._ipn(params)["RspCode"], "00")
        self.assertEqual(self._ipn(params), {"RspCode": "02", "Message": "Order already confirmed"})
        self.assertEqual(
            PaymentRecord.objects.filter(payment=self.payment, kind=PaymentRecordKind.PAID).count(),
            1,
        )

    def test_a_failure_after_success_cannot_unpay(self) -> None:
        self._ipn(ipn_params(self.payment))
        failed = ipn_params(self.payment, vnp_ResponseCode="24", vnp_TransactionStatus="02")
        self.assertEqual(self._ipn(failed)["RspCode"], "02")
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, PaymentStatus.PAID)

    def test_a_correctly_signed_ipn_with_the_wrong_amount_is_refused(self) -> None:
        params = ipn_params(self.payment, vnp_Amount="100000")  # 1.000 đ, not 70.000 đ
        self.assertEqual(self._ipn(params), {"RspCode": "04", "Message": "invalid amount"})
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, PaymentStatus.PENDING)

    def test_an_ipn_for_an_unknown_order_is_refused(self) -> None:
        params = ipn_params(self.payment, vnp_TxnRef="MC260310NOTOURS1")
        self.assertEqual(self._ipn(params), {"RspCode": "01", "Message": "Order not found"})

    def test_success_after_the_citizen_cancelled_still_records_the_money(self) -> None:
        from motcua.payments.services import payment_cancel

        payment_cancel(payment_id=self.payment.pk, by=self.w.citizen, reason="Đổi ý")
        self.assertEqual(self._ipn(ipn_params(self.payment))["RspCode"], "00")
        self.payment.refresh_from_db()
        self.assertEqual(self.payment.status, PaymentStatus.PAID)
        record = self.payment.records.get(kind=PaymentRecordKind.PAID)
        self.assertIn("sau khi giao dịch bị hủy", record.reason)
