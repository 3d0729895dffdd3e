"""Shared set-up: a dossier whose result was returned, filed by a citizen with an account."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.dossiers.constants import EventAction as A
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import World
from motcua.organisations.constants import Role as R

PATH_TO_RETURNED = [
    (A.TRANSFER, R.RECEPTION_OFFICER),
    (A.FORWARD, R.DIVISION_HEAD),
    (A.FORWARD, R.SPECIALIST),
    (A.FORWARD, R.AGENCY_LEADER),
    (A.ISSUE_RESULT, R.CLERK),
    (A.RETURN_RESULT, R.RECEPTION_OFFICER),
]


def dossier_for(
    world: World, owner: User, *, submitter: User | None = None, until: A | None = None
) -> Dossier:
    """A dossier owned by ``owner`` taken through the engine up to ``until`` (default: returned)."""
    extra = {}
    if submitter is not None:
        extra["submitter"] = PartyData(full_name=submitter.full_name, user=submitter)
    dossier = world.receive(owner=PartyData(full_name=owner.full_name, user=owner), **extra)
    for action, role in PATH_TO_RETURNED:
        if action == until:
            break
        dossier_act(code=dossier.code, action=action, by=world.staff[role])
    dossier.refresh_from_db()
    return dossier
