"""Recording notifications in the event's transaction (the outbox, conventions §7).

:func:`notifications_record_for_event` is called by
:func:`motcua.dossiers.history.event_append` right after it saves an event,
inside the transition service's transaction: the rows commit or roll back
with the event. Sending happens later (``services.notifications_dispatch``
after commit, and the periodic ``send_due_notifications`` task), never here.

This module imports only models and enums, so the dossier engine can import
it without pulling in rendering, e-mail or SMS code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from motcua.dossiers.constants import EventAction, PartyRole
from motcua.dossiers.models import DossierEvent, Party

from .constants import NotificationChannel, NotificationKind, NotificationStatus
from .models import Notification

A = EventAction

# The status changes a citizen should know of (gh-5 item 10). Everything else
# (transfers between officers, steps, coordination) is internal to the
# administration and stays silent.
KIND_FOR_ACTION: dict[EventAction, NotificationKind] = {
    A.RECEIVE: NotificationKind.RECEIVED,  # at the counter or by post
    A.ACCEPT: NotificationKind.RECEIVED,  # an online submission accepted (T2)
    A.REQUEST_SUPPLEMENT: NotificationKind.SUPPLEMENT_REQUESTED,  # T3, T12
    A.PAUSE_FINANCIAL: NotificationKind.FEE_DUE,  # T14
    A.APOLOGIZE: NotificationKind.APOLOGY,  # T16, Mẫu 04
    A.ISSUE_RESULT: NotificationKind.RESULT_READY,  # T19
    A.REFUSE_RESULT: NotificationKind.RESULT_REFUSED,  # T15
    A.RETURN_RESULT: NotificationKind.RETURNED,  # T20
    A.DISPATCH: NotificationKind.DISPATCHED,  # T20a, sent by post
    A.REFUSE: NotificationKind.REFUSED,  # T4, T5c, T13b
    A.STOP: NotificationKind.STOPPED,  # T18
    A.WITHDRAW: NotificationKind.WITHDRAWN,  # T17
}


def kind_for_event(event: DossierEvent) -> NotificationKind | None:
    """What the citizen is told about ``event``, or None when it concerns only officials.

    Immediate-result dossiers (T5d) are received, decided and handed over
    while the citizen stands at the counter; only their reception is notified
    (it carries the dossier code and lookup key).
    """
    if (event.data or {}).get("immediate"):
        return None
    return KIND_FOR_ACTION.get(EventAction(event.action))


def sms_enabled() -> bool:
    return bool(settings.MOTCUA_SMS_PROVIDER)


@dataclass(frozen=True)
class _Row:
    channel: NotificationChannel
    recipient: str
    user_id: int | None
    name: str
    language: str


def _rows_for(party: Party) -> list[_Row]:
    user = party.user
    language = settings.LANGUAGE_CODE
    if user is not None:
        preference = getattr(user, "notification_preference", None)
        if preference is not None:
            language = preference.language
    # The contact details given on the dossier come first; a linked account's
    # own details fill the gaps (a citizen may leave them blank at the counter).
    email = party.email or (user.email if user is not None else "")
    phone = party.phone or (user.phone if user is not None else "")
    name = party.full_name
    rows: list[_Row] = []
    if user is not None:
        rows.append(_Row(NotificationChannel.IN_APP, f"user:{user.pk}", user.pk, name, language))
    if email:
        rows.append(_Row(NotificationChannel.EMAIL, email.strip().lower(), None, name, language))
    if phone and sms_enabled():
        number = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
        if number:
            rows.append(_Row(NotificationChannel.SMS, number, None, name, language))
    return rows


def notifications_record_for_event(
    *, event: DossierEvent, parties: Sequence[Party] | None = None
) -> list[Notification]:
    """Add the outbox rows for ``event`` (call inside the event's transaction).

    One row per (event, recipient, channel) for the owner and, when someone
    else filed for them, the submitter: in-app when the party has a portal
    account, e-mail when an address is known, SMS when a number is known and
    an SMS provider is configured. The same address given for both parties
    gets one message. Re-recording the same event adds nothing (unique
    constraint, conflicts ignored). Two queries for a notifiable event
    (parties with their accounts, one insert), none otherwise; one less when
    the caller passes the dossier's ``parties`` it holds already (reception).
    """
    kind = kind_for_event(event)
    if kind is None:
        return []
    ordered: Iterable[Party]
    if parties is None:
        ordered = (
            Party.objects.filter(dossier_id=event.dossier_id, role__in=PartyRole.values)
            .select_related("user__notification_preference")
            .order_by("role")  # "owner" before "submitter": the owner's language wins
        )
    else:
        ordered = sorted((p for p in parties if p.role in PartyRole.values), key=lambda p: p.role)
    seen: set[tuple[str, str]] = set()
    rows: list[Notification] = []
    for party in ordered:
        for row in _rows_for(party):
            if (row.channel, row.recipient) in seen:
                continue
            seen.add((row.channel, row.recipient))
            rows.append(
                Notification(
                    event_id=event.pk,
                    dossier_id=event.dossier_id,
                    kind=kind,
                    channel=row.channel,
                    recipient=row.recipient,
                    user_id=row.user_id,
                    recipient_name=row.name[:200],
                    language=row.language,
                    status=NotificationStatus.PENDING,
                    created_at=event.at,
                    next_attempt_at=event.at,
                )
            )
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return rows
