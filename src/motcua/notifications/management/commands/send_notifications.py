"""``manage.py send_notifications``: send every notification due now (cron without Celery beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.notifications.services import notifications_send_due


class Command(BaseCommand):
    help = "Gửi các thông báo đang chờ gửi hoặc đến lượt gửi lại."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500, help="At most this many.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = notifications_send_due(limit=options["limit"])
        self.stdout.write(_("Đã đưa %(count)d thông báo vào hàng đợi gửi.") % {"count": count})
