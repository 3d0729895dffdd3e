"""Enums and the per-dossier criteria of a satisfaction rating (domain.md §8).

The three levels and the required reason for "not satisfied" are domain.md
§8.2. The optional criteria are the per-dossier indices of TT 01/2018 Art 13
that only the citizen can answer (C1, C3, C4, C6, C7; domain.md §8.3),
asked as plain questions whose answers are the index points 2 / 1 / 0, plus
NĐ 61 Art 31(e) (costs beyond the published fees). TT 03/2025 may have
replaced TT 01/2018 (unverified): the statistics keep thresholds
configurable; this module only records the answers as points.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_stubs_ext import StrPromise

# A rating can be changed by its rater for this many days after it was first
# given (gh-5 item 11); afterwards it is read-only.
CHANGE_WINDOW_DAYS = 7


class Satisfaction(models.TextChoices):
    """The citizen's overall answer (domain.md §8.2)."""

    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


class RatingChannel(models.TextChoices):
    """Where the rating was given (domain.md §8.2: counter, kiosk, portal, SMS/Zalo link)."""

    PORTAL = "portal", _("Cổng dịch vụ công")
    COUNTER = "counter", _("Thiết bị đánh giá tại quầy")
    KIOSK = "kiosk", _("Ki-ốt tự phục vụ")
    SMS_LINK = "sms_link", _("Đường dẫn trong tin nhắn")


@dataclass(frozen=True)
class Criterion:
    """One optional question; each answer is worth the index points 2, 1 or 0."""

    field: str  # the Rating model field holding the points
    index: str  # TT 01/2018 index code
    question: StrPromise
    answers: tuple[tuple[int, StrPromise], ...]  # (points, label), best first


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "c1_time",
        "C1",
        _("Thời gian trả kết quả so với ngày hẹn"),
        (
            (2, _("Sớm hơn ngày hẹn")),
            (1, _("Đúng ngày hẹn")),
            (0, _("Muộn hơn ngày hẹn")),
        ),
    ),
    Criterion(
        "c3_contacts",
        "C3",
        _("Số lần bạn phải liên hệ nơi tiếp nhận để hoàn thiện hồ sơ"),
        (
            (2, _("Không lần nào")),
            (1, _("Một lần")),
            (0, _("Nhiều hơn một lần")),
        ),
    ),
    Criterion(
        "c4_agencies",
        "C4",
        _("Số cơ quan bạn phải liên hệ"),
        (
            (2, _("Không phải đến cơ quan nào")),
            (1, _("Chỉ bộ phận một cửa")),
            (0, _("Nhiều cơ quan")),
        ),
    ),
    Criterion(
        "c6_publication",
        "C6",
        _("Thông tin về thủ tục được công khai"),
        (
            (2, _("Đầy đủ, chính xác, tại nơi nộp và trên mạng")),
            (1, _("Có công khai nhưng chưa đầy đủ hoặc chưa chính xác")),
            (0, _("Không tìm thấy thông tin công khai")),
        ),
    ),
    Criterion(
        "c7_attitude",
        "C7",
        _("Thái độ của cán bộ, công chức"),
        (
            (2, _("Tận tình, chu đáo")),
            (1, _("Đúng mực")),
            (0, _("Không đúng mực, gây phiền hà")),
        ),
    ),
)

CRITERION_FIELDS = tuple(c.field for c in CRITERIA)
