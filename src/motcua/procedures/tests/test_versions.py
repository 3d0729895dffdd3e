"""Versions by effective date: drafting, publishing, retiring, what publishing checks (gh-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.constants import DurationUnit
from motcua.organisations.constants import Role
from motcua.procedures.constants import (
    FeeCollection,
    FeeKind,
    OnlineMode,
    StepAction,
    VersionStatus,
)
from motcua.procedures.models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureField,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
    WorkflowTemplate,
)
from motcua.procedures.selectors import procedure_version_get_current
from motcua.procedures.services import (
    procedure_version_new_draft,
    procedure_version_publish,
    procedure_version_retire,
)
from motcua.procedures.validation import legal_hours, version_problems, workflow_problems


def make_draft(code: str = "2.000908", *, complete: bool = True) -> ProcedureVersion:
    field, _ = ProcedureField.objects.get_or_create(code="DEMO-HT", defaults={"name": "Hộ tịch"})
    procedure, _ = Procedure.objects.get_or_create(national_code=code)
    number = procedure.versions.count() + 1
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        name="Cấp bản sao từ sổ gốc",
        field=field,
        levels=[3] if complete else [],
    )
    if complete:
        variant = ProcedureVariant.objects.create(
            version=version,
            code="mac-dinh",
            name="Cấp bản sao từ sổ gốc",
            duration=None,
            duration_unit=DurationUnit.SAME_DAY,
        )
        ComponentSpec.objects.create(variant=variant, name="Tờ khai", originals=1)
        FeeRule.objects.create(
            variant=variant, kind=FeeKind.CHARGE, name="Không thu", collection=FeeCollection.NONE
        )
    return version


def make_workflow(budgets: list[str]) -> WorkflowTemplate:
    template = WorkflowTemplate.objects.create(name=f"Quy trình {len(budgets)} bước {budgets}")
    roles = [Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.AGENCY_LEADER, Role.CLERK]
    for order, hours in enumerate(budgets, start=1):
        WorkflowStep.objects.create(
            template=template,
            order=order,
            name=f"Bước {order}",
            role=roles[(order - 1) % len(roles)],
            budget_hours=Decimal(hours),
            actions=[StepAction.FORWARD],
        )
    return template


class ProcedureVersionTests(TestCase):
    def test_it_publishes_a_complete_draft_from_its_effective_date(self):
        version = make_draft()
        procedure_version_publish(version_id=version.pk, valid_from=dt.date(2026, 7, 1))
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.PUBLISHED)
        self.assertEqual(version.valid_from, dt.date(2026, 7, 1))
        self.assertIsNone(
            procedure_version_get_current(national_code="2.000908", on=dt.date(2026, 6, 30))
        )
        self.assertEqual(
            procedure_version_get_current(national_code="2.000908", on=dt.date(2026, 7, 1)),
            version,
        )

    def test_it_refuses_an_incomplete_draft_and_lists_every_problem_at_once(self):
        version = make_draft(complete=False)
        version.online_mode = OnlineMode.PARTIAL
        version.save()
        with self.assertRaises(ValidationError) as caught:
            procedure_version_publish(version_id=version.pk, valid_from=dt.date(2026, 7, 1))
        problems = caught.exception.messages
        self.assertIn("Chưa chọn cấp thực hiện.", problems)
        self.assertIn("Chưa có trường hợp thủ tục nào.", problems)
        self.assertTrue(any("NĐ 224/2026 Điều 14" in p for p in problems))
        version.refresh_from_db()
        self.assertEqual(version.status, VersionStatus.DRAFT)

    def test_it_names_the_missing_pieces_of_a_variant(self):
        version = make_draft()
        variant = version.variants.get()
        variant.duration_unit = DurationUnit.WORKING_DAYS  # but no duration
        variant.save()
        variant.components.all().delete()
        variant.fees.all().delete()
        problems = version_problems(version)
        prefix = "Trường hợp “Cấp bản sao từ sổ gốc”: "
        self.assertIn(prefix + "chưa có thời hạn giải quyết.", problems)
        self.assertIn(prefix + "chưa có thành phần hồ sơ.", problems)
        self.assertTrue(any("Không thu" in p for p in problems))

    def test_a_new_version_retires_the_old_one_the_day_before(self):
        first = make_draft()
        procedure_version_publish(version_id=first.pk, valid_from=dt.date(2025, 7, 1))
        second = procedure_version_new_draft(version_id=first.pk)
        self.assertEqual((second.number, second.status), (2, VersionStatus.DRAFT))
        procedure_version_publish(version_id=second.pk, valid_from=dt.date(2027, 3, 1))
        first.refresh_from_db()
        self.assertEqual(first.status, VersionStatus.RETIRED)
        self.assertEqual(first.valid_to, dt.date(2027, 2, 28))
        # A dossier filed on 28/02/2027 pins the first version; from 01/03 the second applies.
        on = procedure_version_get_current
        self.assertEqual(on(national_code="2.000908", on=dt.date(2027, 2, 28)), first)
        self.assertEqual(on(national_code="2.000908", on=dt.date(2027, 3, 1)), second)

    def test_a_new_draft_copies_variants_components_and_fees_without_touching_the_original(self):
        first = make_draft()
        procedure_version_publish(version_id=first.pk, valid_from=dt.date(2025, 7, 1))
        draft = procedure_version_new_draft(version_id=first.pk)
        copy = draft.variants.get()
        copy.components.update(name="Tờ khai (mẫu mới)")
        self.assertEqual(first.variants.get().components.get().name, "Tờ khai")
        self.assertEqual(copy.fees.count(), 1)
        with self.assertRaisesMessage(ValidationError, "đã có một bản nháp"):
            procedure_version_new_draft(version_id=first.pk)

    def test_it_refuses_an_effective_date_not_after_the_current_version(self):
        first = make_draft()
        procedure_version_publish(version_id=first.pk, valid_from=dt.date(2026, 7, 1))
        second = procedure_version_new_draft(version_id=first.pk)
        with self.assertRaisesMessage(ValidationError, "01/07/2026"):
            procedure_version_publish(version_id=second.pk, valid_from=dt.date(2026, 7, 1))
        with self.assertRaisesMessage(ValidationError, "bản nháp"):
            procedure_version_publish(version_id=first.pk, valid_from=dt.date(2027, 1, 1))

    def test_it_retires_an_abolished_procedure(self):
        version = make_draft()
        procedure_version_publish(version_id=version.pk, valid_from=dt.date(2025, 7, 1))
        procedure_version_retire(version_id=version.pk, valid_to=dt.date(2026, 12, 31))
        self.assertIsNone(
            procedure_version_get_current(national_code="2.000908", on=dt.date(2027, 1, 1))
        )


class WorkflowValidationTests(TestCase):
    def test_it_converts_legal_times_to_working_hours(self):
        cases = [
            (Decimal(5), DurationUnit.WORKING_DAYS, Decimal(40)),  # D1: 8 h per working day
            (Decimal(4), DurationUnit.WORKING_HOURS, Decimal(4)),
            (None, DurationUnit.SAME_DAY, Decimal(8)),  # one working day at most
            (Decimal(15), DurationUnit.CALENDAR_DAYS, Decimal(120)),
            (None, DurationUnit.NO_APPOINTMENT, None),  # no bound
        ]
        for duration, unit, expected in cases:
            with self.subTest(unit=unit):
                self.assertEqual(legal_hours(duration, unit), expected)

    def test_it_accepts_hanois_one_day_workflow_for_2_000908(self):
        # Hà Nội 2026: receive 2 h, appraise 3 h, sign 2 h, issue 1 h = one working day.
        template = make_workflow(["2", "3", "2", "1"])
        self.assertEqual(workflow_problems(template.steps.all(), legal=Decimal(8)), [])

    def test_it_refuses_budgets_beyond_the_legal_time(self):
        template = make_workflow(["2", "3", "2", "1.5"])
        problems = workflow_problems(template.steps.all(), legal=Decimal(8))
        self.assertEqual(
            problems,
            [
                "Tổng thời gian các bước là 8.5 giờ làm việc, vượt thời hạn giải quyết"
                " 8 giờ làm việc."
            ],
        )

    def test_it_refuses_steps_without_role_or_actions_and_gaps_in_numbering(self):
        template = make_workflow(["2", "2"])
        step = template.steps.get(order=2)
        step.role = ""
        step.actions = ["fly"]
        step.order = 3
        step.save()
        problems = workflow_problems(template.steps.all(), legal=None)
        self.assertIn("Các bước phải được đánh số liên tục từ 1.", problems)
        self.assertIn("Bước “Bước 2” chưa có vai trò thực hiện.", problems)
        self.assertIn("Bước “Bước 2” có thao tác không hợp lệ: fly.", problems)

    def test_it_refuses_a_step_a_dossier_could_never_leave(self):
        template = make_workflow(["2", "2", "2"])
        template.steps.filter(order=2).update(actions=[StepAction.APPROVE, StepAction.SIGN])
        problems = workflow_problems(template.steps.all(), legal=None)
        self.assertEqual(problems, ["Bước “Bước 2” chưa cho phép chuyển bước tiếp theo."])
        # The last step needs no forward: the dossier leaves it with its result.
        template.steps.filter(order=2).update(actions=[StepAction.FORWARD])
        template.steps.filter(order=3).update(actions=[StepAction.ISSUE])
        self.assertEqual(workflow_problems(template.steps.all(), legal=None), [])

    def test_publishing_checks_the_workflow_of_each_variant(self):
        version = make_draft()
        variant = version.variants.get()
        variant.workflow = make_workflow(["4", "4", "1"])
        variant.save()
        with self.assertRaisesMessage(ValidationError, "vượt thời hạn giải quyết 8 giờ"):
            procedure_version_publish(version_id=version.pk, valid_from=dt.date(2026, 7, 1))


class CatalogueAdminTests(TestCase):
    def setUp(self) -> None:
        admin = UserFactory(is_staff=True, is_superuser=True, is_demo=True)
        self.client.force_login(admin)

    def test_published_versions_are_read_only_in_the_admin(self):
        version = make_draft()
        url = f"/admin/procedures/procedureversion/{version.pk}/change/"
        with self.settings(MOTCUA_DEMO=True):
            self.assertContains(self.client.get(url), "Công bố")
            procedure_version_publish(version_id=version.pk, valid_from=dt.date(2026, 7, 1))
            page = self.client.get(url)
            self.assertContains(page, "Tạo bản nháp mới từ phiên bản này")
            self.assertNotContains(page, 'name="_save"')
            posted = self.client.post(url, {"name": "Đổi tên"})
            self.assertEqual(posted.status_code, 403)
        version.refresh_from_db()
        self.assertEqual(version.name, "Cấp bản sao từ sổ gốc")

    def test_an_administrator_publishes_from_the_admin_and_sees_what_is_missing(self):
        incomplete = make_draft("1.000656", complete=False)
        with self.settings(MOTCUA_DEMO=True):
            url = f"/admin/procedures/procedureversion/{incomplete.pk}/publish/"
            page = self.client.post(url, {"valid_from": "2026-07-01"})
            self.assertContains(page, "Chưa có trường hợp thủ tục nào.")
            complete = make_draft()
            url = f"/admin/procedures/procedureversion/{complete.pk}/publish/"
            done = self.client.post(url, {"valid_from": "2026-07-01"})
            self.assertEqual(done.status_code, 302)
        complete.refresh_from_db()
        self.assertEqual(complete.status, VersionStatus.PUBLISHED)


class WorkflowAdminTests(TestCase):
    def test_the_admin_refuses_steps_that_no_longer_fit_a_variant(self):
        version = make_draft()
        template = make_workflow(["2", "3", "2", "1"])  # 8 h: exactly one working day
        version.variants.update(workflow=template)
        admin = UserFactory(is_staff=True, is_superuser=True, is_demo=True)
        self.client.force_login(admin)
        steps = list(template.steps.order_by("order"))
        data = {
            "name": template.name,
            "description": "",
            "steps-TOTAL_FORMS": str(len(steps)),
            "steps-INITIAL_FORMS": str(len(steps)),
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
        }
        for i, step in enumerate(steps):
            data |= {
                f"steps-{i}-id": str(step.pk),
                f"steps-{i}-template": str(template.pk),
                f"steps-{i}-order": str(step.order),
                f"steps-{i}-name": step.name,
                f"steps-{i}-role": step.role,
                f"steps-{i}-budget_hours": str(step.budget_hours),
                f"steps-{i}-actions": step.actions,
                f"steps-{i}-notification": step.notification,
            }
        data["steps-1-budget_hours"] = "4"  # appraisal now 4 h: 9 h in all
        url = f"/admin/procedures/workflowtemplate/{template.pk}/change/"
        with self.settings(MOTCUA_DEMO=True):
            page = self.client.post(url, data)
        self.assertEqual(page.status_code, 200)  # the form comes back with the error
        self.assertContains(page, "vượt thời hạn giải quyết 8 giờ làm việc")
        self.assertEqual(template.steps.get(order=2).budget_hours, Decimal(3))
        data["steps-1-budget_hours"] = "3"
        with self.settings(MOTCUA_DEMO=True):
            self.assertEqual(self.client.post(url, data).status_code, 302)
