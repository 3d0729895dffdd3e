"""Writes of satisfaction ratings (gh-5 item 11; domain.md §8.2).

``rating_submit`` records the one rating of a dossier; ``rating_change``
lets the same citizen change it for ``CHANGE_WINDOW_DAYS`` days after the
first rating. Only the dossier's owner or submitter account may rate, and
only once the result was returned (``DossierStatus.RETURNED``). Refusals are
``RatingRefused`` with a Vietnamese message; a bad answer is a
``ValidationError`` keyed by the form field it belongs to.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import Dossier, DossierEvent, Party
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership, valid_on_q

from .constants import CHANGE_WINDOW_DAYS, CRITERIA, RatingChannel, Satisfaction
from .models import Rating


class RatingRefused(ValidationError):
    """The rating cannot be given or changed; ``messages[0]`` says why, in Vietnamese."""


def change_deadline(rating: Rating) -> dt.datetime:
    """Until when the rater may change ``rating`` (exclusive)."""
    return rating.created_at + dt.timedelta(days=CHANGE_WINDOW_DAYS)


def _answers(
    *,
    level: str,
    reason: str,
    criteria: Mapping[str, int | None] | None,
) -> tuple[Satisfaction, str, dict[str, int | None]]:
    """The answers checked: a known level, a reason when not satisfied, points 0–2."""
    errors: dict[str, list[str]] = {}
    try:
        satisfaction = Satisfaction(level)
    except ValueError:
        errors["level"] = [_("Hãy chọn mức độ hài lòng của bạn.")]
        satisfaction = Satisfaction.SATISFIED
    reason = unicodedata.normalize("NFC", reason or "").strip()
    if satisfaction == Satisfaction.NOT_SATISFIED and not reason and "level" not in errors:
        errors["reason"] = [
            _("Hãy cho biết lý do bạn không hài lòng, để cơ quan biết cần cải thiện điều gì.")
        ]
    if len(reason) > 2000:
        errors["reason"] = [
            _("Lý do, ý kiến dài tối đa 2.000 ký tự (bạn đã nhập %(n)d).") % {"n": len(reason)}
        ]
    known = {c.field: c for c in CRITERIA}
    points: dict[str, int | None] = dict.fromkeys(known)
    for field, value in (criteria or {}).items():
        if field not in known:
            raise ValueError(f"unknown rating criterion {field!r}")
        if value is None:
            continue
        if value not in {p for p, _label in known[field].answers}:
            errors[field] = [_("Câu trả lời không hợp lệ; hãy chọn một trong các phương án.")]
            continue
        points[field] = value
    if errors:
        raise ValidationError(errors)
    return satisfaction, reason, points


def _party_of(*, user: User, dossier: Dossier) -> bool:
    return Party.objects.filter(dossier=dossier, user=user).exists()


def rating_submit(
    *,
    user: User,
    code: str,
    level: str,
    reason: str = "",
    criteria: Mapping[str, int | None] | None = None,
    extra_cost: bool | None = None,
    channel: RatingChannel = RatingChannel.PORTAL,
) -> Rating:
    """Record the citizen's rating of dossier ``code``.

    Refused (``RatingRefused``) when the user is not the dossier's owner or
    submitter account, the result has not been returned, or the dossier is
    already rated (whoever rated it). The dossier row is locked, so two
    clicks on "Gửi đánh giá" record one rating; the unique dossier column is
    the last line of defence. The rated unit is the competent agency and the
    rated officer the one who returned the result (domain.md §8.2).
    """
    satisfaction, reason, points = _answers(level=level, reason=reason, criteria=criteria)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(code=code).first()
        if dossier is None or not _party_of(user=user, dossier=dossier):
            raise RatingRefused(
                _("Không tìm thấy hồ sơ %(code)s trong các hồ sơ của bạn.") % {"code": code},
                code="rating_not_yours",
            )
        if dossier.status != DossierStatus.RETURNED:
            raise RatingRefused(
                _("Bạn có thể đánh giá hồ sơ %(code)s sau khi đã nhận kết quả.") % {"code": code},
                code="rating_too_early",
            )
        return _rating_create(
            dossier=dossier,
            rater=user,
            channel=channel,
            level=satisfaction,
            reason=reason,
            points=points,
            extra_cost=extra_cost,
        )


def _rating_create(
    *,
    dossier: Dossier,
    rater: User | None,
    channel: RatingChannel,
    level: Satisfaction,
    reason: str,
    points: dict[str, int | None],
    extra_cost: bool | None,
) -> Rating:
    """Save the one rating of the locked ``dossier``; the rated officer returned the result."""
    returned_by = (
        DossierEvent.objects.filter(dossier=dossier, action=EventAction.RETURN_RESULT)
        .order_by("-seq")
        .values_list("actor_id", flat=True)
        .first()
    )
    rating = Rating(
        dossier=dossier,
        rater=rater,
        level=level,
        reason=reason,
        extra_cost=extra_cost,
        channel=channel,
        agency_id=dossier.competent_agency_id,
        officer_id=returned_by,
        created_at=timezone.now(),
        **points,
    )
    rating.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
    except IntegrityError as error:
        raise RatingRefused(
            _("Hồ sơ %(code)s đã được đánh giá.") % {"code": dossier.code},
            code="rating_exists",
        ) from error
    _stats_after_commit(dossier_id=dossier.pk)
    return rating


def _stats_after_commit(*, dossier_id: int) -> None:
    """Refresh the supervision counters (gh-8) once the rating is committed; never raises."""
    from motcua.supervision.aggregates import stats_after_dossier_change

    transaction.on_commit(lambda: stats_after_dossier_change(dossier_id=dossier_id))


# How long after the hand-over the counter screen still takes the citizen's rating:
# it is asked "on the spot" (gh-6 item 9); later the citizen rates on the portal.
COUNTER_WINDOW = dt.timedelta(hours=2)


def rating_submit_at_counter(
    *,
    by: User,
    code: str,
    level: str,
    reason: str = "",
    criteria: Mapping[str, int | None] | None = None,
    extra_cost: bool | None = None,
) -> Rating:
    """Record the rating a citizen taps on the counter screen right after taking the result.

    ``by`` is the officer whose screen it is: they must hold the reception or
    returner role at the receiving agency (who may return results there). The
    rating has no rater account (the citizen is not signed in) and the channel
    ``COUNTER``. Refused when the result was not returned at the counter
    (status RETURNED), more than ``COUNTER_WINDOW`` ago, or already rated.
    """
    satisfaction, reason, points = _answers(level=level, reason=reason, criteria=criteria)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(code=code).first()
        day = timezone.localdate()
        allowed = (
            dossier is not None
            and by.is_active
            and StaffMembership.objects.filter(
                valid_on_q(day),
                user=by,
                agency_id=dossier.received_by_id,
                role__in=[Role.RECEPTION_OFFICER, Role.RETURNER],
            ).exists()
        )
        if dossier is None or not allowed:
            raise RatingRefused(
                _("Chỉ máy của cán bộ trả kết quả hồ sơ %(code)s mới nhận đánh giá tại quầy.")
                % {"code": code},
                code="rating_not_counter",
            )
        if dossier.status != DossierStatus.RETURNED or dossier.returned_at is None:
            raise RatingRefused(
                _("Bạn có thể đánh giá hồ sơ %(code)s sau khi đã nhận kết quả.") % {"code": code},
                code="rating_too_early",
            )
        if timezone.now() - dossier.returned_at > COUNTER_WINDOW:
            raise RatingRefused(
                _(
                    "Đã quá thời gian đánh giá tại quầy cho hồ sơ %(code)s; người dân có thể"
                    " đánh giá trên Cổng dịch vụ công."
                )
                % {"code": code},
                code="rating_counter_closed",
            )
        return _rating_create(
            dossier=dossier,
            rater=None,
            channel=RatingChannel.COUNTER,
            level=satisfaction,
            reason=reason,
            points=points,
            extra_cost=extra_cost,
        )


def rating_change(
    *,
    user: User,
    code: str,
    level: str,
    reason: str = "",
    criteria: Mapping[str, int | None] | None = None,
    extra_cost: bool | None = None,
) -> Rating:
    """Replace the answers of the rating of dossier ``code`` by its own rater.

    Refused after ``CHANGE_WINDOW_DAYS`` days from the first rating, and for
    anyone but the citizen who rated (an owner cannot overwrite what the
    submitter said, and the reverse). The rated unit, officer, channel and
    first-rating time stay as they were. The rating row is locked.
    """
    satisfaction, reason, points = _answers(level=level, reason=reason, criteria=criteria)
    with transaction.atomic():
        rating = (
            Rating.objects.select_for_update(of=("self",))
            .filter(
                Exists(Party.objects.filter(dossier=OuterRef("dossier"), user=user)),
                dossier__code=code,
            )
            .first()
        )
        if rating is None:
            raise RatingRefused(
                _("Hồ sơ %(code)s chưa được đánh giá.") % {"code": code}, code="rating_missing"
            )
        if rating.rater_id != user.pk:
            raise RatingRefused(
                _("Chỉ người đã đánh giá hồ sơ %(code)s mới sửa được đánh giá.") % {"code": code},
                code="rating_not_rater",
            )
        now = timezone.now()
        if now >= change_deadline(rating):
            raise RatingRefused(
                _(
                    "Đánh giá chỉ sửa được trong %(days)d ngày kể từ khi đánh giá (đến"
                    " %(until)s); đánh giá của hồ sơ %(code)s nay không sửa được nữa."
                )
                % {
                    "days": CHANGE_WINDOW_DAYS,
                    "until": timezone.localtime(change_deadline(rating)).strftime("%H:%M %d/%m/%Y"),
                    "code": code,
                },
                code="rating_closed",
            )
        rating.level = satisfaction
        rating.reason = reason
        rating.extra_cost = extra_cost
        for field, value in points.items():
            setattr(rating, field, value)
        rating.changed_at = now
        rating.full_clean(validate_unique=False)
        rating.save()
        _stats_after_commit(dossier_id=rating.dossier_id)
    return rating
