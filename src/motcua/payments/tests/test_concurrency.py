"""Two deliveries of the same IPN at the same instant settle the payment once (PostgreSQL)."""

from __future__ import annotations

import threading
import unittest

from django.db import connection
from django.test import TransactionTestCase, override_settings

from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import PaymentRecord
from motcua.payments.services import payment_handle_ipn, payment_start

from .test_vnpay import ipn_params
from .world import SETTINGS, make_world


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
@override_settings(**SETTINGS)
class ConcurrentIpnTests(TransactionTestCase):
    def test_concurrent_replays_confirm_once(self) -> None:
        w = make_world()
        payment = payment_start(
            subject=w.dossier, provider="vnpay", return_url="http://testserver/", by=w.citizen
        ).payment
        params = ipn_params(payment)
        barrier = threading.Barrier(4)
        codes: list[str] = []

        def deliver() -> None:
            try:
                barrier.wait()
                code, _message = payment_handle_ipn(provider="vnpay", params=params)
                codes.append(code)
            finally:
                connection.close()

        threads = [threading.Thread(target=deliver) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(codes), ["00", "02", "02", "02"])
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.PAID)
        self.assertEqual(
            PaymentRecord.objects.filter(payment=payment, kind=PaymentRecordKind.PAID).count(), 1
        )
