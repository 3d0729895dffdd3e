"""A citizen's satisfaction rating of one dossier (gh-5 item 11; domain.md §8.2).

The rater is stored (one rating per dossier, changeable only by its rater
for ``CHANGE_WINDOW_DAYS``), but staff reads go through
``selectors.ratings_for_staff``, which never gives the rater or the dossier
to an officer who handled it (NĐ 224/2026 Art 10(3)(b)).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import CRITERIA, RatingChannel, Satisfaction


def _points_field(index: int) -> models.PositiveSmallIntegerField[int | None, int | None]:
    criterion = CRITERIA[index]
    return models.PositiveSmallIntegerField(
        criterion.question,
        null=True,
        blank=True,
        choices=[(points, label) for points, label in criterion.answers],
        validators=[MaxValueValidator(2)],
        help_text=_("Điểm của chỉ số (TT 01/2018 Điều 13): 2, 1 hoặc 0; trống nếu không trả lời."),
    )


class Rating(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="rating",
        help_text=_("Hồ sơ được đánh giá; mỗi hồ sơ một lần đánh giá."),
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đánh giá"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Tài khoản đã đánh giá (trống khi đánh giá tại quầy, ki-ốt). Không bao giờ hiển thị"
            " cho cán bộ đã xử lý hồ sơ."
        ),
    )
    level = models.CharField(
        _("mức độ hài lòng"),
        max_length=16,
        choices=Satisfaction,
        help_text=_("Rất hài lòng, hài lòng hoặc không hài lòng."),
    )
    reason = models.TextField(
        _("lý do, ý kiến"),
        blank=True,
        max_length=2000,
        help_text=_("Bắt buộc khi không hài lòng."),
    )
    c1_time = _points_field(0)
    c3_contacts = _points_field(1)
    c4_agencies = _points_field(2)
    c6_publication = _points_field(3)
    c7_attitude = _points_field(4)
    extra_cost = models.BooleanField(
        _("phải trả chi phí ngoài quy định"),
        null=True,
        blank=True,
        help_text=_(
            "Người dân có phải trả thêm chi phí ngoài phí, lệ phí công khai (NĐ 61 Điều 31)."
        ),
    )
    channel = models.CharField(
        _("kênh đánh giá"),
        max_length=16,
        choices=RatingChannel,
        default=RatingChannel.PORTAL,
        help_text=_("Nơi đánh giá được thực hiện."),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan được đánh giá"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cơ quan giải quyết hồ sơ."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ được đánh giá"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ trả kết quả hồ sơ."),
    )
    created_at = models.DateTimeField(_("thời điểm đánh giá"), help_text=_("Lần đánh giá đầu."))
    changed_at = models.DateTimeField(
        _("thời điểm sửa"), null=True, blank=True, help_text=_("Lần sửa gần nhất.")
    )

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        indexes = [models.Index(fields=["agency", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level=Satisfaction.NOT_SATISFIED) | ~Q(reason=""),
                name="rating_not_satisfied_has_reason",
                violation_error_code="required",
                violation_error_message=_("Hãy cho biết lý do bạn không hài lòng."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_level_display())
