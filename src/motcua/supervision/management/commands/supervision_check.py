"""Compare the supervision counters with a recomputation from the raw tables (gh-8 item 8).

Prints every difference (up to ``--limit``) and exits with status 1 when there
is any, so it can run from cron or CI.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.supervision.aggregates import stats_check


class Command(BaseCommand):
    help = "Đối chiếu số liệu thống kê giám sát với số tính lại từ dữ liệu gốc."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        diffs = stats_check(limit=options["limit"])
        for d in diffs:
            self.stdout.write(f"{d.table} {d.key}: stored={d.stored} expected={d.expected}")
        if diffs:
            self.stderr.write(f"{len(diffs)} difference(s)")
            raise SystemExit(1)
        self.stdout.write("OK")
