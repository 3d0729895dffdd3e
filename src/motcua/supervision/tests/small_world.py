"""A small hand-built world for the QĐ 766, TT 01/2018 and lateness tests (gh-8 items 3–5, 9).

One commune People's Committee ("xã A") and one provincial department ("sở P");
March 2026 is the period. Every dossier is built row by row (no services), so
each expected figure can be computed by hand from this file alone:

=====  ============  =========  ==========  ==========  ================================
code   procedure     channel    status      finished    other
=====  ============  =========  ==========  ==========  ================================
d1     FULL (fee)    online     returned    05/03 early digitised + result + in store; VNPay
                                                        paid; rating: very satisfied, C3–C7 = 2
d2     FULL (fee)    counter    resolved    10/03 on t. reused component; paid at the counter;
                                                        rating: satisfied, C3 C4 = 1, C6 C7 = 0
d3     PARTIAL       counter    returned    20/03 late  digitised + result; VNPay pending;
                                                        rating: not satisfied, C3 C4 C7 = 0,
                                                        C6 = 1; late steps S1, S3; apology 08/03
d4     PARTIAL       online     processing  —           due 27/03 09:00: overdue on 31/03
d5     FULL (fee)    online     returned    02/03 early received in February
d6     FULL (fee)    online     returned    10/03 on t. at sở P (outside xã A)
=====  ============  =========  ==========  ==========  ================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from motcua.accounts.models import User
from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.calendars.constants import Timeliness
from motcua.datastore.constants import Source
from motcua.datastore.models import StoredDocument
from motcua.dossiers.constants import Channel, DocumentKind, DossierStatus, EventAction, PartyKind
from motcua.dossiers.models import Dossier, DossierEvent, Extension, Party
from motcua.dossiers.tests.factories import (
    CodedAgencyFactory,
    DossierDocumentFactory,
    DossierFactory,
)
from motcua.dossiers.tests.test_receive import vn
from motcua.organisations.constants import AdminUnitKind, AgencyKind
from motcua.organisations.models import Agency, Department
from motcua.organisations.tests.factories import AdminUnitFactory, ProvinceFactory
from motcua.payments.constants import PaymentStatus
from motcua.payments.models import Payment
from motcua.procedures.constants import OnlineMode
from motcua.procedures.models import ProcedureOffering, WorkflowStep, WorkflowTemplate
from motcua.procedures.tests.factories import FeeFactory, ProcedureVersionFactory, VariantFactory
from motcua.ratings.constants import Satisfaction
from motcua.ratings.models import Rating
from motcua.supervision.periods import Period

A = EventAction
S = DossierStatus
MARCH = Period.month(2026, 3)
NOW = vn(2026, 3, 31, 10)
OWNER_NAME = "Trần Thị Bí Mật"
OWNER_ID = "046190000123"


@dataclass
class SmallWorld:
    commune: Agency
    department: Agency
    steps: list[WorkflowStep]
    officer_x: User
    officer_y: User
    d: dict[str, Dossier]


def _event(dossier: Dossier, seq: int, action: EventAction, at: dt.datetime, **kw: Any) -> None:
    DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        at=at,
        action=action,
        to_status=kw.pop("to_status", S.PROCESSING),
        hash=f"{dossier.pk}-{seq}",
        **kw,
    )


def build() -> SmallWorld:
    province = ProvinceFactory()
    ward = AdminUnitFactory(name="Xã A", kind=AdminUnitKind.COMMUNE, parent=province)
    commune = CodedAgencyFactory(
        name="Ủy ban nhân dân xã A", kind=AgencyKind.PEOPLES_COMMITTEE, unit=ward
    )
    department = CodedAgencyFactory(name="Sở P", kind=AgencyKind.DEPARTMENT, unit=province)
    full = VariantFactory(version=ProcedureVersionFactory(online_mode=OnlineMode.FULL))
    partial = VariantFactory(version=ProcedureVersionFactory(online_mode=OnlineMode.PARTIAL))
    FeeFactory(variant=full, amount=20000)
    for variant in (full, partial):
        ProcedureOffering.objects.create(agency=commune, procedure=variant.version.procedure)
    ProcedureOffering.objects.create(agency=department, procedure=full.version.procedure)

    office = Department.objects.create(agency=commune, name="Văn phòng xã")
    template = WorkflowTemplate.objects.create(name="Quy trình xã")
    steps = [
        WorkflowStep.objects.create(
            template=template,
            order=i,
            name=name,
            role="specialist",
            budget_hours=Decimal(2),
            department=office if i == 1 else None,
        )
        for i, name in enumerate(["Tiếp nhận, phân công", "Thẩm định", "Ký duyệt"], start=1)
    ]
    x = StaffFactory(full_name="Cán bộ X")
    y = StaffFactory(full_name="Cán bộ Y")

    def dossier(variant: Any, **kw: Any) -> Dossier:
        kw.setdefault("received_by", commune)
        kw.setdefault("competent_agency", kw["received_by"])
        return DossierFactory(variant=variant, procedure_version=variant.version, **kw)

    d: dict[str, Dossier] = {}
    d["d1"] = dossier(
        full,
        channel=Channel.ONLINE,
        status=S.RETURNED,
        received_at=vn(2026, 3, 2, 8),
        due_at=vn(2026, 3, 9, 8),
        finished_at=vn(2026, 3, 5, 10),
        timeliness=Timeliness.EARLY,
    )
    d["d2"] = dossier(
        full,
        channel=Channel.COUNTER,
        status=S.RESOLVED,
        received_at=vn(2026, 3, 3, 8),
        due_at=vn(2026, 3, 10, 16),
        finished_at=vn(2026, 3, 10, 10),
        timeliness=Timeliness.ON_TIME,
    )
    d["d3"] = dossier(
        partial,
        channel=Channel.COUNTER,
        status=S.RETURNED,
        received_at=vn(2026, 3, 2, 8),
        original_due_at=vn(2026, 3, 9, 9),
        due_at=vn(2026, 3, 16, 9),
        finished_at=vn(2026, 3, 20, 9),
        timeliness=Timeliness.LATE,
    )
    d["d4"] = dossier(
        partial,
        channel=Channel.ONLINE,
        status=S.PROCESSING,
        received_at=vn(2026, 3, 25, 8),
        due_at=vn(2026, 3, 27, 9),
    )
    d["d5"] = dossier(
        full,
        channel=Channel.ONLINE,
        status=S.RETURNED,
        received_at=vn(2026, 2, 25, 8),
        due_at=vn(2026, 3, 4, 8),
        finished_at=vn(2026, 3, 2, 10),
        timeliness=Timeliness.EARLY,
    )
    d["d6"] = dossier(
        full,
        received_by=department,
        channel=Channel.ONLINE,
        status=S.RETURNED,
        received_at=vn(2026, 3, 2, 8),
        due_at=vn(2026, 3, 10, 16),
        finished_at=vn(2026, 3, 10, 10),
        timeliness=Timeliness.ON_TIME,
    )
    citizen = UserFactory(full_name=OWNER_NAME)
    for dossier_row in d.values():
        Party.objects.create(
            dossier=dossier_row,
            role="owner",
            kind=PartyKind.CITIZEN,
            user=citizen,
            full_name=OWNER_NAME,
            identity_number=OWNER_ID,
            phone="0905123456",
        )

    # Digitisation: d1 scanned + e-result shared to the store; d2 reused; d3 scanned + e-result.
    DossierDocumentFactory(dossier=d["d1"], digitised=True)
    result = DossierDocumentFactory(dossier=d["d1"], kind=DocumentKind.RESULT)
    StoredDocument.objects.create(
        owner=citizen,
        source=Source.ISSUED,
        kind="Giấy chứng nhận",
        name="Kết quả d1",
        file="datastore/x.pdf",
        original_name="x.pdf",
        size=1,
        media_type="application/pdf",
        sha256="0" * 64,
        dossier_document=result,
    )
    DossierDocumentFactory(dossier=d["d2"], reused=True)
    DossierDocumentFactory(dossier=d["d3"], digitised=True)
    DossierDocumentFactory(dossier=d["d3"], kind=DocumentKind.RESULT)
    DossierDocumentFactory(dossier=d["d4"])

    # Payments: d1 online paid, d2 paid at the counter, d3 online still pending.
    for i, (key, provider, status) in enumerate(
        [
            ("d1", "vnpay", PaymentStatus.PAID),
            ("d2", "counter", PaymentStatus.PAID),
            ("d3", "vnpay", PaymentStatus.PENDING),
        ]
    ):
        Payment.objects.create(
            reference=f"TT{i}",
            dossier=d[key],
            provider=provider,
            amount=20000,
            status=status,
            created_at=vn(2026, 3, 3, 8),
            paid_at=vn(2026, 3, 3, 9) if status == PaymentStatus.PAID else None,
        )

    # Ratings (the dossier's C3, C4, C6, C7 answers).
    for key, level, points, reason in [
        ("d1", Satisfaction.VERY_SATISFIED, (2, 2, 2, 2), ""),
        ("d2", Satisfaction.SATISFIED, (1, 1, 0, 0), ""),
        ("d3", Satisfaction.NOT_SATISFIED, (0, 0, 1, 0), "Chậm trả kết quả"),
    ]:
        c3, c4, c6, c7 = points
        Rating.objects.create(
            dossier=d[key],
            level=level,
            reason=reason,
            agency=commune,
            officer=x,
            c3_contacts=c3,
            c4_agencies=c4,
            c6_publication=c6,
            c7_attitude=c7,
            created_at=d[key].finished_at,
        )

    s1, s2, s3 = steps
    # d1 (officer X): both steps left early.
    _event(d["d1"], 1, A.RECEIVE, vn(2026, 3, 2, 8), actor=x, to_status=S.RECEIVED)
    _event(
        d["d1"],
        2,
        A.TRANSFER,
        vn(2026, 3, 2, 8, 30),
        actor=x,
        to_step=s1,
        step_due_at=vn(2026, 3, 3, 8),
        to_handler=x,
    )
    _event(
        d["d1"],
        3,
        A.FORWARD,
        vn(2026, 3, 2, 9),
        actor=x,
        from_step=s1,
        to_step=s2,
        step_due_at=vn(2026, 3, 4, 9),
        data={"step_timeliness": "early"},
    )
    _event(
        d["d1"],
        4,
        A.ISSUE_RESULT,
        vn(2026, 3, 3, 9),
        actor=x,
        from_step=s2,
        to_status=S.RESOLVED,
        data={"step_timeliness": "early"},
    )
    # d2 (officer Y): one early step, one on time → C2 = 1.
    _event(d["d2"], 1, A.RECEIVE, vn(2026, 3, 3, 8), actor=y, to_status=S.RECEIVED)
    _event(
        d["d2"],
        2,
        A.TRANSFER,
        vn(2026, 3, 3, 8, 30),
        actor=y,
        to_step=s1,
        step_due_at=vn(2026, 3, 4, 8),
        to_handler=y,
    )
    _event(
        d["d2"],
        3,
        A.FORWARD,
        vn(2026, 3, 3, 9),
        actor=y,
        from_step=s1,
        to_step=s2,
        step_due_at=vn(2026, 3, 10, 11),
        data={"step_timeliness": "early"},
    )
    _event(
        d["d2"],
        4,
        A.ISSUE_RESULT,
        vn(2026, 3, 10, 10),
        actor=y,
        from_step=s2,
        to_status=S.RESOLVED,
        data={"step_timeliness": "on_time"},
    )
    # d3 (officer X, then handler Y at S2): S1 left 6.0 working hours late, S2 early,
    # S3 left 93.5 working hours late (Wed 04/03 13:30 → Fri 20/03 09:00).
    _event(d["d3"], 1, A.RECEIVE, vn(2026, 3, 2, 8), actor=x, to_status=S.RECEIVED)
    _event(
        d["d3"],
        2,
        A.TRANSFER,
        vn(2026, 3, 2, 9),
        actor=x,
        to_step=s1,
        step_due_at=vn(2026, 3, 2, 11),
        to_handler=x,
    )
    _event(
        d["d3"],
        3,
        A.FORWARD,
        vn(2026, 3, 3, 9),
        actor=x,
        from_step=s1,
        to_step=s2,
        step_due_at=vn(2026, 3, 5, 9),
        to_handler=y,
        data={"step_timeliness": "late"},
    )
    _event(
        d["d3"],
        4,
        A.FORWARD,
        vn(2026, 3, 4, 9),
        actor=y,
        from_step=s2,
        to_step=s3,
        step_due_at=vn(2026, 3, 4, 13, 30),
        to_handler=x,
        data={"step_timeliness": "early"},
    )
    _event(
        d["d3"],
        5,
        A.APOLOGIZE,
        vn(2026, 3, 8, 8),
        actor=x,
        from_step=s3,
        to_step=s3,
        step_due_at=vn(2026, 3, 4, 13, 30),
    )
    _event(
        d["d3"],
        6,
        A.ISSUE_RESULT,
        vn(2026, 3, 20, 9),
        actor=x,
        from_step=s3,
        to_status=S.RESOLVED,
        data={"step_timeliness": "late"},
    )
    Extension.objects.create(
        dossier=d["d3"],
        requested_by=x,
        created_at=vn(2026, 3, 8, 8),
        reason="Chờ xác minh",
        old_due_at=vn(2026, 3, 9, 9),
        new_due_at=vn(2026, 3, 16, 9),
    )
    for dossier_row in d.values():
        dossier_row.refresh_from_db()
    return SmallWorld(commune, department, steps, x, y, d)


def demo_supervisor(agency: Agency, role: str = "supervisor") -> User:
    """A staff member overseeing ``agency``, marked demo so tests skip the second factor
    (run the test with ``override_settings(MOTCUA_DEMO=True)``)."""
    from motcua.organisations.tests.factories import MembershipFactory

    user = MembershipFactory(agency=agency, role=role).user
    User.objects.filter(pk=user.pk).update(is_demo=True)
    user.is_demo = True
    return user


class _Provider:
    def __init__(self, key: str) -> None:
        self.key = key


# Payment providers as if an online gateway were configured (the test settings have none).
ONLINE_PROVIDERS = [_Provider("counter"), _Provider("vnpay")]


def freeze_world(test: Any) -> None:
    """In ``test.setUp``: the clock at :data:`NOW` and an online payment provider offered."""
    from unittest import mock

    import time_machine

    for patcher in (
        time_machine.travel(NOW, tick=False),
        mock.patch("motcua.payments.registry.provider_list", return_value=ONLINE_PROVIDERS),
    ):
        patcher.start()
        test.addCleanup(patcher.stop)
