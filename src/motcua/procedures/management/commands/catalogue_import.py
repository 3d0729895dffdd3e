"""``manage.py catalogue_import FILE``: load a catalogue exported by ``catalogue_export``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.procedures.transfer import ImportSummary, catalogue_import, catalogue_load


class Command(BaseCommand):
    help = _("Nhập danh mục thủ tục hành chính từ tệp JSON; nhập lại cùng tệp không thay đổi gì.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Tệp JSON do lệnh catalogue_export tạo ra."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ kiểm tra và báo những gì sẽ thay đổi, không ghi gì."),
        )
        parser.add_argument(
            "--no-publish",
            action="store_true",
            help=_("Nhập mọi phiên bản mới dưới dạng bản nháp."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(_("Không đọc được tệp: %(error)s") % {"error": error}) from error
        try:
            summary = catalogue_import(
                catalogue_load(text),
                publish=not options["no_publish"],
                dry_run=options["dry_run"],
            )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được danh mục (%(count)d lỗi); cơ sở dữ liệu không thay đổi.")
                % {"count": len(error.messages)}
            ) from error
        self.report(summary)

    def report(self, summary: ImportSummary) -> None:
        out = self.stdout.write
        if summary.dry_run:
            out(_("Chạy thử: không ghi gì vào cơ sở dữ liệu. Nếu nhập thật sẽ:"))
        out(
            _("Lĩnh vực: %(created)d mới, %(updated)d cập nhật.")
            % {"created": summary.fields_created, "updated": summary.fields_updated}
        )
        out(
            _("Quy trình: %(created)d mới, %(updated)d cập nhật.")
            % {"created": summary.workflows_created, "updated": summary.workflows_updated}
        )
        out(
            _(
                "Thủ tục: %(procedures)d mới; phiên bản: %(created)d mới, %(updated)d cập nhật,"
                " %(published)d công bố, %(retired)d hết hiệu lực, %(unchanged)d không đổi."
            )
            % {
                "procedures": summary.procedures_created,
                "created": summary.versions_created,
                "updated": summary.versions_updated,
                "published": summary.versions_published,
                "retired": summary.versions_retired,
                "unchanged": summary.versions_unchanged,
            }
        )
        out(
            _("Nơi tiếp nhận: %(created)d mới, %(updated)d cập nhật; tệp mẫu đã lưu: %(files)d.")
            % {
                "created": summary.offerings_created,
                "updated": summary.offerings_updated,
                "files": summary.files_stored,
            }
        )
        if not summary.changed:
            out(_("Danh mục đã khớp với tệp, không có gì thay đổi."))
