"""Factories for the organisation catalogue and the shared personas of conventions §10."""

from __future__ import annotations

import datetime as dt

import factory

from motcua.accounts.tests.factories import StaffFactory
from motcua.organisations.constants import AdminUnitKind, AgencyKind, Role, UnitLevel
from motcua.organisations.models import AdminUnit, Agency, Department, StaffMembership

REORGANISATION = dt.date(2025, 7, 1)


class AdminUnitFactory(factory.django.DjangoModelFactory[AdminUnit]):
    class Meta:
        model = AdminUnit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = AdminUnitKind.WARD
    level = factory.LazyAttribute(lambda u: AdminUnitKind(u.kind).level)
    valid_from = REORGANISATION


class ProvinceFactory(AdminUnitFactory):
    name = "Huế"
    kind = AdminUnitKind.CENTRAL_CITY
    level = UnitLevel.PROVINCE
    valid_from = dt.date(2025, 1, 1)


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = AgencyKind.SERVICE_CENTER
    unit = factory.SubFactory(AdminUnitFactory)
    valid_from = REORGANISATION


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Phòng {n}")


class MembershipFactory(factory.django.DjangoModelFactory[StaffMembership]):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(StaffFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.RECEPTION_OFFICER
    valid_from = REORGANISATION
