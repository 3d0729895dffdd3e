"""Recompute the supervision facts and counters from the dossier history (gh-8 item 8)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.supervision.aggregates import stats_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu thống kê giám sát từ lịch sử xử lý hồ sơ."

    def handle(self, *args: Any, **options: Any) -> None:
        result = stats_rebuild()
        self.stdout.write(
            f"facts={result.facts} daily_rows={result.daily_rows} "
            f"monthly_rows={result.monthly_rows} seconds={result.seconds:.1f}"
        )
