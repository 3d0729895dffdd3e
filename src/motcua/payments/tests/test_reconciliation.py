"""Reconciling VietQR transfers against a bank statement CSV (gh-6 item 10)."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase, override_settings

import time_machine

from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import Payment, PaymentRecord
from motcua.payments.reconciliation import (
    LineOutcome,
    parse_amount,
    parse_statement,
    reconcile_bank_statement,
)
from motcua.payments.services import payment_start

from .world import NOW, SETTINGS, World, make_world


class AmountTests(SimpleTestCase):
    def test_vietnamese_and_english_amount_formats(self) -> None:
        cases = {
            "1.250.000": 1_250_000,
            "1,250,000": 1_250_000,
            "1250000": 1_250_000,
            "1.250.000,00": 1_250_000,
            "1,250,000.00": 1_250_000,
            " 70.000 VND": 70_000,
            "-20.000": -20_000,
            "(20,000)": -20_000,
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_amount(text), expected)

    def test_amounts_a_collector_must_look_at_are_unreadable(self) -> None:
        for text in ("12,5", "1.250.00", "abc", "", "1.25"):
            with self.subTest(text=text):
                self.assertIsNone(parse_amount(text))

    def test_a_file_without_the_needed_columns_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Không tìm thấy dòng tiêu đề"):
            parse_statement(io.StringIO("a,b,c\n1,2,3\n"))


@override_settings(**SETTINGS)
class ReconciliationTests(TestCase):
    def setUp(self) -> None:
        self.enterContext(time_machine.travel(NOW, tick=False))
        self.w: World = make_world()
        self.agency = self.w.dossier.received_by
        start = {
            "subject": self.w.dossier,
            "provider": "vietqr",
            "return_url": "http://127.0.0.1/tra-ve/",
            "by": self.w.citizen,
        }
        self.levy = payment_start(**start, fee_ids=[self.w.levy.pk]).payment  # 50.000
        self.charge = payment_start(**start, fee_ids=[self.w.charge.pk]).payment  # 20.000
        self.code = self.w.dossier.code

    def vietnamese_statement(self) -> bytes:
        # What internet banking exports: a preamble, Vietnamese headers, a BOM.
        spaced = self.code.replace(".", " ").replace("-", " ")
        text = (
            "SAO KÊ TÀI KHOẢN;4000201000123\n"
            "Từ ngày;10/03/2026;Đến ngày;10/03/2026\n"
            "STT;Ngày giao dịch;Số tham chiếu;Số tiền;Nội dung\n"
            f"1;10/03/2026 09:12:00;FT26069000001;50.000;NGUYEN THI HOA chuyen tien {spaced}\n"
            f"2;10/03/2026 09:40:00;FT26069000002;30.000;{self.code} phi tham dinh\n"
            "3;10/03/2026 10:05:00;FT26069000003;120.000;000.00.99.H57-260310-9999\n"
            "4;10/03/2026 11:00:00;FT26069000004;-20.000;Phi dich vu SMS banking\n"
            f"5;10/03/2026 11:30:00;FT26069000005;20.000;{self.code}\n"
        )
        return b"\xef\xbb\xbf" + text.encode()

    def test_credit_lines_are_matched_by_dossier_code_and_exact_amount(self) -> None:
        report = reconcile_bank_statement(
            agency=self.agency,
            csv_file=io.BytesIO(self.vietnamese_statement()),
            by=self.w.collector,
        )
        outcomes = {r.line.row: r.outcome for r in report.results}
        self.assertEqual(
            outcomes,
            {
                4: LineOutcome.MATCHED,  # dossier code with spaces for dots and dashes
                5: LineOutcome.AMOUNT_MISMATCH,  # 30.000 where 20.000 is due
                6: LineOutcome.UNKNOWN,
                7: LineOutcome.DEBIT,
                8: LineOutcome.MATCHED,
            },
        )
        self.levy.refresh_from_db()
        self.charge.refresh_from_db()
        self.assertEqual(
            (self.levy.status, self.levy.provider_reference),
            (PaymentStatus.PAID, "FT26069000001"),
        )
        self.assertEqual(
            (self.charge.status, self.charge.provider_reference),
            (PaymentStatus.PAID, "FT26069000005"),
        )
        self.w.levy.refresh_from_db()
        self.assertEqual(self.w.levy.paid_at, NOW)
        record = PaymentRecord.objects.get(payment=self.levy, kind=PaymentRecordKind.PAID)
        self.assertEqual(record.actor, self.w.collector)
        self.assertEqual((len(report.matched), len(report.unmatched)), (2, 2))
        text = report.as_text()
        self.assertIn("2 khớp, 0 đã đối soát trước, 2 chưa khớp", text)
        self.assertIn("phải nộp 20.000 đồng", text)

    def test_the_same_statement_twice_reconciles_once(self) -> None:
        for _ in range(2):
            report = reconcile_bank_statement(
                agency=self.agency,
                csv_file=io.BytesIO(self.vietnamese_statement()),
                by=self.w.collector,
            )
        self.assertEqual((len(report.matched), len(report.already)), (0, 2))
        self.assertEqual(
            PaymentRecord.objects.filter(
                payment__in=[self.levy, self.charge], kind=PaymentRecordKind.PAID
            ).count(),
            2,
        )

    def test_english_headers_without_reference_or_bom(self) -> None:
        statement = (
            "Transaction Date,Description,Amount\n"
            f'2026-03-10,"Transfer {self.code.lower()}","50,000"\n'
            f'2026-03-10,"Transfer {self.charge.reference}","25,000"\n'
            f'2026-03-10,"Transfer {self.charge.reference}","20,000.00"\n'
        )
        report = reconcile_bank_statement(
            agency=self.agency, csv_file=io.StringIO(statement), by=self.w.collector
        )
        # Lines 2 and 3 name the charge's payment reference (the QR's bill number).
        self.assertEqual(
            [r.outcome for r in report.results],
            [LineOutcome.MATCHED, LineOutcome.AMOUNT_MISMATCH, LineOutcome.MATCHED],
        )
        self.charge.refresh_from_db()
        self.assertEqual(self.charge.status, PaymentStatus.PAID)
        self.levy.refresh_from_db()
        self.assertTrue(self.levy.provider_reference.startswith("SK-"))
        again = reconcile_bank_statement(
            agency=self.agency, csv_file=io.StringIO(statement), by=self.w.collector
        )
        self.assertEqual(
            [r.outcome for r in again.results],
            [LineOutcome.ALREADY, LineOutcome.NOT_PENDING, LineOutcome.ALREADY],
        )

    def test_a_second_transfer_for_a_paid_fee_is_flagged(self) -> None:
        statement = (
            "Ngày giao dịch,Số tiền,Nội dung,Số tham chiếu\n"
            f"10/03/2026,50.000,{self.code},FT1\n"
            f"10/03/2026,50.000,{self.code} chuyen lai,FT2\n"
        )
        report = reconcile_bank_statement(
            agency=self.agency, csv_file=io.StringIO(statement), by=self.w.collector
        )
        self.assertEqual(
            [r.outcome for r in report.results],
            [LineOutcome.MATCHED, LineOutcome.NOT_PENDING],
        )

    def test_another_agency_s_transfer_is_not_matched(self) -> None:
        other = make_world()
        statement = f"Số tiền;Nội dung\n50.000;{self.code}\n"
        report = reconcile_bank_statement(
            agency=other.dossier.received_by, csv_file=io.StringIO(statement), by=other.collector
        )
        self.assertEqual(report.results[0].outcome, LineOutcome.UNKNOWN)
        self.levy.refresh_from_db()
        self.assertEqual(self.levy.status, PaymentStatus.PENDING)

    def test_only_a_fee_collector_of_the_agency_reconciles(self) -> None:
        with self.assertRaises(PermissionDenied):
            reconcile_bank_statement(
                agency=self.agency,
                csv_file=io.BytesIO(self.vietnamese_statement()),
                by=self.w.citizen,
            )
        self.assertFalse(Payment.objects.filter(status=PaymentStatus.PAID).exists())

    def test_the_management_command_prints_the_report(self) -> None:
        folder = tempfile.mkdtemp(prefix="motcua-statement-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "sao-ke.csv"
        path.write_bytes(self.vietnamese_statement())
        out = io.StringIO()
        call_command(
            "reconcile_statement",
            self.agency.code,
            str(path),
            by=self.w.collector.username,
            stdout=out,
        )
        self.assertIn("2 khớp, 0 đã đối soát trước, 2 chưa khớp", out.getvalue())
        self.assertIn("FT26069000003", out.getvalue())
        with self.assertRaisesMessage(CommandError, "Không có cơ quan"):
            call_command("reconcile_statement", "000.00.00.X00", str(path), by="x")
