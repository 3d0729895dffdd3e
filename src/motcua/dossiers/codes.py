"""Dossier codes and lookup keys (domain.md §11.2; conventions §6).

A dossier code is ``<receiving agency code>-<YYMMDD>-<NNNN>`` (NĐ 61 Art 26;
TT 01/2018 Art 19; TT 03/2025 Art 13): the sequence runs per receiving unit
per local day, resets daily, is never reused and has no gaps. The lookup key
is the random second factor printed on the receipt, so that codes, which are
easy to guess, reveal nothing on their own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError

from motcua.organisations.models import Agency

from .models import DossierCodeCounter

# Codes are dated in Vietnamese local time whatever the server's TIME_ZONE says.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# No 0/O and 1/I: the key is read aloud at the counter and typed from paper.
LOOKUP_KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LOOKUP_KEY_LENGTH = 8


def dossier_code_issue(*, agency: Agency, at: dt.datetime) -> str:
    """Issue the next dossier code of ``agency`` for the local day of ``at``.

    Must run inside the caller's transaction (the one that creates the
    dossier): the counter row stays locked until that transaction ends, so
    concurrent receptions queue on it and a rolled-back reception gives its
    number back — codes are unique and gapless. On PostgreSQL the row is locked
    with ``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction mode
    (conf/base.py) already serialises writers. Raises ``ValueError`` when the
    agency has no identifier code and ``TransactionManagementError`` outside a
    transaction.
    """
    if not agency.code:
        raise ValueError(
            f"Agency {agency.pk} ({agency.name}) has no identifier code (QCVN 102:2016); "
            "set Agency.code before it receives dossiers."
        )
    if at.tzinfo is None:
        raise ValueError("The reception instant must be timezone-aware.")
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "dossier_code_issue() must run inside the transaction that creates the dossier."
        )
    day = at.astimezone(VIETNAM).date()
    number = _counter_next(agency_id=agency.pk, day=day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _counter_next(*, agency_id: int, day: dt.date) -> int:
    """Increment and return the (agency, day) counter, creating it race-free."""
    counters = DossierCodeCounter.objects.select_for_update()
    counter = counters.filter(agency_id=agency_id, day=day).first()
    if counter is None:
        try:
            # Savepoint: a concurrent first reception of the day may insert the
            # same (agency, day) row; its INSERT blocks ours until it commits,
            # then ours fails on the unique constraint and we lock its row.
            with transaction.atomic():
                DossierCodeCounter.objects.create(agency_id=agency_id, day=day, last=1)
            return 1
        except IntegrityError:
            counter = counters.get(agency_id=agency_id, day=day)
    DossierCodeCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def lookup_key_new() -> str:
    """A random 8-character key from an unambiguous alphabet (about 40 bits)."""
    return "".join(secrets.choice(LOOKUP_KEY_ALPHABET) for _ in range(LOOKUP_KEY_LENGTH))
