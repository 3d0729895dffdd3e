"""``manage.py catalogue_export``: write the procedure catalogue as JSON (gh-3 item 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.procedures.transfer import catalogue_dumps, catalogue_export


class Command(BaseCommand):
    help = _("Xuất danh mục thủ tục hành chính ra tệp JSON để chuyển sang môi trường khác.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help=_("Tệp để ghi (mặc định in ra màn hình)."),
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help=_("Xuất cả các phiên bản nháp."),
        )
        parser.add_argument(
            "--on",
            help=_("Chỉ xuất phiên bản có hiệu lực vào ngày này (YYYY-MM-DD)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError as error:
                raise CommandError(_("Ngày phải có dạng YYYY-MM-DD.")) from error
        document = catalogue_export(on=on, include_drafts=options["include_drafts"])
        text = catalogue_dumps(document)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(
                _("Đã xuất %(procedures)d thủ tục, %(workflows)d quy trình vào %(file)s.")
                % {
                    "procedures": len(document["procedures"]),
                    "workflows": len(document["workflows"]),
                    "file": options["output"],
                }
            )
        else:
            self.stdout.write(text, ending="")
