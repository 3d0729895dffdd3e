"""Shared set-up: the dossier engine's personas and a citizen with e-mail, phone and account."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import EventAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.organisations.constants import Role

NOW = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00 in Huế, an ordinary working week
A = EventAction
R = Role


class NotificationTestCase(TestCase):
    world: World
    citizen: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.world.center.name_en = "City Public Administrative Service Centre"
        cls.world.center.address = "01 Lê Lai, phường Thuận Hóa, Huế"
        cls.world.center.save()
        cls.citizen = UserFactory(username="hoa", email="hoa.account@example.vn")

    def owner(self, **overrides: Any) -> PartyData:
        values: dict[str, Any] = {
            "full_name": "Nguyễn Thị Hoa",
            "identity_number": "046190000123",
            "phone": "0905 123 456",
            "email": "Hoa@Example.vn",
            "user": self.citizen,
        }
        values.update(overrides)
        return PartyData(**values)

    def receive(self, **overrides: Any) -> Dossier:
        """Receive at the counter, running the after-commit hooks (delivery) as a commit would."""
        overrides.setdefault("owner", self.owner())
        with self.captureOnCommitCallbacks(execute=True):
            return self.world.receive(**overrides)

    def act(self, dossier: Dossier, action: EventAction, role: Role, **fields: Any) -> DossierEvent:
        with self.captureOnCommitCallbacks(execute=True):
            return dossier_act(
                code=dossier.code, action=action, by=self.world.staff[role], **fields
            )

    def to_processing(self, dossier: Dossier) -> None:
        """Transfer, then the division head forwards to the specialist (step 2, "Thẩm định")."""
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        self.act(dossier, A.FORWARD, R.DIVISION_HEAD)
