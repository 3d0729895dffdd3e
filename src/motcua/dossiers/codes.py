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

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from motcua.core.sequences import NEXT, sequence_next, upsert_sql
from motcua.organisations.models import Agency

from .models import Dossier, DossierCodeCounter

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
    day = _checked_day(agency=agency, at=at, caller="dossier_code_issue")
    # One upsert takes the number and locks the (agency, day) row until the commit.
    number = sequence_next(model=DossierCodeCounter, keys={"agency": agency.pk, "day": day})
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def _checked_day(*, agency: Agency, at: dt.datetime, caller: str) -> dt.date:
    if not agency.code:
        raise ValueError(
            f"Agency {agency.pk} ({agency.name}) has no identifier code (QCVN 102:2016); "
            "set Agency.code before it receives dossiers."
        )
    if at.tzinfo is None:
        raise ValueError("The reception instant must be timezone-aware.")
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            f"{caller}() must run inside the transaction that creates the dossier."
        )
    return at.astimezone(VIETNAM).date()


_DOSSIER = Dossier._meta.db_table
_SET_CODE = f'UPDATE "{_DOSSIER}" SET "code" = %s WHERE "id" = %s'  # noqa: S608


def dossier_code_assign(*, dossier: Dossier, agency: Agency, at: dt.datetime) -> str:
    """Issue the next code (as :func:`dossier_code_issue`) and write it to the saved ``dossier``.

    The counter row is locked from here to the commit, so this is the last
    write of a reception. On PostgreSQL the number is taken and the code
    written by one statement: the lock is then held over one round trip less,
    and above all over one wait less for the server process's interpreter lock,
    which under load is what a queue of receptions at one agency waits on
    (gh-4 item 13). Elsewhere the two statements of :func:`dossier_code_issue`
    and an update. Fixed SQL either way: nothing to compile.
    """
    if connection.vendor != "postgresql":
        code = dossier_code_issue(agency=agency, at=at)
        with connection.cursor() as cursor:
            cursor.execute(_SET_CODE, [code, dossier.pk])
    else:
        day = _checked_day(agency=agency, at=at, caller="dossier_code_assign")
        # The counter's own upsert (core.sequences) as a CTE; the number is zero-padded
        # to four digits and written in full beyond 9999, as f"{n:04d}" does.
        take, params = upsert_sql(
            DossierCodeCounter, {"agency": agency.pk, "day": day}, "last", 1, NEXT
        )
        sql = (
            f'WITH n AS ({take}) UPDATE "{_DOSSIER}" SET "code" = %s'  # noqa: S608
            " || lpad(n.last::text, greatest(4, length(n.last::text)), '0')"
            f' FROM n WHERE "{_DOSSIER}"."id" = %s RETURNING "{_DOSSIER}"."code"'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, f"{agency.code}-{day:%y%m%d}-", dossier.pk])
            row = cursor.fetchone()
        assert row is not None, "the dossier must be saved before its code is assigned"
        code = str(row[0])
    dossier.code = code
    return code


def lookup_key_new() -> str:
    """A random 8-character key from an unambiguous alphabet (about 40 bits)."""
    return "".join(secrets.choice(LOOKUP_KEY_ALPHABET) for _ in range(LOOKUP_KEY_LENGTH))
