"""``manage.py reconcile_statement AGENCY_CODE FILE.csv --by USERNAME``: reconcile VietQR transfers.

Reads the bank statement CSV, records the matched transfers paid and prints the
report (matched, already reconciled, unmatched lines with the reason). Running it
again on the same file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.models import User
from motcua.organisations.selectors import agency_get_by_code
from motcua.payments.reconciliation import reconcile_bank_statement


class Command(BaseCommand):
    help = "Đối soát chuyển khoản VietQR với tệp sao kê ngân hàng (CSV) và in kết quả."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency_code", help="Mã định danh cơ quan tiếp nhận hồ sơ.")
        parser.add_argument("csv_file", type=Path, help="Tệp sao kê CSV (UTF-8).")
        parser.add_argument("--by", required=True, help="Tên đăng nhập của cán bộ thu phí.")

    def handle(self, *args: Any, agency_code: str, csv_file: Path, by: str, **options: Any) -> None:
        agency = agency_get_by_code(code=agency_code)
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {agency_code!r}.")
        user = User.objects.filter(username=by).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {by!r}.")
        if not csv_file.is_file():
            raise CommandError(f"Không có tệp {csv_file}.")
        try:
            report = reconcile_bank_statement(agency=agency, csv_file=csv_file, by=user)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("; ".join(messages)) from error
        self.stdout.write(report.as_text())
