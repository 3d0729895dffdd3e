"""Writes of the service-center queue (gh-7; domain.md §10).

Every change of a ticket closes its open ``TicketInterval`` and opens the
next one at the same instant, so a ticket's intervals tile its life without
gaps or overlaps. Counter actions lock the officer's ``CounterSession`` row
(two clicks on "Gọi số tiếp" call one number); "call next" also locks the
ticket it takes and re-checks it is still queued (two counters calling at
once never take the same ticket). After commit, each change the waiting-room
display shows is published (``broadcast.publish``) and due SMS are sent
through the notification plugin registry.

Refusals are ``QueueRefused`` (a ``ValidationError``) with a Vietnamese
message; acting without the role is ``PermissionDenied``.

Locking (no deadlock between counters and kiosks, tests/test_concurrency.py):

- a transaction locks at most one ``CounterSession`` (its own), first;
- ticket rows are locked ``FOR NO KEY UPDATE OF`` the ticket only
  (``_tickets_locked``): never the joined ``TicketService`` row, which every
  kiosk and every interval insert references, and without blocking the
  foreign-key checks (``FOR KEY SHARE``, run at commit: Django's foreign keys
  are deferred) of rows that reference a ticket, such as another counter's
  "turn is near" notice for it;
- "call next" takes its ticket with ``SKIP LOCKED``: a counter never waits for
  another counter's call, it takes the next ticket;
- a notice another counter's call has just written for the same ticket is
  skipped, not an error.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import structlog

from motcua.accounts.models import User
from motcua.accounts.validators import normalise_phone
from motcua.core.sequences import sequence_next
from motcua.core.upsert import assign_changed, save_if_changed
from motcua.dossiers.models import Dossier
from motcua.notifications.base import SmsError, SmsMessage
from motcua.notifications.messages import unaccented
from motcua.notifications.registry import sms_provider
from motcua.organisations.models import Counter, StaffMembership, valid_on_q
from motcua.ratings.constants import Satisfaction

from . import broadcast, selectors
from .constants import (
    AT_COUNTER,
    NEAR_TURN_AHEAD,
    QUEUED,
    CallPolicy,
    CounterState,
    IntervalKind,
    NoticeStatus,
    PriorityReason,
    TicketStatus,
)
from .models import (
    CounterPause,
    CounterSession,
    QueuePolicy,
    Ticket,
    TicketInterval,
    TicketNotice,
    TicketNumberCounter,
    TicketRating,
    TicketService,
)

log = structlog.stdlib.get_logger(__name__)
S = TicketStatus


class QueueRefused(ValidationError):
    """The queue action is not possible now; ``messages[0]`` says why, in Vietnamese."""


# --- Helpers ------------------------------------------------------------------------------------
def _now() -> dt.datetime:
    return timezone.now()


def _switch(
    ticket: Ticket,
    *,
    at: dt.datetime,
    kind: IntervalKind | None,
    counter: Counter | None = None,
    officer: User | None = None,
) -> None:
    """Close the ticket's open interval at ``at`` and open one of ``kind`` (None: the end)."""
    TicketInterval.objects.filter(ticket=ticket, end__isnull=True).update(end=at)
    if kind is not None:
        TicketInterval.objects.create(
            ticket=ticket,
            kind=kind,
            service_id=ticket.service_id,
            start=at,
            counter=counter,
            officer=officer,
        )


def _event(kind: str, ticket: Ticket | None, counter: Counter | None, at: dt.datetime) -> None:
    """Publish a display event after commit (``broadcast.publish`` defers to on_commit)."""
    event: dict[str, Any] = {"type": kind, "at": at.isoformat()}
    center_id = 0
    if ticket is not None:
        event |= {
            "ticket": ticket.display,
            "number": ticket.display,
            "service": ticket.service.name,
        }
        center_id = ticket.center_id
    if counter is not None:
        event |= {"counter": counter.number, "counter_name": counter.name}
        center_id = counter.agency_id
    broadcast.publish(center_id=center_id, event=event)


