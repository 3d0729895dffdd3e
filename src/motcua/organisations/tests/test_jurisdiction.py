"""Who may see and act on which agencies' dossiers (gh-2 item 10)."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

import time_machine

from motcua.organisations.constants import AdminUnitKind, AgencyKind, Role
from motcua.organisations.jurisdiction import (
    ACTING_ROLES,
    SUBTREE_ROLES,
    agency_list_visible,
    jurisdiction_for,
)
from motcua.organisations.tests.factories import (
    AdminUnitFactory,
    AgencyFactory,
    MembershipFactory,
    ProvinceFactory,
)


@time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False)
class JurisdictionTests(TestCase):
    """Two levels (city, wards) and two sibling wards, every role at each level."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.city = ProvinceFactory()
        cls.ward_a = AdminUnitFactory(name="Kim Long", parent=cls.city)
        cls.ward_b = AdminUnitFactory(name="Phú Bài", parent=cls.city)
        cls.city_center = AgencyFactory(name="Trung tâm PVHCC thành phố", unit=cls.city)
        cls.department = AgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=cls.city)
        cls.center_a = AgencyFactory(name="Trung tâm PVHCC phường Kim Long", unit=cls.ward_a)
        cls.center_b = AgencyFactory(name="Trung tâm PVHCC phường Phú Bài", unit=cls.ward_b)
        cls.all_agencies = [cls.city_center, cls.department, cls.center_a, cls.center_b]

    def expect(self, agency, *, sees, acts):
        return {"agency": agency, "sees": set(sees), "acts": set(acts)}

    def test_it_scopes_every_role_at_commune_level_to_its_own_ward(self):
        for role in Role:
            with self.subTest(role=role):
                membership = MembershipFactory(agency=self.center_a, role=role)
                j = jurisdiction_for(user=membership.user)
                # A ward's subtree is the ward itself: its sibling stays hidden
                # whatever the role, and the city's agencies too.
                self.assertEqual(j.visible, {self.center_a.pk})
                expected_acts = {self.center_a.pk} if role in ACTING_ROLES else set()
                self.assertEqual(j.actionable, expected_acts)
                self.assertFalse(j.can_see(self.center_b.pk))
                self.assertFalse(j.can_act(self.center_b.pk))
                self.assertFalse(j.can_act(self.city_center.pk))

    def test_it_lets_city_supervisors_and_leaders_see_the_whole_subtree_read_only(self):
        for role in Role:
            with self.subTest(role=role):
                membership = MembershipFactory(agency=self.city_center, role=role)
                j = jurisdiction_for(user=membership.user)
                if role in SUBTREE_ROLES:
                    self.assertEqual(j.visible, {a.pk for a in self.all_agencies})
                else:
                    self.assertEqual(j.visible, {self.city_center.pk})
                # Nobody at the city acts in a ward's agency: acting stays
                # within one's own agency.
                self.assertFalse(j.can_act(self.center_a.pk))
                self.assertFalse(j.can_act(self.center_b.pk))
                self.assertEqual(j.can_act(self.city_center.pk), role in ACTING_ROLES)

    def test_it_lets_a_department_specialist_act_only_in_the_department(self):
        membership = MembershipFactory(agency=self.department, role=Role.SPECIALIST)
        j = jurisdiction_for(user=membership.user)
        self.assertEqual(j.actionable, {self.department.pk})
        self.assertEqual(j.visible, {self.department.pk})

    def test_it_combines_several_memberships(self):
        first = MembershipFactory(agency=self.center_a, role=Role.SPECIALIST)
        MembershipFactory(user=first.user, agency=self.city_center, role=Role.SUPERVISOR)
        j = jurisdiction_for(user=first.user)
        self.assertEqual(j.actionable, {self.center_a.pk})
        self.assertEqual(j.visible, {a.pk for a in self.all_agencies})

    def test_it_ignores_memberships_outside_their_validity_dates(self):
        ended = MembershipFactory(
            agency=self.center_a,
            role=Role.RECEPTION_OFFICER,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2026, 11, 25),  # secondment ended yesterday
        )
        self.assertEqual(jurisdiction_for(user=ended.user).visible, set())
        future = MembershipFactory(
            agency=self.center_b, role=Role.RECEPTION_OFFICER, valid_from=dt.date(2026, 12, 1)
        )
        self.assertEqual(jurisdiction_for(user=future.user).actionable, set())
        # ...but the same membership counts on a date inside its period.
        self.assertEqual(
            jurisdiction_for(user=ended.user, on=dt.date(2026, 1, 5)).actionable,
            {self.center_a.pk},
        )

    def test_it_uses_todays_structure_for_the_subtree(self):
        # A district abolished on 01/07/2025 and a ward that belonged to it:
        # an old district-level supervisor oversees nothing below any more.
        district = AdminUnitFactory(
            name="Phú Vang",
            kind=AdminUnitKind.RURAL_DISTRICT,
            parent=self.city,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 6, 30),
        )
        old_commune = AdminUnitFactory(
            name="Phú An",
            kind=AdminUnitKind.COMMUNE,
            parent=district,
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2025, 6, 30),
        )
        old_office = AgencyFactory(
            unit=old_commune, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30)
        )
        city_office = AgencyFactory(unit=self.city, valid_from=dt.date(2025, 1, 1))
        city_supervisor = MembershipFactory(
            agency=city_office, role=Role.SUPERVISOR, valid_from=dt.date(2025, 1, 1)
        )
        # Today the old office is not part of the city's structure...
        self.assertFalse(jurisdiction_for(user=city_supervisor.user).can_see(old_office.pk))
        # ...on a date before the reorganisation it was.
        self.assertTrue(
            jurisdiction_for(user=city_supervisor.user, on=dt.date(2025, 3, 3)).can_see(
                old_office.pk
            )
        )

    def test_it_grants_nothing_to_citizens_or_inactive_staff(self):
        membership = MembershipFactory(agency=self.center_a, role=Role.SPECIALIST)
        membership.user.is_active = False
        membership.user.save()
        self.assertEqual(jurisdiction_for(user=membership.user).visible, set())

    def test_it_lists_visible_agencies_in_fixed_queries(self):
        membership = MembershipFactory(agency=self.city_center, role=Role.SUPERVISOR)
        # memberships, 3 unit levels (2 + the empty one), the agencies, the list
        with self.assertNumQueries(5, msg="jurisdiction must not grow with the number of units"):
            agencies = list(agency_list_visible(user=membership.user))
        self.assertEqual(len(agencies), 4)
