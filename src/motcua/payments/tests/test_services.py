"""Upfront fees block submission; counter, transfer, cancel and refund records (gh-5 item 5)."""

from __future__ import annotations

import secrets
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase, TestCase, override_settings

import time_machine

from motcua.accounts.tests.factories import StaffFactory
from motcua.conf.tests.test_settings import run_manage
from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import Payment
from motcua.payments.registry import ProviderUnavailable, provider_get
from motcua.payments.selectors import DraftFees, fees_blocking_submission
from motcua.payments.services import (
    payment_cancel,
    payment_reconcile_transfer,
    payment_record_counter,
    payment_refund,
    payment_start,
    payments_attach_draft,
)
from motcua.procedures.constants import FeeCollection
from motcua.procedures.tests.factories import FeeFactory

from .world import NOW, SETTINGS, make_world


@override_settings(**SETTINGS)
@time_machine.travel(NOW, tick=False)
class BlockingFeesTests(TestCase):
    def setUp(self) -> None:
        self.w = make_world()

    def _blocking(self) -> list[str]:
        return [f.name for f in fees_blocking_submission(self.w.dossier)]

    def test_unpaid_upfront_fees_block_and_on_return_fees_do_not(self) -> None:
        self.assertEqual(self._blocking(), ["Lệ phí cấp giấy phép", "Phí thẩm định"])

    def test_choosing_to_pay_at_the_counter_unblocks(self) -> None:
        payment_start(subject=self.w.dossier, provider="counter", return_url="", by=self.w.citizen)
        self.assertEqual(self._blocking(), [])

    def test_a_pending_online_payment_still_blocks_until_the_gateway_confirms(self) -> None:
        payment_start(
            subject=self.w.dossier, provider="vnpay", return_url="http://x/", by=self.w.citizen
        )
        self.assertEqual(len(self._blocking()), 2)

    def test_a_cancelled_counter_choice_blocks_again(self) -> None:
        payment = payment_start(
            subject=self.w.dossier, provider="counter", return_url="", by=self.w.citizen
        ).payment
        payment_cancel(payment_id=payment.pk, by=self.w.citizen, reason="Tôi muốn chuyển khoản")
        self.assertEqual(len(self._blocking()), 2)
        self.assertEqual(
            payment.records.get(kind=PaymentRecordKind.CANCELLED).reason, "Tôi muốn chuyển khoản"
        )

    def test_a_fee_cannot_get_two_open_payments(self) -> None:
        first = payment_start(
            subject=self.w.dossier, provider="vnpay", return_url="http://x/", by=self.w.citizen
        ).payment
        with self.assertRaisesMessage(ValidationError, first.reference):
            payment_start(
                subject=self.w.dossier, provider="counter", return_url="", by=self.w.citizen
            )
        # Changing one's mind explicitly cancels the open payment first.
        payment_start(
            subject=self.w.dossier,
            provider="counter",
            return_url="",
            by=self.w.citizen,
            replace_pending=True,
        )
        first.refresh_from_db()
        self.assertEqual(first.status, PaymentStatus.CANCELLED)

    def test_a_draft_is_blocked_by_its_upfront_rules_until_the_citizen_chooses(self) -> None:
        rule = FeeFactory(amount=30_000, name="Lệ phí", collection=FeeCollection.UPFRONT)
        FeeFactory(variant=rule.variant, amount=10_000, collection=FeeCollection.ON_RETURN)
        FeeFactory(variant=rule.variant, amount=5_000, collection=FeeCollection.EXEMPT)
        draft = DraftFees(variant_id=rule.variant_id, draft_ref="draft:4f1c")
        self.assertEqual([f.fee_rule_id for f in fees_blocking_submission(draft)], [rule.pk])
        started = payment_start(subject=draft, provider="vietqr", return_url="", by=self.w.citizen)
        self.assertEqual(started.payment.amount, 30_000)
        self.assertEqual(fees_blocking_submission(draft), [])
        # Another draft of the same procedure is not covered by this payment.
        other = DraftFees(variant_id=rule.variant_id, draft_ref="draft:9999")
        self.assertEqual(len(fees_blocking_submission(other)), 1)

    def test_a_paid_draft_payment_marks_the_pinned_fee_paid_on_submission(self) -> None:
        from motcua.dossiers.models import DossierFee

        rule = FeeFactory(
            variant=self.w.dossier.variant, amount=50_000, name="Lệ phí cấp giấy phép"
        )
        draft = DraftFees(variant_id=rule.variant_id, draft_ref="draft:abc")
        payment = payment_start(
            subject=draft, provider="vietqr", return_url="", by=self.w.citizen
        ).payment
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.PAID, paid_at=NOW)
        self.assertEqual(payments_attach_draft(draft_ref="draft:abc", dossier=self.w.dossier), 1)
        self.assertEqual(DossierFee.objects.get(pk=self.w.levy.pk).paid_at, NOW)
        self.assertIsNone(DossierFee.objects.get(pk=self.w.charge.pk).paid_at)


