"""Shared personas for the payment tests: a citizen's dossier with fees and a fee collector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import DossierStatus, PartyKind, PartyRole
from motcua.dossiers.models import Dossier, DossierFee, Party
from motcua.dossiers.tests.factories import DossierFactory
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.constants import FeeCollection, FeeKind

# Tue 10/03/2026 10:00 in Huế: a working morning, after the 2025 reorganisation.
NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)

SETTINGS = {
    "MOTCUA_PAYMENT_PROVIDERS": ["counter", "vietqr", "vnpay"],
    "MOTCUA_PAYMENT_SIMULATOR": True,
    "MOTCUA_VNPAY_TMN_CODE": "HUE00001",
    "MOTCUA_VNPAY_HASH_SECRET": "bi-mat-thu-nghiem-0123456789",
    "MOTCUA_VNPAY_URL": "",
    "MOTCUA_VIETQR_BANK_BIN": "970405",
    "MOTCUA_VIETQR_ACCOUNT": "4000201000123",
    "MOTCUA_VIETQR_ACCOUNT_NAME": "TRUNG TAM PHUC VU HANH CHINH CONG TINH",
}


@dataclass
class World:
    citizen: User
    collector: User
    dossier: Dossier
    levy: DossierFee  # upfront lệ phí, 50.000 đ
    charge: DossierFee  # upfront phí, 20.000 đ
    on_return: DossierFee  # collected when the result is returned


def make_world() -> World:
    citizen = UserFactory()
    dossier = DossierFactory(status=DossierStatus.SUBMITTED)
    Party.objects.create(
        dossier=dossier,
        role=PartyRole.OWNER,
        kind=PartyKind.CITIZEN,
        user=citizen,
        full_name="Nguyễn Thị Hoa",
    )
    levy = DossierFee.objects.create(
        dossier=dossier,
        kind=FeeKind.LEVY,
        name="Lệ phí cấp giấy phép",
        amount=50_000,
        collection=FeeCollection.UPFRONT,
    )
    charge = DossierFee.objects.create(
        dossier=dossier,
        kind=FeeKind.CHARGE,
        name="Phí thẩm định",
        amount=20_000,
        collection=FeeCollection.UPFRONT,
    )
    on_return = DossierFee.objects.create(
        dossier=dossier,
        kind=FeeKind.CHARGE,
        name="Phí sao lục",
        amount=8_000,
        collection=FeeCollection.ON_RETURN,
    )
    collector = MembershipFactory(agency=dossier.received_by, role=Role.FEE_COLLECTOR).user
    return World(citizen, collector, dossier, levy, charge, on_return)
