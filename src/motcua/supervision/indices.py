"""The Decision 766 index and the 9 indices of Circular 01/2018 (gh-8 items 4–5).

**QĐ 766** (domain.md §9). Every metric is a numerator over a denominator,
a ratio and points (linear in the ratio by default: the national mapping is
unverified, so :data:`POINTS` is a replaceable function). A metric is in one
of three states:

* ``computed`` — motcua has the data: numerator, denominator, ratio, points;
* ``not_applicable`` — the denominator is zero (nothing happened to measure).
  At commune level a criterion that does not apply scores its maximum (QĐ 766
  notes); elsewhere it scores nothing and says so;
* ``not_computable`` — motcua holds no source for it yet (procedure
  publication dates, petitions, the population database, e-certified copies,
  DVCQG sync while the sync does not exist). Shown as "chưa tính được",
  never as zero, and left out of the group's points.

**TT 01/2018** (domain.md §8.3). Per dossier: C1 (total time, from the
dossier's on-time class; the citizen's answer when there is no due date), C2
(each step against its budget, from the history), C3, C4, C6, C7 (the
citizen's rating answers). Per unit: C5 and C8 are not recorded by motcua,
C6 is the unit's average of the dossiers' C6, C9 comes from the catalogue
and channel counts. An index score is the mean of its dossier scores,
rounded to one decimal (Art 14). Officers: ≥ 5 points = 100 % of tasks,
3.5 to < 5 = 70 % to < 100 %, < 3.5 = < 70 %; units: ≥ 15 excellent,
12–15 good, 9–12 fair, 6–9 average, < 6 weak (Art 15). TT 03/2025 may have
replaced TT 01/2018 (unverified), so the bands are data (:data:`OFFICER_BANDS`,
:data:`UNIT_BANDS`) and which indices make an officer's score is
:data:`OFFICER_INDICES`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import Channel, DocumentKind, DossierStatus
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import Payment
from motcua.procedures.constants import FeeCollection, OnlineMode, VersionStatus
from motcua.procedures.models import FeeRule, ProcedureOffering, ProcedureVersion
from motcua.ratings.constants import Satisfaction
from motcua.ratings.models import Rating

from .lateness import FINISHED, history_prefetch, step_visits
from .periods import Period
from .scope import Scope

S = DossierStatus
ONLINE_CHANNELS = (Channel.ONLINE, Channel.NATIONAL_PORTAL)
# The payment provider that is not online: money handed over at the fee desk.
COUNTER_PROVIDER = "counter"
# Statuses that never were a received dossier (online submissions not accepted, refusals).
NOT_RECEIVED = (S.SUBMITTED, S.REFUSED)
TWO = Decimal("0.01")
ONE = Decimal("0.1")


class State(StrEnum):
    COMPUTED = "computed"
    NOT_APPLICABLE = "not_applicable"
    NOT_COMPUTABLE = "not_computable"


STATE_LABELS: dict[State, str | Promise] = {
    State.COMPUTED: _("Đã tính"),
    State.NOT_APPLICABLE: _("Không phát sinh"),
    State.NOT_COMPUTABLE: _("Chưa tính được"),
}


def linear_points(ratio: Decimal, maximum: Decimal) -> Decimal:
    """Points for a ratio in [0, 1], proportional (the national mapping is unverified)."""
    return (max(Decimal(0), min(Decimal(1), ratio)) * maximum).quantize(TWO, ROUND_HALF_UP)


POINTS: Callable[[Decimal, Decimal], Decimal] = linear_points


@dataclass(frozen=True)
class MetricSpec:
    code: str
    group: int
    maximum: Decimal
    label: str | Promise
    numerator: str | Promise = ""
    denominator: str | Promise = ""
    # Why motcua cannot compute it (yet); empty when it can.
    missing: str | Promise = ""


D = Decimal
SPECS: tuple[MetricSpec, ...] = (
    MetricSpec(
        "PUBLISH_ON_TIME",
        1,
        D(6),
        _("Công bố thủ tục hành chính đúng hạn"),
        missing=_("Chưa có dữ liệu thời hạn công bố của từng thủ tục."),
    ),
    MetricSpec(
        "PUBLIC_UPDATE_ON_TIME",
        1,
        D(4),
        _("Cập nhật, công khai thủ tục đúng hạn"),
        missing=_("Chưa có dữ liệu thời hạn cập nhật của từng thủ tục."),
    ),
    MetricSpec(
        "PUBLIC_CONTENT_FULL",
        1,
        D(2),
        _("Công khai đầy đủ nội dung thủ tục"),
        missing=_("Chưa có bước kiểm tra đầy đủ nội dung khi công bố."),
    ),
    MetricSpec(
        "DOSSIER_SYNC",
        1,
        D(6),
        _("Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia"),
        _("Hồ sơ đã đồng bộ trạng thái mới nhất"),
        _("Hồ sơ tiếp nhận trong kỳ"),
    ),
    MetricSpec(
        "PROGRESS",
        2,
        D(20),
        _("Hồ sơ giải quyết trước hạn, đúng hạn"),
        _("Hồ sơ giải quyết xong trước hạn, đúng hạn"),
        _("Hồ sơ giải quyết xong trong kỳ"),
    ),
    MetricSpec(
        "FULL_ONLINE",
        3,
        D(12),
        _("Hồ sơ trực tuyến toàn trình"),
        _("Hồ sơ nộp trực tuyến của thủ tục toàn trình"),
        _("Hồ sơ (mọi kênh) của thủ tục cung cấp trực tuyến toàn trình"),
    ),
    MetricSpec(
        "PAYMENT_OFFERED",
        4,
        D(2),
        _("Thủ tục có nghĩa vụ tài chính được thanh toán trực tuyến"),
        _("Thủ tục có phí, lệ phí nhận thanh toán trực tuyến"),
        _("Thủ tục có phí, lệ phí"),
    ),
    MetricSpec(
        "PAYMENT_USED",
        4,
        D(2),
        _("Thủ tục có phát sinh thanh toán trực tuyến"),
        _("Thủ tục có ít nhất một khoản thanh toán trực tuyến trong kỳ"),
        _("Thủ tục có phí, lệ phí"),
    ),
    MetricSpec(
        "PAYMENT_DOSSIERS",
        4,
        D(6),
        _("Hồ sơ thanh toán trực tuyến"),
        _("Hồ sơ đã thanh toán trực tuyến"),
        _("Hồ sơ có yêu cầu thanh toán"),
    ),
    MetricSpec(
        "PETITION_PROCESSING_ON_TIME",
        5,
        D(6),
        _("Xử lý phản ánh, kiến nghị đúng hạn"),
        missing=_("Phản ánh, kiến nghị chưa được quản lý trên motcua."),
    ),
    MetricSpec(
        "PETITION_HANDLING_SATISFACTION",
        5,
        D(6),
        _("Hài lòng về xử lý phản ánh, kiến nghị"),
        missing=_("Phản ánh, kiến nghị chưa được quản lý trên motcua."),
    ),
    MetricSpec(
        "DOSSIER_RECEIVING_SATISFACTION",
        5,
        D(6),
        _("Hài lòng về tiếp nhận, giải quyết hồ sơ"),
        _("Đánh giá rất hài lòng, hài lòng"),
        _("Đánh giá trong kỳ"),
    ),
    MetricSpec(
        "ORIGINAL_RESULT_AVAILABLE",
        6,
        D(6),
        _("Hồ sơ có kết quả điện tử"),
        _("Hồ sơ giải quyết xong có kết quả điện tử"),
        _("Hồ sơ giải quyết xong trong kỳ"),
    ),
    MetricSpec(
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        6,
        D(4),
        _("Hồ sơ có thành phần được số hóa"),
        _("Hồ sơ có ít nhất một thành phần được số hóa"),
        _("Hồ sơ tiếp nhận trong kỳ"),
    ),
    MetricSpec(
        "REUSED_DIGITIZED_DATA",
        6,
        D(2),
        _("Hồ sơ tái sử dụng dữ liệu số hóa"),
        _("Hồ sơ có giấy tờ lấy từ kho dữ liệu"),
        _("Hồ sơ tiếp nhận trong kỳ"),
    ),
    MetricSpec(
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        6,
        D(4),
        _("Hồ sơ số hóa được chia sẻ vào kho dữ liệu của người dân"),
        _("Hồ sơ số hóa có kết quả đưa vào kho dữ liệu"),
        _("Hồ sơ có thành phần được số hóa"),
    ),
    MetricSpec(
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        6,
        D(2),
        _("Hồ sơ sử dụng dữ liệu dân cư"),
        missing=_("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."),
    ),
    MetricSpec(
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        6,
        D(2),
        _("Thủ tục kết nối dữ liệu dân cư"),
        missing=_("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."),
    ),
    MetricSpec(
        "ELECTRONIC_CERTIFIED_COPY",
        6,
        D(2),
        _("Cấp bản sao điện tử từ bản chính"),
        missing=_("Chưa có chứng thực bản sao điện tử."),
    ),
)

GROUPS: dict[int, tuple[str | Promise, Decimal]] = {
    1: (_("Công khai, minh bạch"), D(18)),
    2: (_("Tiến độ giải quyết"), D(20)),
    3: (_("Dịch vụ công trực tuyến"), D(12)),
    4: (_("Thanh toán trực tuyến"), D(10)),
    5: (_("Mức độ hài lòng"), D(18)),
    6: (_("Số hóa hồ sơ"), D(22)),
}
# Metrics that score their maximum at commune level when they do not apply (QĐ 766 notes).
COMMUNE_MAX_IF_NOT_APPLICABLE = frozenset(
    {"PAYMENT_OFFERED", "PAYMENT_USED", "PAYMENT_DOSSIERS", "FULL_ONLINE"}
)


@dataclass(frozen=True)
class MetricResult:
    spec: MetricSpec
    state: State
    numerator: int | None = None
    denominator: int | None = None
    points: Decimal | None = None
    note: str | Promise = ""

    @property
    def ratio(self) -> Decimal | None:
        if self.numerator is None or not self.denominator:
            return None
        return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(Decimal("0.0001"))

    @property
    def percent(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else (ratio * 100).quantize(ONE, ROUND_HALF_UP)

    @property
    def state_label(self) -> str | Promise:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class GroupResult:
    number: int
    label: str | Promise
    maximum: Decimal
    metrics: list[MetricResult]

    @property
    def points(self) -> Decimal:
        return sum((m.points for m in self.metrics if m.points is not None), Decimal(0))

    @property
    def computable_maximum(self) -> Decimal:
        """The points this group can reach from what motcua computes."""
        return sum(
            (m.spec.maximum for m in self.metrics if m.state != State.NOT_COMPUTABLE), Decimal(0)
        )


@dataclass(frozen=True)
class Index766:
    scope: Scope
    period: Period
    groups: list[GroupResult]

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def computable_maximum(self) -> Decimal:
        return sum((g.computable_maximum for g in self.groups), Decimal(0))

    @property
    def maximum(self) -> Decimal:
        return sum((g.maximum for g in self.groups), Decimal(0))

    def metric(self, code: str) -> MetricResult:
        return next(m for g in self.groups for m in g.metrics if m.spec.code == code)


def _result(spec: MetricSpec, numerator: int, denominator: int, *, commune: bool) -> MetricResult:
    if denominator == 0:
        if commune and spec.code in COMMUNE_MAX_IF_NOT_APPLICABLE:
            return MetricResult(
                spec,
                State.NOT_APPLICABLE,
                0,
                0,
                spec.maximum,
                _("Cấp xã: tiêu chí không áp dụng được tính điểm tối đa."),
            )
        return MetricResult(spec, State.NOT_APPLICABLE, 0, 0, None)
    ratio = Decimal(numerator) / Decimal(denominator)
    return MetricResult(spec, State.COMPUTED, numerator, denominator, POINTS(ratio, spec.maximum))


# --- the dossier sets (one source for the figures and their lists) ---------------------------


def received_q(scope: Scope, period: Period) -> Q:
    lo, hi = period.bounds()
    return Q(
        competent_agency_id__in=scope.agency_ids, received_at__gte=lo, received_at__lt=hi
    ) & ~Q(status__in=NOT_RECEIVED)


def finished_q(scope: Scope, period: Period) -> Q:
    lo, hi = period.bounds()
    return Q(
        competent_agency_id__in=scope.agency_ids,
        status__in=FINISHED,
        finished_at__gte=lo,
        finished_at__lt=hi,
    )


ON_TIME_Q = Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])
FULL_MODE_Q = Q(procedure_version__online_mode=OnlineMode.FULL)


def _docs(**filters: object) -> Exists:
    # Drafts of the result (gh-6 item 6) are internal work, not components or results.
    return Exists(
        DossierDocument.objects.filter(dossier=OuterRef("pk"), **filters).exclude(
            kind=DocumentKind.DRAFT
        )
    )


def _shared_to_store() -> Exists:
    from motcua.datastore.models import StoredDocument

    return Exists(StoredDocument.objects.filter(dossier_document__dossier=OuterRef("pk")))


def _paid_online() -> Exists:
    return Exists(
        Payment.objects.filter(dossier=OuterRef("pk"), status=PaymentStatus.PAID).exclude(
            provider=COUNTER_PROVIDER
        )
    )


# The dossier-based metrics, defined once for the figures and for their lists: which set
# the metric counts in ("received" or "finished" dossiers of the scope and period), the
# denominator's extra condition (None: the whole set) and the numerator's condition.
RECEIVED_SET, FINISHED_SET = "received", "finished"


def dossier_metrics() -> dict[str, tuple[str, Q | None, Q]]:
    digitised = Q(_docs(digitised=True))
    with_payment = Q(Exists(Payment.objects.filter(dossier=OuterRef("pk"))))
    return {
        "DOSSIER_SYNC": (RECEIVED_SET, None, Q(sync__synced=True)),
        "PROGRESS": (FINISHED_SET, None, ON_TIME_Q),
        "FULL_ONLINE": (RECEIVED_SET, FULL_MODE_Q, FULL_MODE_Q & Q(channel__in=ONLINE_CHANNELS)),
        "PAYMENT_DOSSIERS": (RECEIVED_SET, with_payment, with_payment & Q(_paid_online())),
        "ORIGINAL_RESULT_AVAILABLE": (FINISHED_SET, None, Q(_docs(kind=DocumentKind.RESULT))),
        "SO_HOA_GIAY_TO_GIAI_QUYET": (RECEIVED_SET, None, digitised),
        "REUSED_DIGITIZED_DATA": (RECEIVED_SET, None, Q(_docs(reused=True))),
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": (
            RECEIVED_SET,
            digitised,
            digitised & Q(_shared_to_store()),
        ),
    }


DRILLABLE = frozenset(dossier_metrics())


def _base(which: str, scope: Scope, period: Period) -> QuerySet[Dossier]:
    q = received_q(scope, period) if which == RECEIVED_SET else finished_q(scope, period)
    return Dossier.objects.filter(q)


def metric_dossiers(
    code: str, *, scope: Scope, period: Period, numerator: bool
) -> QuerySet[Dossier]:
    """The dossiers a dossier-based metric counts (its numerator, or its denominator)."""
    which, den, num = dossier_metrics()[code]
    qs = _base(which, scope, period)
    condition = num if numerator else den
    if condition is not None:
        qs = qs.filter(condition)
    return qs.order_by("received_at", "id")


def ratings_by_agency(scope: Scope, period: Period) -> dict[int, tuple[int, int]]:
    """Agency → (very satisfied + satisfied, all ratings) given in ``period``. One query."""
    lo, hi = period.bounds()
    rows = (
        Rating.objects.filter(agency_id__in=scope.agency_ids, created_at__gte=lo, created_at__lt=hi)
        .values("agency_id")
        .annotate(
            total=Count("pk"),
            satisfied=Count(
                "pk", filter=Q(level__in=[Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED])
            ),
        )
        .order_by()
    )
    return {r["agency_id"]: (r["satisfied"], r["total"]) for r in rows}


def dvcqg_sync_exists() -> bool:
    """Whether motcua synchronises dossiers with DVCQG (the interop app, when it exists)."""
    return apps.is_installed("motcua.interop")


def _online_provider() -> bool:
    from motcua.payments.registry import provider_list

    return any(p.key != COUNTER_PROVIDER for p in provider_list())


Figures = dict[str, tuple[int, int]]


def _figures(scope: Scope, period: Period, *, by_agency: bool) -> dict[int | None, Figures]:
    """(numerator, denominator) of every computable metric: for the whole scope (key
    ``None``), or per agency of the scope. Six queries either way."""
    lo, hi = period.bounds()
    out: dict[int | None, Figures] = defaultdict(dict)
    metrics = dossier_metrics()

    def key(agency_id: int) -> int | None:
        return agency_id if by_agency else None

    for which in (RECEIVED_SET, FINISHED_SET):
        counts: dict[str, Count] = {}
        for code, (base, den, num) in metrics.items():
            if base == which:
                counts[f"{code}__den"] = Count("pk", filter=den) if den else Count("pk")
                counts[f"{code}__num"] = Count("pk", filter=num)
        rows = _base(which, scope, period).values("competent_agency_id").annotate(**counts)
        for values in rows.order_by():
            row: dict[str, Any] = dict(values)
            figures = out[key(row["competent_agency_id"])]
            for code, (base, _den, _num) in metrics.items():
                if base == which:
                    n, d = figures.get(code, (0, 0))
                    figures[code] = (n + row[f"{code}__num"], d + row[f"{code}__den"])

    for agency_id, (satisfied, total) in ratings_by_agency(scope, period).items():
        figures = out[key(agency_id)]
        n, d = figures.get("DOSSIER_RECEIVING_SATISFACTION", (0, 0))
        figures["DOSSIER_RECEIVING_SATISFACTION"] = (n + satisfied, d + total)

    # Procedures with a fee offered by each agency, whether offered online, and whether
    # anything was paid online for them in the period (sets: an agency's procedures count
    # once in the scope however many agencies offer them).
    offered: dict[int | None, dict[int, bool]] = defaultdict(lambda: defaultdict(bool))
    for agency_id, procedure_id, is_open in ProcedureOffering.objects.filter(
        agency_id__in=scope.agency_ids, is_active=True
    ).values_list("agency_id", "procedure_id", "online_open"):
        offered[key(agency_id)][procedure_id] |= is_open
    all_offered = {p for procedures in offered.values() for p in procedures}
    with_fee = set(
        FeeRule.objects.filter(
            variant__version__procedure_id__in=all_offered,
            variant__version__status=VersionStatus.PUBLISHED,
        )
        .exclude(collection__in=[FeeCollection.EXEMPT, FeeCollection.NONE])
        .filter(Q(amount__gt=0) | (Q(amount__isnull=True) & ~Q(rule="")))
        .values_list("variant__version__procedure_id", flat=True)
    )
    used: dict[int | None, set[int]] = defaultdict(set)
    for agency_id, procedure_id in (
        Payment.objects.filter(
            dossier__competent_agency_id__in=scope.agency_ids,
            status=PaymentStatus.PAID,
            paid_at__gte=lo,
            paid_at__lt=hi,
            dossier__procedure_version__procedure_id__in=with_fee,
        )
        .exclude(provider=COUNTER_PROVIDER)
        .values_list("dossier__competent_agency_id", "dossier__procedure_version__procedure_id")
        .distinct()
    ):
        used[key(agency_id)].add(procedure_id)
    online = _online_provider()
    for k in set(offered) | ({None} if not by_agency else set()):
        procedures = offered.get(k, {})
        fee = {p for p in procedures if p in with_fee}
        payable = {p for p in fee if procedures[p]} if online else set()
        out[k]["PAYMENT_OFFERED"] = (len(payable), len(fee))
        out[k]["PAYMENT_USED"] = (len(used.get(k, set()) & fee), len(fee))
    return out


def _index(scope: Scope, period: Period, figures: Figures) -> Index766:
    results: dict[int, list[MetricResult]] = defaultdict(list)
    for spec in SPECS:
        if spec.code == "DOSSIER_SYNC" and not dvcqg_sync_exists():
            results[spec.group].append(
                MetricResult(
                    spec,
                    State.NOT_COMPUTABLE,
                    note=_("Chưa có đồng bộ với Cổng Dịch vụ công quốc gia."),
                )
            )
        elif spec.missing:
            results[spec.group].append(MetricResult(spec, State.NOT_COMPUTABLE, note=spec.missing))
        else:
            num, den = figures.get(spec.code, (0, 0))
            results[spec.group].append(_result(spec, num, den, commune=scope.commune))
    groups = [
        GroupResult(number, label, maximum, results[number])
        for number, (label, maximum) in GROUPS.items()
    ]
    return Index766(scope=scope, period=period, groups=groups)


def index_766(*, scope: Scope, period: Period) -> Index766:
    """The QĐ 766 index of ``scope`` for ``period``. Six queries, whatever the data size."""
    return _index(scope, period, _figures(scope, period, by_agency=False)[None])


def index_766_by_agency(*, scopes: dict[int, Scope], period: Period) -> dict[int, Index766]:
    """The index of each one-agency scope (agency id → scope), in the same six queries."""
    whole = Scope(frozenset(scopes), "")
    figures = _figures(whole, period, by_agency=True)
    return {pk: _index(scope, period, figures.get(pk, {})) for pk, scope in scopes.items()}


# --- TT 01/2018: the 9 indices ----------------------------------------------------------------

DOSSIER_INDICES = ("C1", "C2", "C3", "C4", "C6", "C7")
UNIT_INDICES = ("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")
# Which indices make an officer's score (unverified: the per-dossier ones they influence).
OFFICER_INDICES = ("C1", "C2", "C3", "C4", "C6", "C7")

INDEX_LABELS: dict[str, str | Promise] = {
    "C1": _("Thời gian giải quyết so với quy định"),
    "C2": _("Thời gian của từng cơ quan, đơn vị so với quy định"),
    "C3": _("Số lần liên hệ để hoàn thiện hồ sơ"),
    "C4": _("Số cơ quan, đơn vị phải liên hệ"),
    "C5": _("Tỷ lệ thủ tục giải quyết trọn vẹn tại Bộ phận Một cửa"),
    "C6": _("Công khai thủ tục hành chính"),
    "C7": _("Thái độ của cán bộ, công chức"),
    "C8": _("Xử lý phản ánh, kiến nghị đúng hạn"),
    "C9": _("Cung cấp dịch vụ công trực tuyến"),
}
INDEX_MISSING: dict[str, str | Promise] = {
    "C5": _("Chưa ghi nhận thủ tục giải quyết trọn vẹn tại Bộ phận Một cửa."),
    "C8": _("Phản ánh, kiến nghị chưa được quản lý trên motcua."),
}
TIMELINESS_POINTS = {Timeliness.EARLY: 2, Timeliness.ON_TIME: 1, Timeliness.LATE: 0}
RATING_FIELD = {
    "C3": "c3_contacts",
    "C4": "c4_agencies",
    "C6": "c6_publication",
    "C7": "c7_attitude",
}

# (lower bound, label), best first: a score ≥ bound gets the label.
OFFICER_BANDS: tuple[tuple[Decimal, str | Promise], ...] = (
    (D(5), _("Hoàn thành 100% nhiệm vụ")),
    (D("3.5"), _("Hoàn thành từ 70% đến dưới 100% nhiệm vụ")),
    (D(0), _("Hoàn thành dưới 70% nhiệm vụ")),
)
UNIT_BANDS: tuple[tuple[Decimal, str | Promise], ...] = (
    (D(15), _("Xuất sắc")),
    (D(12), _("Tốt")),
    (D(9), _("Khá")),
    (D(6), _("Trung bình")),
    (D(0), _("Yếu")),
)
# C9: ≥ 20 % of procedures online at level 3/4 (partial or full), ≥ 30 % of dossiers
# online, no late online dossier → 2; an online share of 15–30 % → 1; less → 0.
C9_PROCEDURE_SHARE = D("0.20")
C9_DOSSIER_SHARE_2 = D("0.30")
C9_DOSSIER_SHARE_1 = D("0.15")


def band(score: Decimal, bands: Iterable[tuple[Decimal, str | Promise]]) -> str | Promise:
    for bound, label in bands:
        if score >= bound:
            return label
    raise AssertionError("the last band starts at 0")


def c2_points(visits_timeliness: list[Timeliness | None]) -> int | None:
    """C2 of one dossier: 2 if every step was early, 0 if any was late, else 1."""
    known = [t for t in visits_timeliness if t is not None]
    if not known:
        return None
    if Timeliness.LATE in known:
        return 0
    return 2 if all(t == Timeliness.EARLY for t in known) else 1


@dataclass(frozen=True)
class DossierScores:
    dossier_id: int
    code: str
    agency_id: int
    officer_ids: frozenset[int]
    scores: dict[str, int | None]


def _mean(values: Iterable[int | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return (Decimal(sum(known)) / len(known)).quantize(ONE, ROUND_HALF_UP)


@dataclass(frozen=True)
class IndexScores:
    """Index → score (None: no data or not computable), the total, and the rating band."""

    label: str
    scores: dict[str, Decimal | None]
    count: int
    bands: tuple[tuple[Decimal, str | Promise], ...] = field(repr=False, default=UNIT_BANDS)
    indices: tuple[str, ...] = UNIT_INDICES

    @property
    def total(self) -> Decimal:
        return sum((self.scores[c] or Decimal(0) for c in self.indices), Decimal(0))

    @property
    def rating(self) -> str | Promise:
        return band(self.total, self.bands)

    @property
    def missing(self) -> list[str]:
        return [c for c in self.indices if self.scores.get(c) is None]


@dataclass(frozen=True)
class Circular01:
    scope: Scope
    period: Period
    dossiers: list[DossierScores]
    officers: list[IndexScores]
    units: list[IndexScores]


def dossier_scores(*, scope: Scope, period: Period) -> list[DossierScores]:
    """Per-dossier indices of the dossiers of ``scope`` finished in ``period`` (3 queries)."""
    rows = (
        Dossier.objects.filter(finished_q(scope, period))
        .select_related("rating")
        .prefetch_related(history_prefetch())
        .order_by("finished_at", "id")
    )
    out = []
    for d in rows:
        events = list(d.events.all())
        try:
            rating: Rating | None = d.rating
        except Rating.DoesNotExist:
            rating = None
        scores: dict[str, int | None] = {}
        if d.timeliness:
            scores["C1"] = TIMELINESS_POINTS[Timeliness(d.timeliness)]
        else:
            scores["C1"] = rating.c1_time if rating else None
        scores["C2"] = c2_points([v.timeliness for v in step_visits(events)])
        for code, name in RATING_FIELD.items():
            scores[code] = getattr(rating, name) if rating else None
        officers = frozenset(e.actor_id for e in events if e.actor_id is not None)
        out.append(DossierScores(d.pk, d.code, d.competent_agency_id, officers, scores))
    return out


def c9_points(
    *, offered: int, online_procedures: int, received: int, online: int, online_late: int
) -> int | None:
    """Index C9 of a unit from its counts; ``None`` when it offers nothing or received nothing."""
    if not offered or not received:
        return None
    procedure_share = Decimal(online_procedures) / offered
    dossier_share = Decimal(online) / received
    if (
        procedure_share >= C9_PROCEDURE_SHARE
        and dossier_share >= C9_DOSSIER_SHARE_2
        and not online_late
    ):
        return 2
    return 1 if dossier_share >= C9_DOSSIER_SHARE_1 else 0


def _c9_by_agency(agency_ids: frozenset[int], period: Period) -> dict[int, int | None]:
    """C9 of each agency (three queries whatever their number)."""
    online_mode = set(
        ProcedureVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL],
        ).values_list("procedure_id", flat=True)
    )
    offered: dict[int, set[int]] = defaultdict(set)
    online: dict[int, set[int]] = defaultdict(set)
    for agency_id, procedure_id, is_open in ProcedureOffering.objects.filter(
        agency_id__in=agency_ids, is_active=True
    ).values_list("agency_id", "procedure_id", "online_open"):
        offered[agency_id].add(procedure_id)
        if is_open and procedure_id in online_mode:
            online[agency_id].add(procedure_id)
    received = {
        row["competent_agency_id"]: row
        for row in Dossier.objects.filter(received_q(Scope(agency_ids, ""), period))
        .values("competent_agency_id")
        .annotate(
            total=Count("pk"),
            online=Count("pk", filter=Q(channel__in=ONLINE_CHANNELS)),
            online_late=Count(
                "pk", filter=Q(channel__in=ONLINE_CHANNELS, timeliness=Timeliness.LATE)
            ),
        )
        .order_by()
    }
    out: dict[int, int | None] = {}
    for pk in agency_ids:
        r = received.get(pk)
        out[pk] = c9_points(
            offered=len(offered[pk]),
            online_procedures=len(online[pk]),
            received=r["total"] if r else 0,
            online=r["online"] if r else 0,
            online_late=r["online_late"] if r else 0,
        )
    return out


def _summarise(
    label: str,
    rows: list[DossierScores],
    extra: dict[str, Decimal | None] | None = None,
    *,
    bands: tuple[tuple[Decimal, str | Promise], ...],
    indices: tuple[str, ...],
) -> IndexScores:
    scores: dict[str, Decimal | None] = {
        c: _mean(r.scores[c] for r in rows) for c in DOSSIER_INDICES
    }
    scores.update(extra or {})
    return IndexScores(label, scores, len(rows), bands, indices)


def circular_01(*, scope: Scope, period: Period) -> Circular01:
    """The 9 indices of ``scope`` for ``period``: per dossier, per officer, per agency."""
    from motcua.accounts.models import User
    from motcua.organisations.models import Agency

    rows = dossier_scores(scope=scope, period=period)
    by_officer: dict[int, list[DossierScores]] = defaultdict(list)
    by_agency: dict[int, list[DossierScores]] = defaultdict(list)
    for r in rows:
        by_agency[r.agency_id].append(r)
        for officer in r.officer_ids:
            by_officer[officer].append(r)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(by_officer))}
    officers = sorted(
        (
            _summarise(names[pk], rs, bands=OFFICER_BANDS, indices=OFFICER_INDICES)
            for pk, rs in by_officer.items()
        ),
        key=lambda s: (-s.total, s.label),
    )
    units = []
    c9_of = _c9_by_agency(scope.agency_ids, period)
    for agency in Agency.objects.filter(pk__in=scope.agency_ids).order_by("name"):
        unit_rows = by_agency.get(agency.pk, [])
        c9 = c9_of[agency.pk]
        if not unit_rows and c9 is None:
            continue  # nothing finished, nothing received: nothing to rate
        extra: dict[str, Decimal | None] = {"C5": None, "C8": None}
        extra["C9"] = None if c9 is None else Decimal(c9)
        units.append(
            _summarise(
                agency.display_name, unit_rows, extra, bands=UNIT_BANDS, indices=UNIT_INDICES
            )
        )
    units.sort(key=lambda s: (-s.total, s.label))
    return Circular01(scope=scope, period=period, dossiers=rows, officers=officers, units=units)
