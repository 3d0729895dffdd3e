"""``manage.py verify_history [--code CODE]``: report dossiers whose history chain is broken.

Exits 0 and prints OK when every chain verifies; prints each broken dossier
with its problems and exits 1 otherwise (so cron and CI can alert on it).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.dossiers.history import dossiers_with_broken_history
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = _("Kiểm tra chuỗi băm của quá trình xử lý hồ sơ (phát hiện sửa, xóa lịch sử).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", help=_("Chỉ kiểm tra hồ sơ có mã này."))
        parser.add_argument(
            "--batch",
            type=int,
            default=500,
            help=_("Số hồ sơ đọc mỗi lượt (giới hạn bộ nhớ)."),
        )

    def handle(self, *args: Any, code: str | None, batch: int, **options: Any) -> None:
        dossier_ids: list[int] | None = None
        if code:
            dossier_ids = list(Dossier.objects.filter(code=code).values_list("pk", flat=True))
            if not dossier_ids:
                raise CommandError(
                    _("Không tìm thấy hồ sơ mã %(code)s.") % {"code": code}, returncode=2
                )
        broken = 0
        for dossier_code, problems in dossiers_with_broken_history(
            batch=batch, dossier_ids=dossier_ids
        ):
            broken += 1
            self.stdout.write(self.style.ERROR(dossier_code))
            for problem in problems:
                self.stdout.write(f"  - {problem}")
        if broken:
            raise CommandError(
                ngettext(
                    "%(count)d hồ sơ có chuỗi lịch sử bị phá vỡ.",
                    "%(count)d hồ sơ có chuỗi lịch sử bị phá vỡ.",
                    broken,
                )
                % {"count": broken},
                returncode=1,
            )
        checked = len(dossier_ids) if dossier_ids is not None else Dossier.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "OK: chuỗi lịch sử của %(count)d hồ sơ còn nguyên vẹn.",
                    "OK: chuỗi lịch sử của %(count)d hồ sơ còn nguyên vẹn.",
                    checked,
                )
                % {"count": checked}
            )
        )
