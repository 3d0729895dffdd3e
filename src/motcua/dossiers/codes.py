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

from django.db import transaction
from django.db.transaction import TransactionManagementError

from motcua.core.sequences import sequence_next
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
    number back — codes are unique and gapless. One statement (an upsert) takes
    the number; on PostgreSQL it locks the counter row, on SQLite the IMMEDIATE
    transaction mode (conf/base.py) already serialises writers. Every other
    reception at the same agency waits from here until the caller's commit, so
    callers issue the code last, just before committing (see
    ``services._receive_save``). Raises ``ValueError`` when the agency has no
    identifier code and ``TransactionManagementError`` outside a transaction.
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
    # One upsert takes the number and locks the (agency, day) row until the commit.
    number = sequence_next(model=DossierCodeCounter, keys={"agency": agency.pk, "day": day})
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def lookup_key_new() -> str:
    """A random 8-character key from an unambiguous alphabet (about 40 bits)."""
    return "".join(secrets.choice(LOOKUP_KEY_ALPHABET) for _ in range(LOOKUP_KEY_LENGTH))
