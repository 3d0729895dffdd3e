"""``manage.py create_api_token``: issue a bearer token and print it once.

- ``--user USERNAME --scopes …``: a personal token of a staff member.
- ``--client NAME --agency CODE --scopes …``: a token of an API client; the
  client (and its service user, a reception officer at the agency) is created
  when it does not exist yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.apiclients.constants import Scope
from motcua.apiclients.models import ApiClient
from motcua.apiclients.services import api_client_create, api_token_issue
from motcua.organisations.selectors import agency_get_by_code


class Command(BaseCommand):
    help = "Tạo token API (cá nhân cho cán bộ, hoặc cho hệ thống kết nối) và in ra một lần."

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="Tên đăng nhập của cán bộ (token cá nhân).")
        who.add_argument("--client", help="Tên hệ thống kết nối (tạo mới nếu chưa có).")
        parser.add_argument("--agency", help="Mã định danh cơ quan của hệ thống (khi tạo mới).")
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=list(Scope.values),
            choices=list(Scope.values),
            help="Phạm vi của token (mặc định: tất cả).",
        )
        parser.add_argument("--name", default="", help="Tên gợi nhớ của token.")
        parser.add_argument("--days", type=int, help="Số ngày hiệu lực (mặc định: không hết hạn).")

    def handle(
        self,
        *args: Any,
        user: str | None,
        client: str | None,
        agency: str | None,
        scopes: list[str],
        name: str,
        days: int | None,
        **options: Any,
    ) -> None:
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            if user is not None:
                person = User.objects.filter(username=user).first()
                if person is None:
                    raise CommandError(
                        _("Không có tài khoản “%(user)s”; kiểm tra tên đăng nhập.") % {"user": user}
                    )
                _token, secret = api_token_issue(
                    user=person, scopes=scopes, name=name, expires_at=expires_at
                )
            else:
                assert client is not None
                api_client = ApiClient.objects.filter(name=client).first()
                if api_client is None:
                    if not agency:
                        raise CommandError(
                            _("Hệ thống mới cần --agency MÃ_CƠ_QUAN (mã cơ quan quản lý).")
                        )
                    found = agency_get_by_code(code=agency)
                    if found is None:
                        raise CommandError(
                            _("Không có cơ quan mã “%(code)s”; kiểm tra mã trong danh mục.")
                            % {"code": agency}
                        )
                    api_client = api_client_create(name=client, agency=found, scopes=scopes)
                elif agency and api_client.agency.code != agency:
                    raise CommandError(
                        _("Hệ thống “%(client)s” thuộc cơ quan %(own)s, không phải %(given)s.")
                        % {"client": client, "own": api_client.agency.code, "given": agency}
                    )
                _token, secret = api_token_issue(
                    client=api_client, scopes=scopes, name=name, expires_at=expires_at
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(secret)
