"""Validation of the organisation catalogue: what an administrator cannot save (gh-2 items 6–9)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from motcua.organisations.constants import AdminUnitKind, AgencyKind, UnitLevel
from motcua.organisations.models import AdminUnit, Agency, Counter, StaffMembership
from motcua.organisations.selectors import admin_unit_list
from motcua.organisations.tests.factories import (
    AdminUnitFactory,
    AgencyFactory,
    DepartmentFactory,
    MembershipFactory,
    ProvinceFactory,
)


class OrganisationModelTests(TestCase):
    def test_it_derives_the_level_from_the_kind(self):
        city = ProvinceFactory()
        ward = AdminUnit(
            name="Kim Long", kind=AdminUnitKind.WARD, parent=city, valid_from=dt.date(2025, 7, 1)
        )
        ward.full_clean()
        self.assertEqual(ward.level, UnitLevel.COMMUNE)

    def test_it_refuses_a_commune_without_parent_or_under_a_lower_unit(self):
        orphan = AdminUnit(
            name="Mồ côi", kind=AdminUnitKind.COMMUNE, valid_from=dt.date(2025, 7, 1)
        )
        with self.assertRaisesMessage(ValidationError, "phải có đơn vị cấp trên"):
            orphan.full_clean()
        ward = AdminUnitFactory(parent=ProvinceFactory())
        below = AdminUnit(
            name="Sai cấp",
            kind=AdminUnitKind.RURAL_DISTRICT,
            parent=ward,
            valid_from=dt.date(2025, 7, 1),
        )
        with self.assertRaisesMessage(ValidationError, "cấp cao hơn"):
            below.full_clean()

    def test_it_refuses_a_validity_that_ends_before_it_starts(self):
        unit = AdminUnit(
            name="Ngược",
            kind=AdminUnitKind.PROVINCE,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 6, 30),
        )
        with self.assertRaisesMessage(ValidationError, "Ngày hết hiệu lực phải sau"):
            unit.full_clean()

    def test_it_refuses_a_parent_not_valid_when_the_unit_starts(self):
        old_province = AdminUnitFactory(
            name="Thừa Thiên Huế",
            kind=AdminUnitKind.PROVINCE,
            valid_from=dt.date(1989, 6, 30),
            valid_to=dt.date(2024, 12, 31),
        )
        ward = AdminUnit(
            name="Mới", kind=AdminUnitKind.WARD, parent=old_province, valid_from=dt.date(2025, 7, 1)
        )
        with self.assertRaisesMessage(ValidationError, "không còn hiệu lực"):
            ward.full_clean()

    def test_it_answers_as_of_a_date(self):
        city = ProvinceFactory()
        AdminUnitFactory(
            name="Phú Vang",
            kind=AdminUnitKind.RURAL_DISTRICT,
            parent=city,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 6, 30),
        )
        AdminUnitFactory(name="Mỹ Thượng", parent=city)  # from 01/07/2025
        before = {u.name for u in admin_unit_list(on=dt.date(2025, 6, 30))}
        after = {u.name for u in admin_unit_list(on=dt.date(2025, 7, 1))}
        self.assertEqual(before, {"Huế", "Phú Vang"})
        self.assertEqual(after, {"Huế", "Mỹ Thượng"})

    def test_it_checks_agency_codes_against_the_configured_pattern(self):
        agency = AgencyFactory.build(unit=ProvinceFactory(), code="000.00.06.H57")
        agency.full_clean()
        agency.code = "H57-06"
        with self.assertRaisesMessage(ValidationError, "không đúng định dạng"):
            agency.full_clean()
        with override_settings(MOTCUA_AGENCY_CODE_PATTERN=r"^H\d{2}-\d{2}$"):
            agency.full_clean()  # another province's format is configuration, not code

    def test_it_refuses_a_membership_in_a_department_of_another_agency(self):
        membership = MembershipFactory.build(
            agency=AgencyFactory(), department=DepartmentFactory(), user=MembershipFactory().user
        )
        with self.assertRaisesMessage(ValidationError, "Phòng, ban phải thuộc cơ quan đã chọn."):
            membership.full_clean()
        self.assertEqual(StaffMembership.objects.count(), 1)

    def test_it_only_puts_counters_at_centers_and_desks(self):
        department = AgencyFactory(kind=AgencyKind.DEPARTMENT)
        counter = Counter(agency=department, number=1, name="Quầy 1")
        with self.assertRaisesMessage(ValidationError, "Chỉ trung tâm"):
            counter.full_clean()
        self.assertFalse(Agency.objects.filter(counters__isnull=False).exists())
