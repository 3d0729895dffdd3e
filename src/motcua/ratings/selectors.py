"""Reads of satisfaction ratings (gh-5 item 11; domain.md §8).

Rater confidentiality (NĐ 224/2026 Art 10(3)(b); domain.md §8.2): the rated
officer never sees who rated what. The rule, enforced here — the only staff
read path — and tested in ``tests/test_confidentiality.py``:

* Staff read ratings through ``ratings_for_staff`` (rows) and
  ``rating_summary`` (aggregates), both scoped to an agency the reader is a
  member of (superusers: any agency).
* A rating is *handled by the reader* when the reader acted on its dossier
  (any history event), is the dossier's current handler, or is the officer
  the rating rates. For such a rating the row carries neither the rater's
  name nor the dossier code: both are replaced by NULL in SQL, so they never
  reach Python. Its instant is cut to the day and such rows are ordered by
  day, level and text — never by creation — so the order does not give away
  which of the day's dossiers it was. Other staff in scope (a supervisor, a
  centre leader who did not touch the dossier) see both, to follow up a
  complaint.
* Aggregates (counts per level, index averages) never carry identities and
  are open to everyone in scope, including the rated officer.

The free-text reason is shown as written; a citizen who names themselves
there chose to. The citizen's own reads (``rating_dossier_get``,
``rating_state``) only ever concern their own dossiers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, Party
from motcua.organisations.models import Agency, StaffMembership, valid_on_q

from .constants import CHANGE_WINDOW_DAYS, CRITERIA, CRITERION_FIELDS, Satisfaction
from .models import Rating

# --- the citizen's reads ---------------------------------------------------------------


def rating_dossier_get(*, user: User, code: str) -> Dossier | None:
    """The user's dossier ``code`` (owner or submitter account) with its rating: one query."""
    return (
        Dossier.objects.filter(
            Exists(Party.objects.filter(dossier=OuterRef("pk"), user=user)), code=code
        )
        .select_related("procedure_version", "competent_agency", "rating")
        .first()
    )


def rating_of(*, dossier: Dossier) -> Rating | None:
    """The dossier's rating; no query when it was loaded with ``select_related("rating")``
    or when the dossier's result was not returned yet (nothing can be rated before)."""
    if dossier.status != DossierStatus.RETURNED:
        return None
    try:
        return dossier.rating
    except Rating.DoesNotExist:
        return None


@dataclass(frozen=True)
class RatingState:
    """What the citizen may do with the rating of one dossier, and why not."""

    rating: Rating | None
    can_rate: bool  # no rating yet and the result was returned
    can_change: bool  # the user's own rating, inside the change window
    change_until: dt.datetime | None = None
    closed_message: str = ""  # why the form is not offered (empty when it is)

    @property
    def open(self) -> bool:
        return self.can_rate or self.can_change


def rating_state(
    *, user: User, dossier: Dossier, rating: Rating | None, now: dt.datetime | None = None
) -> RatingState:
    """Whether ``user`` may rate ``dossier`` now or change ``rating`` (no query).

    ``rating`` is the dossier's rating or None; the caller loads it (one
    ``select_related``), so this stays free of queries.
    """
    now = now or timezone.now()
    if rating is None:
        if dossier.status != DossierStatus.RETURNED:
            return RatingState(
                rating=None,
                can_rate=False,
                can_change=False,
                closed_message=_("Bạn có thể đánh giá sau khi đã nhận kết quả hồ sơ."),
            )
        return RatingState(rating=None, can_rate=True, can_change=False)
    until = rating.created_at + dt.timedelta(days=CHANGE_WINDOW_DAYS)
    if rating.rater_id != user.pk:
        return RatingState(
            rating=rating,
            can_rate=False,
            can_change=False,
            closed_message=_(
                "Hồ sơ này đã được đánh giá bằng tài khoản khác (chủ hồ sơ hoặc người nộp thay);"
                " chỉ người đã đánh giá mới sửa được."
            ),
        )
    if now >= until:
        return RatingState(
            rating=rating,
            can_rate=False,
            can_change=False,
            change_until=until,
            closed_message=_(
                "Đánh giá chỉ sửa được trong %(days)d ngày kể từ khi đánh giá; thời hạn sửa đã"
                " hết lúc %(until)s. Đánh giá của bạn đã được ghi nhận như trên."
            )
            % {
                "days": CHANGE_WINDOW_DAYS,
                "until": timezone.localtime(until).strftime("%H:%M %d/%m/%Y"),
            },
        )
    return RatingState(rating=rating, can_rate=False, can_change=True, change_until=until)


# --- staff reads -----------------------------------------------------------------------


