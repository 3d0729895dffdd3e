"""``manage.py load_demo``: load the Huế demo data and print how to sign in.

Never prompts, so ``make demo`` and the container entrypoint can run it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.apiclients.services import demo_tokens_issue
from motcua.demo.loader import load_hue_demo


class Command(BaseCommand):
    help = _("Nạp dữ liệu mẫu Huế (chạy lại không tạo bản ghi trùng) và in tài khoản mẫu.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help=_("Cổng của máy chủ, dùng để in địa chỉ (mặc định 8000)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_hue_demo()
        base = f"http://127.0.0.1:{options['port']}/"
        out = self.stdout.write
        out(
            _(
                "Dữ liệu mẫu Huế: %(units)d đơn vị hành chính, %(agencies)d cơ quan,"
                " %(counters)d quầy, %(procedures)d thủ tục (%(offerings)d nơi tiếp nhận),"
                " %(users)d tài khoản."
            )
            % {
                "units": summary.units,
                "agencies": summary.agencies,
                "counters": summary.counters,
                "procedures": summary.procedures,
                "offerings": summary.offerings,
                "users": summary.users,
            }
        )
        out(_("motcua đang chạy tại %(url)s") % {"url": base})
        out(_("Trang quản trị: %(url)s") % {"url": f"{base}admin/"})
        out(_("Danh mục thủ tục: %(url)s") % {"url": f"{base}thu-tuc/"})
        out(_("Tài khoản mẫu (tên đăng nhập / mật khẩu – người dùng):"))
        for login in summary.logins:
            out(f"  {login.username} / {summary.password} – {login.full_name}, {login.description}")
        # A fresh API token per demo officer (the previous demo tokens are revoked),
        # so the API can be tried at once: Authorization: Bearer <token>.
        out(_("Mã truy cập API mẫu (Authorization: Bearer …):"))
        for username, token in demo_tokens_issue():
            out(f"  {username}: {token}")
        if settings.MOTCUA_DEMO:
            out(_("Chế độ demo: cán bộ mẫu đăng nhập không cần xác thực hai lớp."))
        else:
            out(
                _(
                    "Chế độ demo đang tắt: cán bộ phải bật xác thực hai lớp; đặt"
                    " MOTCUA_DEMO=true để cán bộ mẫu đăng nhập không cần bước này."
                )
            )
