import datetime as dt
import shutil
import tempfile
import unicodedata
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from allauth.account.models import EmailAddress

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.calendars.models import WorkSchedule
from motcua.demo import hue
from motcua.demo.loader import load_hue_demo
from motcua.organisations.constants import AdminUnitKind, AgencyKind, Role, UnitLevel
from motcua.organisations.models import (
    AdminUnit,
    Agency,
    Counter,
    Department,
    StaffMembership,
    valid_on_q,
)
from motcua.organisations.services import admin_unit_upsert
from motcua.procedures.models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureField,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
    WorkflowTemplate,
)

MEDIA = tempfile.mkdtemp(prefix="motcua-demo-")  # the catalogue's blank forms go here


@override_settings(MEDIA_ROOT=MEDIA)
class LoadDemoTests(TestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.summary = load_hue_demo()
        cls.city = AdminUnit.objects.get(kind=AdminUnitKind.CENTRAL_CITY, name="Huế")
        cls.province = AdminUnit.objects.get(kind=AdminUnitKind.PROVINCE, name="Thừa Thiên Huế")

    def units_on(self, day, level):
        return AdminUnit.objects.filter(valid_on_q(day), level=level)

    def test_it_loads_the_40_commune_level_units_of_thanh_pho_hue(self):
        communes = self.units_on(dt.date(2026, 1, 1), UnitLevel.COMMUNE)
        self.assertEqual(communes.filter(parent=self.city).count(), 40)
        self.assertEqual(communes.count(), 40)  # no pre-2025 commune survives the reform
        self.assertEqual(communes.filter(kind=AdminUnitKind.WARD).count(), 21)
        self.assertEqual(communes.filter(kind=AdminUnitKind.COMMUNE).count(), 19)
        self.assertTrue(communes.filter(name="Chân Mây – Lăng Cô").exists())

    def test_it_loads_the_district_level_units_of_each_period(self):
        self.assertEqual(self.units_on(dt.date(2025, 3, 1), UnitLevel.DISTRICT).count(), 9)
        # The district level was abolished on 01/07/2025.
        self.assertEqual(self.units_on(dt.date(2025, 7, 1), UnitLevel.DISTRICT).count(), 0)
        before = self.units_on(dt.date(2024, 6, 1), UnitLevel.DISTRICT)
        self.assertEqual(before.filter(parent=self.province).count(), 9)
        self.assertEqual(before.count(), 9)

    def test_it_makes_the_city_succeed_the_province(self):
        self.assertEqual(list(self.city.predecessors.all()), [self.province])
        self.assertEqual(self.province.valid_to, dt.date(2024, 12, 31))
        self.assertEqual((self.city.code, self.province.code), ("46", "46"))
        phu_loc = AdminUnit.objects.get(name="Phú Lộc", level=UnitLevel.DISTRICT, parent=self.city)
        self.assertEqual(
            sorted(phu_loc.predecessors.values_list("name", flat=True)), ["Nam Đông", "Phú Lộc"]
        )

    def test_it_links_new_wards_to_their_predecessors(self):
        def predecessors(name):
            unit = AdminUnit.objects.get(name=name, parent=self.city, level=UnitLevel.COMMUNE)
            return set(unit.predecessors.values_list("name", flat=True))

        self.assertEqual(
            predecessors("Thuận Hóa"),
            {"Phú Hội", "Phú Nhuận", "Vĩnh Ninh", "Phường Đúc", "Phước Vĩnh", "Trường An"},
        )
        self.assertEqual(predecessors("Phú Bài"), {"Phú Bài", "Thủy Phù", "Dương Hòa", "Phú Sơn"})
        self.assertEqual(predecessors("A Lưới 5"), {"Hồng Hạ", "Hương Nguyên"})
        # "—" in domain.md: predecessors must come from QĐ 614, never be guessed.
        self.assertEqual(predecessors("Đan Điền"), set())

    def test_it_marks_inferred_old_communes_and_their_kinds(self):
        phu_bai = AdminUnit.objects.get(name="Phú Bài", parent=self.city, level=UnitLevel.COMMUNE)
        old = {u.name: u for u in phu_bai.predecessors.select_related("parent")}
        self.assertEqual(old["Phú Bài"].kind, AdminUnitKind.WARD)
        self.assertEqual(old["Thủy Phù"].kind, AdminUnitKind.COMMUNE)
        self.assertEqual(old["Thủy Phù"].parent.name, "Hương Thủy")
        self.assertEqual(old["Thủy Phù"].valid_to, dt.date(2025, 6, 30))
        self.assertIn("chưa xác minh", old["Thủy Phù"].source)
        lang_co = AdminUnit.objects.get(name="Lăng Cô")
        self.assertEqual(lang_co.kind, AdminUnitKind.TOWNSHIP)

    def test_it_loads_a_centre_and_a_committee_for_every_commune(self):
        centres = Agency.objects.filter(kind=AgencyKind.SERVICE_CENTER, unit__parent=self.city)
        self.assertEqual(centres.count(), 40)
        kim_long = centres.select_related("parent").get(
            name="Trung tâm Phục vụ hành chính công phường Kim Long"
        )
        self.assertEqual(kim_long.parent.name, "Ủy ban nhân dân phường Kim Long")
        self.assertEqual(kim_long.parent.parent.code, "000.00.00.H57")

    def test_it_loads_the_city_centre_under_the_office_of_the_peoples_committee(self):
        centre = Agency.objects.select_related("parent__parent").get(code="000.00.06.H57")
        self.assertEqual(centre.kind, AgencyKind.SERVICE_CENTER)
        self.assertEqual(centre.parent.kind, AgencyKind.DEPARTMENT)
        self.assertEqual(centre.parent.parent.kind, AgencyKind.PEOPLES_COMMITTEE)
        point = centre.children.get(kind=AgencyKind.RECEPTION_POINT)
        self.assertIn((5, dt.time(7), dt.time(11, 30)), point.schedule.periods.values_list(
            "weekday", "start", "end"
        ))  # fmt: skip
        self.assertGreaterEqual(centre.counters.count(), 6)
        self.assertTrue(all(c.operator_id for c in centre.counters.all()))

    def test_it_loads_departments_with_their_divisions(self):
        departments = Agency.objects.filter(
            kind=AgencyKind.DEPARTMENT, name__startswith="Sở ", unit=self.city
        )
        self.assertGreaterEqual(departments.count(), 6)
        self.assertTrue(all(d.name_en for d in departments))
        self.assertTrue(
            Department.objects.filter(
                agency__name="Sở Tư pháp thành phố Huế", name="Phòng Hành chính tư pháp"
            ).exists()
        )

    def test_it_gives_every_agency_code_the_configured_format(self):
        codes = list(Agency.objects.exclude(code="").values_list("code", flat=True))
        self.assertEqual(len(codes), len(set(codes)))
        for agency in Agency.objects.exclude(code=""):
            agency.full_clean()  # runs validate_agency_code

    def test_it_staffs_the_city_centre_in_every_role(self):
        roles = set(
            StaffMembership.objects.filter(agency__code="000.00.06.H57").values_list(
                "role", flat=True
            )
        )
        self.assertEqual(roles, set(Role.values))
        admin = User.objects.get(username="tinh.quantri")
        self.assertTrue(admin.is_staff and admin.is_superuser)
        officer = User.objects.get(username="tinh.motcua")
        self.assertFalse(officer.is_staff)
        self.assertEqual(officer.kind, UserKind.STAFF)

    def test_it_lets_every_demo_account_sign_in_by_email(self):
        users = User.objects.filter(is_demo=True)
        self.assertEqual(users.count(), len(hue.STAFF) + len(hue.APPLICANTS))
        for user in users:
            self.assertTrue(user.check_password("motcua-demo"), user.username)
            self.assertTrue(user.full_name)
            self.assertTrue(
                EmailAddress.objects.filter(
                    user=user, email=f"{user.username}@demo.motcua.vn", verified=True, primary=True
                ).exists()
            )
        self.assertTrue(self.client.login(username="congdan1", password="motcua-demo"))

    def test_it_loads_citizens_with_valid_identity_numbers(self):
        citizens = User.objects.filter(kind=UserKind.CITIZEN, is_demo=True)
        self.assertEqual(citizens.count(), 3)
        for citizen in citizens:
            citizen.full_clean()  # validate_cccd
            self.assertTrue(citizen.identity_number.startswith("046"))
            self.assertTrue(citizen.address_unit.is_valid_on(dt.date(2026, 1, 1)))
        business = User.objects.get(kind=UserKind.BUSINESS, is_demo=True)
        self.assertEqual(
            (business.tax_code, business.full_name), ("3301234567", "Công ty TNHH Sông Hương Xanh")
        )

    def test_it_loads_one_default_schedule_of_eight_hours_a_day(self):
        schedule = WorkSchedule.objects.get(is_default=True)
        self.assertEqual(schedule.name, "Giờ hành chính")
        self.assertEqual(schedule.same_day_cutoff, dt.time(15))
        self.assertEqual(schedule.periods.count(), 10)  # Mon–Fri, morning and afternoon

    def test_it_creates_no_duplicates_when_loaded_twice(self):
        models = [
            AdminUnit,
            AdminUnit.predecessors.through,
            Agency,
            Department,
            Counter,
            Counter.fields.through,
            ProcedureField,
            WorkflowTemplate,
            WorkflowStep,
            Procedure,
            Procedure.linked.through,
            ProcedureVersion,
            ProcedureVariant,
            ComponentSpec,
            FeeRule,
            ProcedureOffering,
            WorkSchedule,
            User,
            EmailAddress,
            StaffMembership,
        ]
        before = [m.objects.count() for m in models]
        with CaptureQueriesContext(connection) as queries:
            again = load_hue_demo()
        self.assertEqual([m.objects.count() for m in models], before)
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        self.assertEqual(writes, [], "a second load must change nothing")
        self.assertEqual(again, self.summary)

    def test_it_loads_the_catalogue_and_its_fields_for_the_counters(self):
        self.assertEqual(self.summary.procedures, 48)
        self.assertEqual(Procedure.objects.count(), 48)
        counted = {code for row in hue.CITY_CENTRE_COUNTERS for code in row.fields}
        counted |= {code for row in hue.COMMUNE_CENTRE_COUNTERS for code in row.fields}
        self.assertEqual(
            set(ProcedureField.objects.filter(code__in=counted).values_list("code", flat=True)),
            counted,
            "every counter field comes from the catalogue",
        )
        kim_long = Agency.objects.get(name="Trung tâm Phục vụ hành chính công phường Kim Long")
        business = kim_long.counters.get(number=3)
        self.assertIn(hue.HOUSEHOLD_BUSINESSES, business.fields.values_list("code", flat=True))
        offering = ProcedureOffering.objects.get(
            agency=kim_long, procedure__national_code="1.001612"
        )
        self.assertEqual(offering.counter_field.code, hue.HOUSEHOLD_BUSINESSES)
        self.assertEqual(self.summary.offerings, ProcedureOffering.objects.count())

    def test_it_prints_the_demo_logins(self):
        out = StringIO()
        call_command("load_demo", port=8123, stdout=out)
        text = out.getvalue()
        self.assertIn("motcua đang chạy tại http://127.0.0.1:8123/", text)
        self.assertIn("http://127.0.0.1:8123/admin/", text)
        for login in self.summary.logins:
            self.assertIn(f"{login.username} / motcua-demo", text)
        self.assertEqual(len(self.summary.logins), len(hue.STAFF) + len(hue.APPLICANTS))

    # The two below test organisations.services rules the demo data relies on;
    # they belong in organisations/tests/test_services.py once that file exists.
    def test_it_refuses_a_predecessor_that_has_not_ended(self):
        kim_long = AdminUnit.objects.get(name="Kim Long", parent=self.city)
        with self.assertRaises(ValidationError):
            admin_unit_upsert(
                kind=AdminUnitKind.WARD,
                name="Kim Long Mới",
                parent=self.city,
                valid_from=dt.date(2026, 1, 1),
                predecessors=[kim_long],  # still valid: a successor cannot start yet
            )

    def test_it_finds_the_same_unit_whatever_the_unicode_form(self):
        existing = AdminUnit.objects.get(name="Phú Bài", parent=self.city)
        unit = admin_unit_upsert(
            kind=AdminUnitKind.WARD,
            name=unicodedata.normalize("NFD", "Phú Bài"),  # as some keyboards type it
            parent=self.city,
            valid_from=dt.date(2025, 7, 1),
            source=existing.source,
        )
        self.assertEqual(unit.pk, existing.pk)


class DemoSearchIndexTests(TestCase):
    def test_it_fills_an_empty_search_index_on_reload(self):
        from motcua.procedures.search import ProcedureSearchEntry, procedure_search

        load_hue_demo()
        ProcedureSearchEntry.objects.all().delete()  # a database from before the index
        load_hue_demo()
        page = procedure_search(query="dang ky khai sinh")
        self.assertIn("1.001193", [v.procedure.national_code for v in page.results])
