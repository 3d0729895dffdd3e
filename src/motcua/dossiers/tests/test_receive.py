"""Receiving a dossier at the counter, by post and online (gh-4 items 5, 7; T1, T5, T6).

``make_world`` builds the shared personas used by the transition, deadline
and property tests too: a provincial service centre that receives *and*
decides a procedure (five working days, online three, a four-step workflow),
a second agency with the same roles (the "other agency"), and a department
for coordination.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

import time_machine

from motcua.accounts.models import User
from motcua.calendars.constants import DurationUnit
from motcua.calendars.workingtime import VN_TZ
from motcua.dossiers.constants import Channel, DossierStatus, EventAction, ReturnMode
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord
from motcua.dossiers.services import (
    IdempotencyConflict,
    PartyData,
    ReceivedComponent,
    dossier_receive,
)
from motcua.dossiers.tests.factories import CodedAgencyFactory
from motcua.organisations.constants import AgencyKind, Role
from motcua.organisations.models import Agency
from motcua.organisations.tests.factories import (
    AdminUnitFactory,
    MembershipFactory,
    ProvinceFactory,
)
from motcua.procedures.constants import StepAction
from motcua.procedures.models import ProcedureVariant, WorkflowStep, WorkflowTemplate
from motcua.procedures.tests.factories import (
    ComponentFactory,
    FeeFactory,
    OfferingFactory,
    ProcedureVersionFactory,
    VariantFactory,
)

OWNER = PartyData(full_name="Nguyễn Thị Hoa", identity_number="046190000123", phone="0905123456")


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock instant in Huế."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


ROLES = (
    Role.RECEPTION_OFFICER,
    Role.DIVISION_HEAD,
    Role.SPECIALIST,
    Role.AGENCY_LEADER,
    Role.CLERK,
)


@dataclass
class World:
    center: Agency
    other: Agency
    department: Agency
    code: str  # national procedure code
    variant: ProcedureVariant
    same_day: ProcedureVariant
    steps: list[WorkflowStep]
    staff: dict[Role, User]
    other_staff: dict[Role, User]

    def receive(self, **overrides: Any) -> Dossier:
        values: dict[str, Any] = {
            "by": self.staff[Role.RECEPTION_OFFICER],
            "agency": self.center,
            "procedure_code": self.code,
            "variant_code": self.variant.code,
            "channel": Channel.COUNTER,
            "owner": OWNER,
            "return_mode": ReturnMode.COUNTER,
        }
        values.update(overrides)
        return dossier_receive(**values)

    def submit_online(self, **overrides: Any) -> Dossier:
        return self.receive(by=None, channel=Channel.ONLINE, **overrides)


def make_world() -> World:
    """The shared personas; every agency gets a QCVN 102-style code."""
    province = ProvinceFactory()
    ward = AdminUnitFactory(name="Phường Thuận Hóa", parent=province)
    center = CodedAgencyFactory(name="Trung tâm Phục vụ hành chính công thành phố", unit=province)
    other = CodedAgencyFactory(name="Trung tâm PVHCC phường Thuận Hóa", unit=ward)
    department = CodedAgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=province)
    workflow = WorkflowTemplate.objects.create(name="Quy trình 4 bước")
    specs = [
        ("Phân công", Role.DIVISION_HEAD, "2", [StepAction.FORWARD]),
        (
            "Thẩm định",
            Role.SPECIALIST,
            "16",
            [
                StepAction.FORWARD,
                StepAction.SEND_BACK,
                StepAction.REQUEST_SUPPLEMENT,
                StepAction.REQUEST_COORDINATION,
            ],
        ),
        (
            "Phê duyệt, ký",
            Role.AGENCY_LEADER,
            "4",
            [
                StepAction.FORWARD,
                StepAction.SEND_BACK,
                StepAction.APPROVE,
                StepAction.SIGN,
                StepAction.REFUSE,
            ],
        ),
        ("Vào số, phát hành", Role.CLERK, "2", [StepAction.ISSUE, StepAction.SEND_BACK]),
    ]
    steps = [
        WorkflowStep.objects.create(
            template=workflow,
            order=i + 1,
            name=name,
            role=role,
            budget_hours=Decimal(hours),
            actions=[a.value for a in actions],
        )
        for i, (name, role, hours, actions) in enumerate(specs)
    ]
    version = ProcedureVersionFactory(name="Cấp bản sao trích lục hộ tịch")
    variant = VariantFactory(
        version=version,
        code="thong-thuong",
        order=1,
        duration=Decimal(5),
        duration_unit=DurationUnit.WORKING_DAYS,
        online_duration=Decimal(3),
        workflow=workflow,
    )
    same_day = VariantFactory(
        version=version,
        code="trong-ngay",
        order=2,
        duration=Decimal(0),
        duration_unit=DurationUnit.SAME_DAY,
        workflow=workflow,
    )
    FeeFactory(variant=variant, name="Lệ phí cấp bản sao", amount=8000)
    OfferingFactory(agency=center, procedure=version.procedure)
    OfferingFactory(agency=other, procedure=version.procedure)
    staff = {role: MembershipFactory(agency=center, role=role).user for role in ROLES}
    other_staff = {role: MembershipFactory(agency=other, role=role).user for role in ROLES}
    return World(
        center=center,
        other=other,
        department=department,
        code=version.procedure.national_code,
        variant=variant,
        same_day=same_day,
        steps=steps,
        staff=staff,
        other_staff=other_staff,
    )


class ReceiveTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()

    def test_it_receives_at_the_counter_with_code_due_fees_and_first_event(self) -> None:
        w = self.world
        # Mon 20/04/2026 09:00 + 5 working days: Mon 27/04 is the compensatory
        # Hùng Kings' holiday, so the dossier is due Tue 28/04/2026 09:00 (domain §6.2).
        with time_machine.travel(vn(2026, 4, 20, 9), tick=False):
            dossier = w.receive()
        self.assertEqual(dossier.code, f"{w.center.code}-260420-0001")
        self.assertEqual(len(dossier.lookup_key), 8)
        self.assertEqual(dossier.status, DossierStatus.RECEIVED)
        self.assertEqual(dossier.received_at, vn(2026, 4, 20, 9))
        self.assertEqual(dossier.due_at, vn(2026, 4, 28, 9))
        self.assertIsNone(dossier.original_due_at)
        self.assertEqual(dossier.received_by, w.center)
        self.assertEqual(dossier.competent_agency, w.center)
        self.assertEqual(dossier.variant, w.variant)
        self.assertEqual(
            [(f.name, f.amount) for f in dossier.fees.all()], [("Lệ phí cấp bản sao", 8000)]
        )
        owner = dossier.parties.get()
        self.assertEqual((owner.role, owner.full_name), ("owner", "Nguyễn Thị Hoa"))
        self.assertEqual(dossier.delivery.mode, ReturnMode.COUNTER)
        self.assertFalse(dossier.sync.synced)
        event = dossier.events.get()
        self.assertEqual(event.action, EventAction.RECEIVE)
        self.assertIsNone(event.from_status)
        self.assertEqual(event.to_status, DossierStatus.RECEIVED)
        self.assertEqual(event.actor, w.staff[Role.RECEPTION_OFFICER])
        self.assertEqual(event.actor_agency, w.center)
        self.assertEqual(event.due_at, vn(2026, 4, 28, 9))

    def test_it_numbers_the_day_sequence(self) -> None:
        w = self.world
        # Two receptions the same day get 0001 and 0002; the next day restarts at 0001.
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            first, second = w.receive(), w.receive()
        with time_machine.travel(vn(2026, 3, 11, 9), tick=False):
            third = w.receive()
        self.assertEqual(first.code, f"{w.center.code}-260310-0001")
        self.assertEqual(second.code, f"{w.center.code}-260310-0002")
        self.assertEqual(third.code, f"{w.center.code}-260311-0001")

    def test_it_moves_a_same_day_dossier_received_after_15_00_to_the_next_day(self) -> None:
        w = self.world
        # Thu 24/09/2026 15:20 is after the 15:00 cut-off (D4, NĐ 61 Art 18(2)):
        # returned at the end of the next working day, Fri 25/09/2026 17:00.
        with time_machine.travel(vn(2026, 9, 24, 15, 20), tick=False):
            late = w.receive(variant_code=w.same_day.code)
        # Same day at 14:50, before the cut-off: due the same day at 17:00.
        with time_machine.travel(vn(2026, 9, 24, 14, 50), tick=False):
            early = w.receive(variant_code=w.same_day.code)
        self.assertEqual(late.due_at, vn(2026, 9, 25, 17))
        self.assertEqual(early.due_at, vn(2026, 9, 24, 17))

    def test_it_submits_online_without_due_and_starts_the_clock_on_acceptance(self) -> None:
        from motcua.dossiers.services import dossier_act

        w = self.world
        # Submitted online on Sat 25/04/2026: not yet received, no due date (T1).
        with time_machine.travel(vn(2026, 4, 25, 10), tick=False):
            dossier = w.submit_online()
        self.assertEqual(dossier.status, DossierStatus.SUBMITTED)
        self.assertIsNone(dossier.due_at)
        self.assertIsNone(dossier.received_at)
        self.assertEqual(dossier.submitted_at, vn(2026, 4, 25, 10))
        self.assertEqual(dossier.events.get().action, EventAction.SUBMIT)
        # Accepted Tue 28/04/2026 09:00 (T2) with the online duration of 3 working
        # days: Wed 29/04 09:00 (1), then 30/04, 01/05 are holidays and 02–03/05 a
        # weekend: Mon 04/05 09:00 (2), Tue 05/05/2026 09:00 (3).
        with time_machine.travel(vn(2026, 4, 28, 9), tick=False):
            event = dossier_act(
                code=dossier.code, action=EventAction.ACCEPT, by=w.staff[Role.RECEPTION_OFFICER]
            )
        dossier.refresh_from_db()
        self.assertEqual(event.to_status, DossierStatus.RECEIVED)
        self.assertEqual(dossier.status, DossierStatus.RECEIVED)
        self.assertEqual(dossier.received_at, vn(2026, 4, 28, 9))
        self.assertEqual(dossier.due_at, vn(2026, 5, 5, 9))

    def test_it_returns_the_same_dossier_for_a_repeated_idempotency_key(self) -> None:
        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            first = w.submit_online(idempotency_key="k-1", client="portal")
            again = w.submit_online(idempotency_key="k-1", client="portal")
            other_client = w.submit_online(idempotency_key="k-1", client="dvcqg")
        self.assertEqual(again.pk, first.pk)
        self.assertNotEqual(other_client.pk, first.pk)
        self.assertEqual(Dossier.objects.count(), 2)
        self.assertEqual(DossierEvent.objects.filter(dossier=first).count(), 1)
        self.assertEqual(IdempotencyRecord.objects.count(), 2)

    def test_it_refuses_the_same_idempotency_key_with_another_payload(self) -> None:
        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            first = w.submit_online(idempotency_key="k-2", client="portal")
            with self.assertRaises(IdempotencyConflict) as caught:
                w.submit_online(
                    idempotency_key="k-2",
                    client="portal",
                    owner=PartyData(full_name="Trần Văn Nam"),
                )
        self.assertEqual(caught.exception.dossier_code, first.code)
        self.assertEqual(Dossier.objects.count(), 1)

    def test_it_refuses_a_received_at_in_the_future(self) -> None:
        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            with self.assertRaises(ValidationError) as caught:
                w.receive(received_at=vn(2026, 3, 10, 9, 1))
            # A dossier forwarded from another system keeps its past reception
            # instant: Mon 09/03/2026 16:00 + 5 working days = Mon 16/03/2026 16:00.
            forwarded = w.receive(received_at=vn(2026, 3, 9, 16))
        self.assertIn("received_at", caught.exception.message_dict)
        self.assertEqual(forwarded.code, f"{w.center.code}-260309-0001")
        self.assertEqual(forwarded.due_at, vn(2026, 3, 16, 16))
        self.assertEqual(Dossier.objects.count(), 1)

    def test_it_refuses_reception_outside_jurisdiction_or_role(self) -> None:
        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            # A reception officer of another agency cannot receive for the centre.
            with self.assertRaises(PermissionDenied):
                w.receive(by=w.other_staff[Role.RECEPTION_OFFICER])
            # A specialist of the centre is not a reception officer.
            with self.assertRaises(PermissionDenied):
                w.receive(by=w.staff[Role.SPECIALIST])
            # No actor at all at the counter.
            with self.assertRaises(PermissionDenied):
                w.receive(by=None)
        self.assertEqual(Dossier.objects.count(), 0)

    def test_it_refuses_an_agency_that_does_not_offer_the_procedure(self) -> None:
        w = self.world
        officer = MembershipFactory(agency=w.department, role=Role.RECEPTION_OFFICER).user
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            with self.assertRaises(ValidationError) as caught:
                w.receive(by=officer, agency=w.department)
            with self.assertRaises(ValidationError) as unknown:
                w.receive(procedure_code="0.000000")
        self.assertIn("agency_code", caught.exception.message_dict)
        self.assertIn("procedure_code", unknown.exception.message_dict)

    def test_it_receives_cross_boundary_for_the_agency_that_offers_it(self) -> None:
        w = self.world
        version = ProcedureVersionFactory(cross_boundary=True)
        VariantFactory(version=version, code="mot")
        OfferingFactory(agency=w.other, procedure=version.procedure)
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            dossier = w.receive(procedure_code=version.procedure.national_code, variant_code=None)
        # Received (and numbered) by the centre, decided by the ward's agency.
        self.assertEqual(dossier.received_by, w.center)
        self.assertEqual(dossier.competent_agency, w.other)
        self.assertTrue(dossier.code.startswith(w.center.code))

    def test_it_requires_an_address_for_postal_return(self) -> None:
        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            with self.assertRaises(ValidationError) as caught:
                w.receive(return_mode=ReturnMode.POSTAL)
            dossier = w.receive(
                channel=Channel.POSTAL,
                return_mode=ReturnMode.POSTAL,
                delivery_address="12 Lê Lợi, phường Thuận Hóa, Huế",
            )
        self.assertIn("delivery_address", caught.exception.message_dict)
        self.assertEqual(dossier.status, DossierStatus.RECEIVED)
        self.assertEqual(dossier.delivery.address, "12 Lê Lợi, phường Thuận Hóa, Huế")

    def test_it_keeps_the_counters_checklist_and_refuses_foreign_or_negative_components(
        self,
    ) -> None:
        w = self.world
        mine = ComponentFactory(variant=w.variant, name="Tờ khai")
        other_variant = ComponentFactory(name="Giấy của thủ tục khác")
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            for bad in (
                ReceivedComponent(component_id=other_variant.pk, copies=1),
                ReceivedComponent(component_id=mine.pk, copies=-1),
            ):
                with self.assertRaises(ValidationError) as caught:
                    w.receive(received_components=[bad])
                self.assertIn("received_components", caught.exception.message_dict)
            dossier = w.receive(
                received_components=[ReceivedComponent(component_id=mine.pk, originals=1)]
            )
        self.assertEqual(Dossier.objects.count(), 1, "a refused checklist writes nothing")
        self.assertEqual(
            dossier.events.get().data["components"],
            [{"id": mine.pk, "name": "Tờ khai", "originals": 1, "certified": 0, "copies": 0}],
        )

    def test_only_an_online_dossier_is_marked_as_assisted(self) -> None:
        w = self.world
        with (
            time_machine.travel(vn(2026, 3, 10, 9), tick=False),
            self.assertRaises(ValidationError) as caught,
        ):
            w.receive(assisted_at=w.center)
        self.assertIn("channel", caught.exception.message_dict)
        self.assertFalse(Dossier.objects.exists())

    def test_it_refuses_at_the_counter_with_a_register_entry(self) -> None:
        from motcua.dossiers.services import dossier_refuse_at_counter

        w = self.world
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            dossier = dossier_refuse_at_counter(
                by=w.staff[Role.RECEPTION_OFFICER],
                agency=w.center,
                procedure_code=w.code,
                variant_code=None,
                owner=OWNER,
                reason="Không thuộc thẩm quyền giải quyết",
            )
            with self.assertRaises(PermissionDenied):
                dossier_refuse_at_counter(
                    by=w.staff[Role.CLERK],
                    agency=w.center,
                    procedure_code=w.code,
                    variant_code=None,
                    owner=OWNER,
                    reason="Không thuộc thẩm quyền",
                )
        # T5c (NĐ 61 Art 17(1)(b)): numbered in the day's sequence, never received.
        self.assertEqual(dossier.code, f"{w.center.code}-260310-0001")
        self.assertEqual(dossier.status, DossierStatus.REFUSED)
        self.assertIsNone(dossier.received_at)
        self.assertIsNone(dossier.due_at)
        self.assertFalse(dossier.fees.exists())
        event = dossier.events.get()
        self.assertEqual((event.action, event.from_status), (EventAction.REFUSE, None))
        self.assertEqual(event.note, "Không thuộc thẩm quyền giải quyết")

    def test_it_validates_and_pins_the_eform(self) -> None:
        w = self.world
        definition = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Tờ khai",
            "type": "object",
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên", "maxLength": 20},
                "so_ban_sao": {"type": "integer", "title": "Số bản sao", "minimum": 1},
            },
            "required": ["ho_ten", "so_ban_sao"],
        }
        VariantFactory(version=w.variant.version, code="co-to-khai", order=4, eform=definition)
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            with self.assertRaises(ValidationError) as caught:
                w.receive(variant_code="co-to-khai", form_data={"ho_ten": "x" * 30})
            dossier = w.receive(
                variant_code="co-to-khai", form_data={"ho_ten": "Lê Văn An", "so_ban_sao": "2"}
            )
        # Every field in error is named, all at once.
        self.assertEqual(
            set(caught.exception.message_dict), {"form_data.ho_ten", "form_data.so_ban_sao"}
        )
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertEqual(dossier.form_data.definition, definition)
        self.assertEqual(dossier.form_data.data, {"ho_ten": "Lê Văn An", "so_ban_sao": 2})
