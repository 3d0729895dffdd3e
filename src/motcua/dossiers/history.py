"""Append-only, hash-chained dossier history (conventions §5; gh-4 item 8).

Each ``DossierEvent`` carries ``hash = sha256(prev_hash + canonical JSON of its
fields)`` where ``prev_hash`` is the previous event's hash in the same dossier
("" for the first). Editing, deleting or reordering a row behind the
application's back breaks the chain; ``event_chain_problems`` and
``dossiers_with_broken_history`` find it (``manage.py verify_history`` and the
admin action call them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.inserts import insert_rows
from motcua.notifications.outbox import notifications_record_for_event
from motcua.organisations.models import Agency
from motcua.procedures.models import WorkflowStep

from .constants import DossierStatus, EventAction
from .models import Dossier, DossierEvent, Party

# Fields read back when verifying; everything the hash covers plus the hashes.
_CHAIN_FIELDS = (
    "id",
    "dossier_id",
    "seq",
    "at",
    "action",
    "actor_id",
    "actor_role",
    "actor_agency_id",
    "from_status",
    "to_status",
    "from_step_id",
    "to_step_id",
    "to_handler_id",
    "due_at",
    "step_due_at",
    "note",
    "data",
    "prev_hash",
    "hash",
)


def _instant(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _pk(value: Model | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value.pk)


def _canonical_json(value: Any) -> Any:
    """Integral floats become ints: jsonb prints 1e16 as 10000000000000000, read back as int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical_json(item) for item in value]
    return value


