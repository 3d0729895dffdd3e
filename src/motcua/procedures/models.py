"""Procedure catalogue. For now only the procedure fields (lĩnh vực) that counters serve;
procedures, versions and variants are the catalogue issue's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureField(models.Model):
    """A procedure field (lĩnh vực), e.g. "Hộ tịch", with its national code."""

    code = models.CharField(
        _("mã lĩnh vực"),
        max_length=40,
        unique=True,
        help_text=_("Mã lĩnh vực theo Cơ sở dữ liệu quốc gia về thủ tục hành chính."),
    )
    name = models.CharField(_("tên lĩnh vực"), max_length=255, help_text=_("Tên lĩnh vực."))
    name_en = models.CharField(
        _("tên tiếng Anh"), max_length=255, blank=True, help_text=_("Tên khi giao diện tiếng Anh.")
    )

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
