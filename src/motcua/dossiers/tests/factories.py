"""Factories for dossiers (conventions §10).

``DossierFactory`` builds a bare dossier row *without* history events; tests
that need a valid history append events with ``history.event_append`` (as
the services do). Agencies get a QCVN 102:2016-style code so they can issue
dossier codes.
"""

from __future__ import annotations

import datetime as dt

import factory

from motcua.dossiers.codes import lookup_key_new
from motcua.dossiers.constants import Channel, DossierStatus
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.organisations.tests.factories import AgencyFactory
from motcua.procedures.tests.factories import VariantFactory

RECEIVED_AT = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)  # Tue 10/03/2026 09:00 in Huế


class CodedAgencyFactory(AgencyFactory):
    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{57 + n // 100:02d}")


class DossierFactory(factory.django.DjangoModelFactory[Dossier]):
    class Meta:
        model = Dossier

    code = factory.Sequence(lambda n: f"000.00.06.H57-260310-{n + 1:04d}")
    lookup_key = factory.LazyFunction(lookup_key_new)
    variant = factory.SubFactory(VariantFactory)
    procedure_version = factory.SelfAttribute("variant.version")
    channel = Channel.COUNTER
    received_by = factory.SubFactory(CodedAgencyFactory)
    competent_agency = factory.SelfAttribute("received_by")
    status = DossierStatus.RECEIVED
    received_at = RECEIVED_AT
    summary = factory.Sequence(lambda n: f"Hồ sơ thử nghiệm số {n}")


class DossierDocumentFactory(factory.django.DjangoModelFactory[DossierDocument]):
    class Meta:
        model = DossierDocument

    dossier = factory.SubFactory(DossierFactory)
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")
    file = factory.django.FileField(filename="giay-to.pdf", data=b"%PDF-1.7\n%%EOF\n")
    original_name = "giay-to.pdf"
    size = 15
    media_type = "application/pdf"
    sha256 = factory.LazyFunction(lambda: "0" * 64)