def event_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    """The chained hash of one event given its fields (ids, not objects).

    The canonical form is JSON with sorted keys, no whitespace, instants as
    ISO 8601 in UTC with microseconds and the note in NFC, so the same event
    hashes the same on SQLite and PostgreSQL (jsonb reorders keys).
    """
    status_from = fields["from_status"]
    canonical = {
        "dossier": fields["dossier_id"],
        "seq": fields["seq"],
        "at": _instant(fields["at"]),
        "action": str(fields["action"]),
        "actor": fields["actor_id"],
        "actor_role": str(fields["actor_role"] or ""),
        "actor_agency": fields["actor_agency_id"],
        "from_status": None if status_from is None else int(status_from),
        "to_status": int(fields["to_status"]),
        "from_step": fields["from_step_id"],
        "to_step": fields["to_step_id"],
        "to_handler": fields["to_handler_id"],
        "due_at": _instant(fields["due_at"]),
        "step_due_at": _instant(fields["step_due_at"]),
        "note": unicodedata.normalize("NFC", fields["note"] or ""),
        "data": _canonical_json(fields["data"] or {}),
    }
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def event_append(
    *,
    dossier: Dossier,
    action: EventAction,
    at: dt.datetime,
    actor: User | None,
    actor_role: str = "",
    actor_agency: Agency | None = None,
    from_status: DossierStatus | None,
    to_status: DossierStatus,
    from_step: WorkflowStep | None = None,
    to_step: WorkflowStep | None = None,
    to_handler: User | None = None,
    due_at: dt.datetime | None = None,
    step_due_at: dt.datetime | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    first: bool = False,
    parties: Sequence[Party] | None = None,
    insert_with: Sequence[Model] = (),
) -> DossierEvent:
    """Append the next event of ``dossier`` to its hash chain and return it.

    The caller must hold the dossier row lock (``select_for_update()`` in the
    transition service's transaction): the next ``seq`` and ``prev_hash`` are
    read from the last event, and two appenders without the lock would both
    chain to it (the unique (dossier, seq) constraint would then refuse one).
    ``data`` must be plain JSON (str, int, float, bool, None, list, dict);
    anything else (Decimal, datetime, NaN) raises ``TypeError``/``ValueError``.

    Reception knows more than the chain can tell it, and says so to save two
    reads on the hottest write path (gh-4 item 13): ``first`` when the dossier
    was inserted in this transaction (no event to chain to; were that wrong,
    the unique (dossier, seq) constraint refuses the insert), and ``parties``,
    the dossier's parties it has just saved, for the outbox. The number of
    outbox rows recorded is left on ``event.outbox_rows``. ``insert_with``: new
    rows of the dossier (its parties, delivery, fees…) inserted in the same
    round trip as the event (``core.inserts.insert_rows``), before it.
    """
    if at.tzinfo is None:
        raise ValueError("Event instants must be timezone-aware.")
    last = (
        None
        if first
        else DossierEvent.objects.filter(dossier_id=dossier.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, "")
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        at=at,
        action=action,
        actor=actor,
        actor_role=actor_role,
        actor_agency=actor_agency,
        from_status=from_status,
        to_status=to_status,
        from_step=from_step,
        to_step=to_step,
        to_handler=to_handler,
        due_at=due_at,
        step_due_at=step_due_at,
        note=unicodedata.normalize("NFC", note),
        # Round-trip through JSON now so the hash covers exactly what the
        # database will give back (tuples become lists; non-JSON types fail here).
        data=json.loads(json.dumps(data or {}, allow_nan=False)),
        prev_hash=prev_hash,
    )
    # Foreign keys are enforced by the database; checking them here would cost
    # one query each on the hottest write path (reception, bench goal gh-4 #13).
    # prev_hash is "" for the first event but the field lacks blank=True.
    event.full_clean(
        exclude=[
            "dossier",
            "actor",
            "actor_agency",
            "from_step",
            "to_step",
            "to_handler",
            "prev_hash",
            "hash",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    event.hash = event_hash(prev_hash=prev_hash, fields=_fields_of(event))
    if insert_with:
        insert_rows([*insert_with, event])
    else:
        event.save(force_insert=True)
    # Outbox (conventions §7): the citizen's notifications are recorded in the
    # event's transaction, so they commit or roll back with it; the services'
    # _after_commit sends them (gh-5 item 10).
    event.outbox_rows = len(notifications_record_for_event(event=event, parties=parties))
    return event


def _fields_of(event: DossierEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in _CHAIN_FIELDS if name not in {"id"}}


def _chain_problems(events: Iterable[dict[str, Any]], status: int | None) -> list[str]:
    """Problems of one dossier's chain; ``events`` ordered by seq, ``status`` its current one."""
    problems: list[str] = []
    previous: dict[str, Any] | None = None
    for event in events:
        seq = event["seq"]
        expected_seq = 1 if previous is None else previous["seq"] + 1
        expected_prev = "" if previous is None else previous["hash"]
        if seq != expected_seq:
            problems.append(
                _("Sự kiện số %(seq)d: thiếu sự kiện số %(expected)d (bị xóa hoặc đổi thứ tự).")
                % {"seq": seq, "expected": expected_seq}
            )
        elif event["prev_hash"] != expected_prev:
            problems.append(
                _("Sự kiện số %(seq)d: không nối với sự kiện trước (chuỗi băm bị đứt).")
                % {"seq": seq}
            )
        elif event_hash(prev_hash=event["prev_hash"], fields=event) != event["hash"]:
            problems.append(
                _("Sự kiện số %(seq)d: nội dung không khớp với giá trị băm (đã bị sửa).")
                % {"seq": seq}
            )
        previous = event
    if previous is None:
        problems.append(_("Hồ sơ không có sự kiện nào trong quá trình xử lý."))
    elif status is not None and previous["to_status"] != status:
        # Deleting the last events leaves a valid but shorter chain; the
        # dossier's own status still tells where the history must end.
        problems.append(
            _(
                "Trạng thái hồ sơ (%(status)s) khác trạng thái sau sự kiện cuối "
                "số %(seq)d (%(last)s): có thể đã mất các sự kiện cuối."
            )
            % {
                "status": DossierStatus(status).label,
                "seq": previous["seq"],
                "last": DossierStatus(previous["to_status"]).label,
            }
        )
    return problems


def event_chain_problems(*, dossier_id: int) -> list[str]:
    """Recompute one dossier's chain; an empty list means it is intact.

    Each problem names the event (seq) where the chain breaks: an edited
    field, a missing (deleted) event, a reordered one, or a chain that ends
    before the dossier's current status. Two queries.
    """
    status = Dossier.objects.filter(pk=dossier_id).values_list("status", flat=True).first()
    events = DossierEvent.objects.filter(dossier_id=dossier_id).order_by("seq")
    return _chain_problems(events.values(*_CHAIN_FIELDS), status)


def dossiers_with_broken_history(
    *, batch: int = 500, dossier_ids: Iterable[int] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(code, problems)`` for every dossier whose chain is broken.

    Walks the dossiers by id in batches of ``batch`` (keyset pagination) and
    streams each batch's events, so memory stays bounded by one batch however
    many dossiers there are. ``dossier_ids`` restricts the walk (admin action).
    """
    dossiers = Dossier.objects.order_by("pk")
    if dossier_ids is not None:
        dossiers = dossiers.filter(pk__in=list(dossier_ids))
    after = 0
    while True:
        rows = list(dossiers.filter(pk__gt=after).values_list("pk", "code", "status")[:batch])
        if not rows:
            return
        after = rows[-1][0]
        events_by_dossier: dict[int, list[dict[str, Any]]] = {pk: [] for pk, _c, _s in rows}
        events = (
            DossierEvent.objects.filter(dossier_id__in=events_by_dossier)
            .order_by("dossier_id", "seq")
            .values(*_CHAIN_FIELDS)
        )
        for event in events.iterator(chunk_size=2000):
            events_by_dossier[event["dossier_id"]].append(event)
        for pk, code, status in rows:
            problems = _chain_problems(events_by_dossier.pop(pk), status)
            if problems:
                yield code, problems
