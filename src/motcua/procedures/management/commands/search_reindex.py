"""Rebuild the procedure search index (after a field rename, or on a restored database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.procedures.search import procedure_search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index of the procedure catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        written = procedure_search_reindex()
        self.stdout.write(
            _("Đã lập lại chỉ mục tìm kiếm cho %(n)d phiên bản thủ tục.") % {"n": written}
        )
