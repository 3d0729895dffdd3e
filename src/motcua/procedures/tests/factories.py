"""Factories for the procedure catalogue (conventions §10).

``ProcedureVersionFactory`` builds a *published* version valid from the
reorganisation day (01/07/2025), which is what the public catalogue shows;
pass ``status=VersionStatus.DRAFT, valid_from=None`` for a draft.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from motcua.calendars.constants import DurationUnit
from motcua.organisations.tests.factories import AgencyFactory
from motcua.procedures.constants import (
    Audience,
    FeeCollection,
    FeeKind,
    OnlineMode,
    VersionStatus,
)
from motcua.procedures.models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureField,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
)

PUBLISHED_FROM = dt.date(2025, 7, 1)


class ProcedureFieldFactory(factory.django.DjangoModelFactory[ProcedureField]):
    class Meta:
        model = ProcedureField
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-LV{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")


class ProcedureFactory(factory.django.DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure
        django_get_or_create = ("national_code",)
        skip_postgeneration_save = True

    national_code = factory.Sequence(lambda n: f"9.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory[ProcedureVersion]):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = VersionStatus.PUBLISHED
    valid_from = PUBLISHED_FROM
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(ProcedureFieldFactory)
    audience = Audience.CITIZEN
    levels = factory.LazyFunction(lambda: [3])
    competent_authority = "Ủy ban nhân dân cấp xã"
    legal_basis = "Luật Hộ tịch số 60/2014/QH13, Điều 16"
    result_type = "Giấy chứng nhận"
    online_mode = OnlineMode.FULL


class VariantFactory(factory.django.DjangoModelFactory[ProcedureVariant]):
    class Meta:
        model = ProcedureVariant

    version = factory.SubFactory(ProcedureVersionFactory)
    code = factory.Sequence(lambda n: f"truong-hop-{n}")
    name = factory.Sequence(lambda n: f"Trường hợp {n}")
    order = 1
    duration = Decimal(5)
    duration_unit = DurationUnit.WORKING_DAYS


class ComponentFactory(factory.django.DjangoModelFactory[ComponentSpec]):
    class Meta:
        model = ComponentSpec

    variant = factory.SubFactory(VariantFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    required = True
    originals = 1


class FeeFactory(factory.django.DjangoModelFactory[FeeRule]):
    class Meta:
        model = FeeRule

    variant = factory.SubFactory(VariantFactory)
    kind = FeeKind.LEVY
    name = "Lệ phí"
    amount = 8000
    collection = FeeCollection.UPFRONT


class OfferingFactory(factory.django.DjangoModelFactory[ProcedureOffering]):
    class Meta:
        model = ProcedureOffering

    agency = factory.SubFactory(AgencyFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    online_open = True
    is_active = True