@override_settings(**SETTINGS)
@time_machine.travel(NOW, tick=False)
class CollectorTests(TestCase):
    def setUp(self) -> None:
        self.w = make_world()

    def test_the_collector_records_a_counter_payment_with_its_receipt(self) -> None:
        chosen = payment_start(
            subject=self.w.dossier, provider="counter", return_url="", by=self.w.citizen
        ).payment
        payment = payment_record_counter(
            dossier=self.w.dossier, by=self.w.collector, receipt_number="BL 0000123"
        )
        self.assertEqual(payment.pk, chosen.pk)  # the citizen's choice is settled, not duplicated
        self.assertEqual(
            (payment.status, payment.provider_reference), (PaymentStatus.PAID, "BL 0000123")
        )
        self.w.levy.refresh_from_db()
        self.assertEqual(self.w.levy.paid_at, NOW)
        self.w.on_return.refresh_from_db()
        self.assertIsNone(self.w.on_return.paid_at)  # taken when the result is handed over

    def test_a_walk_in_payment_is_recorded_without_a_prior_choice(self) -> None:
        payment = payment_record_counter(
            dossier=self.w.dossier,
            by=self.w.collector,
            receipt_number="BL 0000124",
            fee_ids=[self.w.on_return.pk],
        )
        self.assertEqual(payment.amount, 8_000)
        self.assertEqual(payment.records.first().kind, PaymentRecordKind.STARTED)

    def test_someone_who_is_not_a_collector_of_the_agency_cannot_record(self) -> None:
        for user in (self.w.citizen, StaffFactory()):
            with self.subTest(user=user), self.assertRaises(PermissionDenied):
                payment_record_counter(dossier=self.w.dossier, by=user, receipt_number="BL 1")

    def test_a_transfer_of_the_wrong_amount_is_not_reconciled(self) -> None:
        payment = payment_start(
            subject=self.w.dossier, provider="vietqr", return_url="", by=self.w.citizen
        ).payment
        with self.assertRaisesMessage(ValidationError, "50.000 đồng"):
            payment_reconcile_transfer(
                reference=payment.reference,
                by=self.w.collector,
                bank_reference="FT1",
                amount=50_000,
            )
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.PENDING)

    def test_a_refund_needs_an_account_and_a_reason_and_reopens_the_fees(self) -> None:
        payment = payment_record_counter(
            dossier=self.w.dossier,
            by=self.w.collector,
            receipt_number="BL 9",
            fee_ids=[self.w.levy.pk, self.w.charge.pk],
        )
        with self.assertRaises(ValidationError) as caught:
            payment_refund(payment_id=payment.pk, by=self.w.collector, reason="", bank_account="")
        self.assertEqual(set(caught.exception.message_dict), {"reason", "bank_account"})
        payment_refund(
            payment_id=payment.pk,
            by=self.w.collector,
            reason="Hồ sơ bị từ chối tiếp nhận",
            bank_account="0071000123456 – Vietcombank – Nguyễn Thị Hoa",
        )
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.REFUNDED)
        record = payment.records.get(kind=PaymentRecordKind.REFUNDED)
        self.assertEqual((record.amount, record.actor), (70_000, self.w.collector))
        self.w.levy.refresh_from_db()
        self.assertIsNone(self.w.levy.paid_at)
        # A refunded payment is final: it cannot be refunded twice.
        with self.assertRaises(ValidationError):
            payment_refund(payment_id=payment.pk, by=self.w.collector, reason="x", bank_account="y")

    def test_a_citizen_cannot_cancel_someone_elses_payment(self) -> None:
        payment = payment_start(
            subject=self.w.dossier, provider="counter", return_url="", by=self.w.citizen
        ).payment
        with self.assertRaises(PermissionDenied):
            payment_cancel(payment_id=payment.pk, by=StaffFactory(), reason="x")


class RegistryTests(TestCase):
    @override_settings(MOTCUA_PAYMENT_PROVIDERS=["counter"])
    def test_only_the_configured_providers_are_offered(self) -> None:
        self.assertEqual(provider_get("counter").key, "counter")
        with self.assertRaises(ProviderUnavailable):
            provider_get("vietqr")

    @override_settings(MOTCUA_PAYMENT_PROVIDERS=["counter", "vnpay"], MOTCUA_VNPAY_HASH_SECRET="")
    def test_vnpay_without_a_secret_is_not_offered(self) -> None:
        with self.assertRaises(ProviderUnavailable):
            provider_get("vnpay")


class ProductionSettingsTests(SimpleTestCase):
    """Loaded in a fresh process, as a deployment would (see conf/tests)."""

    def _env(self, **extra: str) -> dict[str, str]:
        return {
            "DJANGO_SETTINGS_MODULE": "motcua.conf.production",
            "MOTCUA_VAR_DIR": tempfile.mkdtemp(prefix="motcua-var-"),
            "MOTCUA_SECRET_KEY": secrets.token_urlsafe(64),
            "MOTCUA_ALLOWED_HOSTS": "dichvucong.hue.gov.vn",
            "MOTCUA_EMAIL_HOST": "smtp.hue.gov.vn",
            "MOTCUA_PAYMENT_PROVIDERS": "counter,vnpay",
            "MOTCUA_VNPAY_TMN_CODE": "HUE00001",
            "MOTCUA_VNPAY_URL": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            **extra,
        }

    def test_production_refuses_vnpay_without_a_secret(self) -> None:
        result = run_manage("check", **self._env())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MOTCUA_VNPAY_HASH_SECRET", result.stderr)

    def test_production_refuses_the_gateway_simulator(self) -> None:
        result = run_manage(
            "check", **self._env(MOTCUA_VNPAY_HASH_SECRET="s" * 32, MOTCUA_PAYMENT_SIMULATOR="true")
        )
        self.assertIn("MOTCUA_PAYMENT_SIMULATOR must not be true in production", result.stderr)

    def test_production_with_vnpay_configured_starts(self) -> None:
        result = run_manage("check", "--deploy", **self._env(MOTCUA_VNPAY_HASH_SECRET="s" * 32))
        self.assertEqual(result.returncode, 0, result.stderr)