def _may_staff(*, user: User, center_id: int) -> bool:
    return StaffMembership.objects.filter(
        valid_on_q(selectors.local_day()),
        user=user,
        agency_id=center_id,
        role__in=selectors.COUNTER_ROLES,
    ).exists()


# --- Taking a ticket ----------------------------------------------------------------------------
def ticket_take(
    *,
    service: TicketService,
    priority: str = "",
    phone: str = "",
) -> Ticket:
    """Issue the next number of ``service`` today and put it in the queue.

    The number comes from the (service, day) counter row, incremented in one
    upsert that stays locked until commit (``core.sequences``): two kiosks
    pressing at once never get the same number. ``phone`` (optional) is
    normalised to E.164; the citizen is texted when their turn is near.
    """
    errors: dict[str, list[str]] = {}
    if not service.is_active:
        raise QueueRefused(_("Dịch vụ “%(name)s” đang ngừng cấp số.") % {"name": service.name})
    try:
        reason = PriorityReason(priority or "")
    except ValueError:
        errors["priority"] = [_("Hãy chọn một đối tượng ưu tiên trong danh sách.")]
        reason = PriorityReason.NONE
    normalised = ""
    if phone.strip():
        try:
            normalised = normalise_phone(phone)
        except ValidationError as error:
            errors["phone"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    now = _now()
    day = selectors.local_day(now)
    with transaction.atomic():
        # Issued last, just before commit: the counter row is locked until then.
        number = sequence_next(model=TicketNumberCounter, keys={"service": service.pk, "day": day})
        ticket = Ticket.objects.create(
            center_id=service.center_id,
            service=service,
            issued_service=service,
            day=day,
            number=number,
            display=f"{service.prefix}{number:03d}",
            priority=reason,
            phone=normalised,
            follow_key=secrets.token_urlsafe(12),
            created_at=now,
        )
        _switch(ticket, at=now, kind=IntervalKind.WAITING)
        _event("ticket", ticket, None, now)
    return ticket


# --- Counter sessions ---------------------------------------------------------------------------
def counter_open(*, officer: User, counter: Counter) -> CounterSession:
    """Open ``counter`` for ``officer`` (reception officer or returner at its center).

    An officer holds one counter at a time and a counter one officer: both
    are partial unique constraints, so a race ends in a clear refusal.
    """
    if not counter.is_active:
        raise QueueRefused(_("Quầy này đang ngừng hoạt động."))
    if not _may_staff(user=officer, center_id=counter.agency_id):
        raise PermissionDenied(_("Bạn không phải cán bộ một cửa của trung tâm có quầy này."))
    current = selectors.session_of(user=officer)
    if current is not None:
        if current.counter_id == counter.pk:
            return current
        raise QueueRefused(
            _("Bạn đang làm việc tại quầy số %(n)s; hãy đóng quầy đó trước.")
            % {"n": current.counter.number}
        )
    now = _now()
    try:
        with transaction.atomic():
            session = CounterSession.objects.create(counter=counter, officer=officer, opened_at=now)
            _event("counter", None, counter, now)
    except IntegrityError as error:
        raise QueueRefused(_("Quầy này đang có cán bộ khác làm việc.")) from error
    return session


def _locked_session(session: CounterSession) -> CounterSession:
    locked = (
        CounterSession.objects.select_for_update(of=("self",))
        .select_related("counter")
        .filter(pk=session.pk, closed_at__isnull=True)
        .first()
    )
    if locked is None:
        raise QueueRefused(_("Quầy đã đóng; hãy mở quầy trước."))
    return locked


def counter_close(*, session: CounterSession) -> CounterSession:
    """Close the counter; refused while a ticket is at it (finish or transfer it first)."""
    with transaction.atomic():
        session = _locked_session(session)
        current = selectors.ticket_at_counter(counter=session.counter)
        if current is not None:
            raise QueueRefused(
                _("Hãy kết thúc hoặc chuyển số %(t)s trước khi đóng quầy.") % {"t": current.display}
            )
        now = _now()
        CounterPause.objects.filter(session=session, end__isnull=True).update(end=now)
        session.state, session.closed_at = CounterState.CLOSED, now
        session.save(update_fields=["state", "closed_at"])
        _event("counter", None, session.counter, now)
    return session


def counter_pause(*, session: CounterSession, reason: str) -> CounterSession:
    """Pause the counter with a reason ("Đi họp"); a ticket at it goes on hold."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": [_("Hãy nhập lý do tạm dừng, ví dụ “Đi họp”.")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("Lý do tạm dừng dài tối đa 200 ký tự.")]})
    with transaction.atomic():
        session = _locked_session(session)
        if session.state == CounterState.PAUSED:
            raise QueueRefused(_("Quầy đang tạm dừng."))
        now = _now()
        session.state, session.pause_reason = CounterState.PAUSED, reason
        session.save(update_fields=["state", "pause_reason"])
        CounterPause.objects.create(session=session, reason=reason, start=now)
        ticket = _ticket_at(session)
        if ticket is not None:
            _hold_or_serve(ticket, session=session, at=now, hold=True)
        _event("counter", None, session.counter, now)
    return session


def counter_resume(*, session: CounterSession) -> CounterSession:
    """Resume a paused counter; a ticket on hold at it is served again."""
    with transaction.atomic():
        session = _locked_session(session)
        if session.state != CounterState.PAUSED:
            raise QueueRefused(_("Quầy không tạm dừng."))
        now = _now()
        session.state, session.pause_reason = CounterState.OPEN, ""
        session.save(update_fields=["state", "pause_reason"])
        CounterPause.objects.filter(session=session, end__isnull=True).update(end=now)
        ticket = _ticket_at(session)
        if ticket is not None and ticket.status == S.ON_HOLD:
            _hold_or_serve(ticket, session=session, at=now, hold=False)
        _event("counter", None, session.counter, now)
    return session


def _hold_or_serve(ticket: Ticket, *, session: CounterSession, at: dt.datetime, hold: bool) -> None:
    """Put the ticket at the session's counter on hold (pause) or serve it again (resume)."""
    ticket.status = S.ON_HOLD if hold else S.SERVING
    ticket.save(update_fields=["status"])
    kind = IntervalKind.ON_HOLD if hold else IntervalKind.SERVING
    _switch(ticket, at=at, kind=kind, counter=session.counter, officer=session.officer)


def _tickets_locked(*, skip_locked: bool = False) -> QuerySet[Ticket]:
    """Tickets ``FOR NO KEY UPDATE OF`` the ticket alone (see the module's locking rules)."""
    return Ticket.objects.select_for_update(skip_locked=skip_locked, of=("self",), no_key=True)


def _ticket_at(session: CounterSession) -> Ticket | None:
    return (
        _tickets_locked()
        .select_related("service")
        .filter(counter=session.counter, status__in=AT_COUNTER)
        .first()
    )


# --- Calling ------------------------------------------------------------------------------------
def call_next(*, session: CounterSession) -> Ticket | None:
    """Call the next ticket at the session's counter by the center's policy; None if none waits.

    Refused while the counter is paused or still has a ticket at it. The
    candidate is locked with ``SKIP LOCKED`` and re-checked: if another
    counter is calling it right now, or has called it since, the next
    candidate by the policy is taken (no waiting, no deadlock).
    """
    with transaction.atomic():
        session = _locked_session(session)
        if session.state == CounterState.PAUSED:
            raise QueueRefused(_("Quầy đang tạm dừng; hãy mở lại quầy trước khi gọi số."))
        current = _ticket_at(session)
        if current is not None:
            raise QueueRefused(
                _("Hãy kết thúc, chuyển hoặc báo vắng số %(t)s trước khi gọi số tiếp theo.")
                % {"t": current.display}
            )
        counter = session.counter
        day = selectors.local_day()
        passed: list[int] = []  # Ends: each pass excludes one more of the day's tickets.
        while True:
            candidate = selectors.next_ticket_for(counter=counter, day=day, exclude=passed)
            if candidate is None:
                return None
            ticket = (
                _tickets_locked(skip_locked=True)
                .select_related("service")
                .filter(pk=candidate.pk, status__in=QUEUED)
                .first()
            )
            if ticket is not None:
                break
            passed.append(candidate.pk)
        now = _now()
        ticket.status, ticket.counter, ticket.officer = S.CALLED, counter, session.officer
        ticket.called_at, ticket.target_counter = now, None
        ticket.save(update_fields=["status", "counter", "officer", "called_at", "target_counter"])
        _switch(ticket, at=now, kind=IntervalKind.SERVING, counter=counter, officer=session.officer)
        _event("call", ticket, counter, now)
        _notify_near(service_ids={ticket.service_id}, day=day)
    return ticket


def _at_counter(session: CounterSession, ticket_id: int) -> Ticket:
    ticket = (
        _tickets_locked()
        .select_related("service")
        .filter(pk=ticket_id, counter=session.counter, status__in=AT_COUNTER)
        .first()
    )
    if ticket is None:
        raise QueueRefused(_("Số này không còn ở quầy của bạn."))
    return ticket


def ticket_recall(*, session: CounterSession, ticket_id: int) -> Ticket:
    """Call the ticket at the counter again (announced again on the display)."""
    with transaction.atomic():
        session = _locked_session(session)
        ticket = _at_counter(session, ticket_id)
        if ticket.status != S.CALLED:
            raise QueueRefused(_("Chỉ gọi lại số đã gọi mà người dân chưa đến."))
        now = _now()
        ticket.recalls += 1
        ticket.called_at = now
        ticket.save(update_fields=["recalls", "called_at"])
        _event("recall", ticket, session.counter, now)
    return ticket


def ticket_serve(*, session: CounterSession, ticket_id: int) -> Ticket:
    """The citizen called has come to the counter.

    Only the status changes: serving time runs from the call.
    """
    with transaction.atomic():
        session = _locked_session(session)
        ticket = _at_counter(session, ticket_id)
        if ticket.status == S.CALLED:
            ticket.status = S.SERVING
            ticket.save(update_fields=["status"])
    return ticket


def ticket_no_show(*, session: CounterSession, ticket_id: int) -> Ticket:
    """The citizen called did not come: the ticket ends as a no-show."""
    with transaction.atomic():
        session = _locked_session(session)
        ticket = _at_counter(session, ticket_id)
        if ticket.status != S.CALLED:
            raise QueueRefused(_("Chỉ báo vắng số đã gọi mà người dân chưa đến."))
        now = _now()
        ticket.status, ticket.finished_at = S.NO_SHOW, now
        ticket.save(update_fields=["status", "finished_at"])
        _switch(ticket, at=now, kind=None)
        _event("no_show", ticket, session.counter, now)
    return ticket


def ticket_finish(*, session: CounterSession, ticket_id: int) -> Ticket:
    """The citizen has been served: the ticket is done."""
    with transaction.atomic():
        session = _locked_session(session)
        ticket = _at_counter(session, ticket_id)
        if ticket.status == S.ON_HOLD:
            raise QueueRefused(_("Số đang tạm dừng; hãy mở lại quầy trước."))
        now = _now()
        ticket.status, ticket.finished_at = S.DONE, now
        ticket.save(update_fields=["status", "finished_at"])
        _switch(ticket, at=now, kind=None)
        _event("finish", ticket, session.counter, now)
    return ticket


def ticket_transfer(
    *,
    session: CounterSession,
    ticket_id: int,
    to_service: TicketService | None = None,
    to_counter: Counter | None = None,
) -> Ticket:
    """Send the ticket at the counter to another service's queue or to one counter.

    The ticket keeps its number and its place (the time it was taken), and
    waits again (a TRANSFERRED interval). Sent to a counter, only that counter
    calls it; its service becomes one the counter serves, if it does not
    serve the current one.
    """
    if (to_service is None) == (to_counter is None):
        raise ValidationError({"to": [_("Hãy chọn một dịch vụ hoặc một quầy để chuyển đến.")]})
    with transaction.atomic():
        session = _locked_session(session)
        ticket = _at_counter(session, ticket_id)
        center_id = session.counter.agency_id
        if to_counter is not None:
            if to_counter.agency_id != center_id or not to_counter.is_active:
                raise ValidationError({"to": [_("Quầy chuyển đến không thuộc trung tâm này.")]})
            if to_counter.pk == session.counter_id:
                raise ValidationError({"to": [_("Hãy chọn một quầy khác quầy của bạn.")]})
            served = selectors.counter_services(counter=to_counter)
            if served and ticket.service not in served:
                ticket.service = served[0]
        else:
            assert to_service is not None
            if to_service.center_id != center_id or not to_service.is_active:
                raise ValidationError({"to": [_("Dịch vụ chuyển đến không thuộc trung tâm này.")]})
            if to_service.pk == ticket.service_id:
                raise ValidationError({"to": [_("Số đang ở dịch vụ này; hãy chọn dịch vụ khác.")]})
            ticket.service = to_service
        now = _now()
        ticket.status, ticket.target_counter = S.TRANSFERRED, to_counter
        ticket.save(update_fields=["status", "target_counter", "service"])
        _switch(ticket, at=now, kind=IntervalKind.TRANSFERRED)
        _event("transfer", ticket, session.counter, now)
    return ticket


# --- Dossiers and ratings -----------------------------------------------------------------------
def ticket_link_dossier(*, ticket: Ticket, dossier: Dossier) -> None:
    """Link a dossier received from ``ticket`` (reception started from a called ticket).

    The ticket must be at a counter or finished today; a called ticket
    becomes "serving" (the citizen is at the counter). Idempotent.
    """
    with transaction.atomic():
        locked = _tickets_locked().get(pk=ticket.pk)
        if locked.status in QUEUED:
            raise QueueRefused(_("Số %(t)s chưa được gọi.") % {"t": locked.display})
        locked.dossiers.add(dossier)
        if locked.status == S.CALLED:
            locked.status = S.SERVING
            locked.save(update_fields=["status"])


def ticket_rate(*, by: User, ticket_id: int, level: str) -> TicketRating:
    """Record the citizen's one-tap rating of a finished ticket, on the officer's screen.

    ``by`` must be a reception officer (or returner) of the ticket's center.
    Refused before the ticket is finished, more than two hours after, or if
    already rated. Linked to the counter and officer who served it and its
    first dossier, if any.
    """
    try:
        satisfaction = Satisfaction(level)
    except ValueError as error:
        raise ValidationError({"level": [_("Hãy chọn mức độ hài lòng.")]}) from error
    with transaction.atomic():
        ticket = _tickets_locked().filter(pk=ticket_id).first()
        if ticket is None or not _may_staff(user=by, center_id=ticket.center_id):
            raise PermissionDenied(_("Chỉ máy của cán bộ tại trung tâm này mới nhận đánh giá."))
        if ticket.status != S.DONE or ticket.finished_at is None:
            raise QueueRefused(_("Chỉ đánh giá được sau khi đã phục vụ xong."))
        if _now() - ticket.finished_at > dt.timedelta(hours=2):
            raise QueueRefused(_("Đã quá thời gian đánh giá tại quầy cho số này."))
        rating = TicketRating(
            ticket=ticket,
            level=satisfaction,
            counter_id=ticket.counter_id,
            officer_id=ticket.officer_id,
            dossier=ticket.dossiers.order_by("pk").first(),
            created_at=_now(),
        )
        try:
            with transaction.atomic():
                rating.save(force_insert=True)
        except IntegrityError as error:
            raise QueueRefused(_("Số %(t)s đã được đánh giá.") % {"t": ticket.display}) from error
    return rating


# --- "Your turn is near" SMS --------------------------------------------------------------------
def _notify_near(*, service_ids: set[int], day: dt.date) -> None:
    """Queue the SMS of tickets with a phone that now have ≤ NEAR_TURN_AHEAD people ahead."""
    candidates = list(
        Ticket.objects.filter(
            day=day, status__in=QUEUED, service_id__in=service_ids, notice__isnull=True
        )
        .exclude(phone="")
        .select_related("center")
        .order_by("created_at", "id")[: NEAR_TURN_AHEAD * 4]
    )
    people_ahead = selectors.people_ahead_of(tickets=candidates)
    for ticket in candidates:
        ahead = people_ahead[ticket.pk]
        if ahead > NEAR_TURN_AHEAD:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            text = unaccented(
                _(
                    "Số %(ticket)s sắp đến lượt: còn %(ahead)d người trước bạn. Mời bạn có mặt"
                    " tại %(center)s. Theo dõi: %(url)s"
                )
                % {
                    "ticket": ticket.display,
                    "ahead": ahead,
                    "center": ticket.center.name,
                    "url": settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
                    + reverse("tickets:follow", args=[ticket.follow_key]),
                }
            )
        try:
            with transaction.atomic():
                notice = TicketNotice.objects.create(
                    ticket=ticket, phone=ticket.phone, text=text, created_at=_now()
                )
        except IntegrityError:
            continue  # Another counter's call, at the same moment, wrote this ticket's notice.
        transaction.on_commit(partial(_enqueue_notice, notice.pk))


def _enqueue_notice(notice_id: int) -> None:
    from .tasks import deliver_ticket_notice

    deliver_ticket_notice.delay(notice_id)


def ticket_notice_deliver(*, notice_id: int) -> bool:
    """Send one pending "turn is near" SMS through the configured provider; never raises.

    Claimed with one conditional UPDATE (pending → attempts + 1), so the task
    run twice sends once. Without a provider, or when it fails, the row is
    marked failed with the reason (the citizen still sees the display).
    """
    claimed = TicketNotice.objects.filter(
        pk=notice_id, status=NoticeStatus.PENDING, attempts=0
    ).update(attempts=1)
    if not claimed:
        return False
    notice = TicketNotice.objects.get(pk=notice_id)
    provider = sms_provider()
    if provider is None:
        notice.status, notice.last_error = NoticeStatus.FAILED, "SMS is off (MOTCUA_SMS_PROVIDER)"
        notice.save(update_fields=["status", "last_error"])
        return False
    try:
        ref = provider.send(
            SmsMessage(to=notice.phone, text=notice.text, reference=f"ticket-{notice.ticket_id}")
        )
    except SmsError as error:
        notice.status, notice.last_error = NoticeStatus.FAILED, str(error)[:2000]
        notice.save(update_fields=["status", "last_error"])
        log.warning("ticket_sms_failed", notice=notice_id, error=str(error))
        return False
    notice.status, notice.provider_ref, notice.sent_at = NoticeStatus.SENT, ref, _now()
    notice.save(update_fields=["status", "provider_ref", "sent_at"])
    return True


# --- Configuration (demo, admin) ----------------------------------------------------------------
def ticket_service_upsert(
    *,
    center_id: int,
    prefix: str,
    name: str,
    position: int,
    field_ids: list[int],
    counter_ids: list[int],
) -> TicketService:
    """Create or update a center's ticket service; writes nothing when nothing differs.

    Used by the demo loader, whose second load must change nothing.
    """
    service = TicketService.objects.filter(center_id=center_id, prefix=prefix).first()
    if service is None:
        service = TicketService(center_id=center_id, prefix=prefix)
    changed = assign_changed(service, {"name": name, "position": position, "is_active": True})
    save_if_changed(service, changed)
    service.fields.set(field_ids)  # .set() writes only the differences
    service.counters.set(counter_ids)
    return service


def queue_policy_set(
    *, center_id: int, policy: CallPolicy, interleave_every: int = 3
) -> QueuePolicy:
    """Set a center's call policy; writes nothing when nothing differs."""
    current = QueuePolicy.objects.filter(center_id=center_id).first() or QueuePolicy(
        center_id=center_id
    )
    changed = assign_changed(current, {"policy": policy, "interleave_every": interleave_every})
    save_if_changed(current, changed)
    return current