def _check_scope(*, reader: User, agency: Agency) -> None:
    """Staff of ``agency`` (a membership valid today) or a superuser; else PermissionDenied."""
    if reader.is_superuser:
        return
    member = StaffMembership.objects.filter(
        valid_on_q(timezone.localdate()), user=reader, agency=agency
    ).exists()
    if not member:
        raise PermissionDenied(
            _("Bạn không thuộc %(agency)s nên không xem được đánh giá của cơ quan này.")
            % {"agency": agency.name}
        )


def _in_period(
    rows: QuerySet[Rating], *, since: dt.datetime | None, until: dt.datetime | None
) -> QuerySet[Rating]:
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    return rows


@dataclass(frozen=True)
class StaffRatingRow:
    """A rating as staff see it; ``dossier_code`` and ``rater_name`` are None when withheld."""

    level: Satisfaction
    reason: str
    points: dict[str, int | None]  # criterion index code (C1…) → points
    extra_cost: bool | None
    channel: str
    rated_on: dt.date  # the day only (Huế time)
    officer_name: str
    dossier_code: str | None
    rater_name: str | None

    @property
    def withheld(self) -> bool:
        return self.dossier_code is None


def ratings_for_staff(
    *,
    reader: User,
    agency: Agency,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[StaffRatingRow]:
    """The ratings of ``agency`` in [since, until), with identities withheld from handlers.

    See the module docstring for the rule. One query for the scope check and
    one for the rows, whatever their number. Raises ``PermissionDenied``
    outside the reader's agencies.
    """
    _check_scope(reader=reader, agency=agency)
    handled = ExpressionWrapper(
        Q(Exists(DossierEvent.objects.filter(dossier=OuterRef("dossier"), actor=reader)))
        | Q(dossier__handler=reader)
        | Q(officer=reader),
        output_field=BooleanField(),
    )
    rows = (
        _in_period(Rating.objects.filter(agency=agency), since=since, until=until)
        .annotate(handled_by_reader=handled)
        .annotate(
            # Withheld in SQL: the values never reach Python for a handler.
            shown_code=Case(
                When(handled_by_reader=True, then=Value(None)),
                default=F("dossier__code"),
                output_field=CharField(),
            ),
            shown_rater=Case(
                When(handled_by_reader=True, then=Value(None)),
                default=F("rater__full_name"),
                output_field=CharField(),
            ),
        )
        .values(
            "level",
            "reason",
            "extra_cost",
            "channel",
            "created_at",
            "officer__full_name",
            "shown_code",
            "shown_rater",
            *CRITERION_FIELDS,
        )
    )
    result = [
        StaffRatingRow(
            level=Satisfaction(row["level"]),
            reason=row["reason"],
            points={c.index: row[c.field] for c in CRITERIA},
            extra_cost=row["extra_cost"],
            channel=row["channel"],
            rated_on=timezone.localtime(row["created_at"]).date(),
            officer_name=row["officer__full_name"] or "",
            dossier_code=row["shown_code"],
            rater_name=row["shown_rater"] if row["shown_code"] is not None else None,
        )
        for row in rows
    ]
    # Newest day first; inside a day by level and text, never by creation order.
    order = {level: i for i, level in enumerate(Satisfaction)}
    result.sort(
        key=lambda r: (-r.rated_on.toordinal(), order[r.level], r.reason, r.dossier_code or "")
    )
    return result


@dataclass(frozen=True)
class RatingSummary:
    """Counts per level and the average points of each index (rounded to 1 decimal)."""

    total: int
    counts: dict[Satisfaction, int]
    averages: dict[str, float | None] = field(default_factory=dict)  # "C1" → 1.5

    @property
    def satisfied_share(self) -> float | None:
        """Share of "very satisfied" + "satisfied" (QĐ 766 DOSSIER_RECEIVING_SATISFACTION)."""
        if not self.total:
            return None
        good = self.counts[Satisfaction.VERY_SATISFIED] + self.counts[Satisfaction.SATISFIED]
        return good / self.total


def rating_summary(
    *,
    reader: User,
    agency: Agency,
    officer: User | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> RatingSummary:
    """Aggregates of ``agency``'s ratings (optionally of one rated officer); no identities."""
    _check_scope(reader=reader, agency=agency)
    rows = _in_period(Rating.objects.filter(agency=agency), since=since, until=until)
    if officer is not None:
        rows = rows.filter(officer=officer)
    aggregates = rows.aggregate(
        total=Count("pk"),
        **{f"n_{s.value}": Count("pk", filter=Q(level=s)) for s in Satisfaction},
        **{f"avg_{c.field}": Avg(c.field) for c in CRITERIA},
    )
    return RatingSummary(
        total=aggregates["total"],
        counts={s: aggregates[f"n_{s.value}"] for s in Satisfaction},
        averages={
            c.index: (
                round(float(aggregates[f"avg_{c.field}"]), 1)
                if aggregates[f"avg_{c.field}"] is not None
                else None
            )
            for c in CRITERIA
        },
    )
