"""Writes of the notifications app: dispatch, delivery with a recorded outcome, read marks.

The outbox rows are added inside the dossier event's transaction by
:mod:`motcua.notifications.outbox`. After commit, the dossier engine's
``_after_commit`` calls :func:`notifications_dispatch`, which enqueues one
``deliver_notification`` task per due row; the periodic
``send_due_notifications`` task (and ``manage.py send_notifications``)
enqueues whatever is still due — a retry after a failure, or a row whose
worker died. Delivery (:func:`notification_deliver`):

- claims the row with one conditional UPDATE (pending/failed and due, or
  "sending" for longer than the lease), so two workers — or the same task
  run twice — send it once;
- renders and sends it outside any transaction;
- records the outcome on the row and as a ``NotificationAttempt``: sent, or
  failed with the error and the next attempt after an exponential backoff
  (``MOTCUA_NOTIFICATION_RETRY_SECONDS`` doubling, at most six hours), until
  ``MOTCUA_NOTIFICATION_MAX_ATTEMPTS`` — then it stays failed for an officer
  to look at in the admin.

Nothing here raises into the citizen's action: a mail server or SMS gateway
being down is an outcome to record, not an error (architecture.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

import structlog

from motcua.accounts.models import User
from motcua.dossiers.models import DossierEvent

from .base import SmsMessage
from .constants import NotificationChannel, NotificationStatus
from .messages import Rendered, render_notification
from .models import Notification, NotificationAttempt
from .registry import sms_provider

log = structlog.stdlib.get_logger(__name__)

St = NotificationStatus
# A delivery "sending" for longer than this is assumed dead (worker killed) and is retried.
LEASE = dt.timedelta(minutes=10)
MAX_BACKOFF = dt.timedelta(hours=6)


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base… capped at six hours."""
    base = dt.timedelta(seconds=int(settings.MOTCUA_NOTIFICATION_RETRY_SECONDS))
    delay: dt.timedelta = base * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _due_q(now: dt.datetime) -> Q:
    return Q(status__in=[St.PENDING, St.FAILED], next_attempt_at__lte=now) | Q(
        status=St.SENDING, claimed_at__lt=now - LEASE
    )


def _enqueue(ids: Iterable[int]) -> int:
    from .tasks import deliver_notification

    count = 0
    for pk in ids:
        deliver_notification.delay(pk)
        count += 1
    return count


def notifications_dispatch(*, event_id: int) -> int:
    """After commit: enqueue the due notifications of ``event_id``'s dossier; never raises.

    The whole dossier, not only this event: a service that appends several
    events in one transaction schedules ``_after_commit`` for the last one.
    In the embedded mode (Celery eager) delivery runs right here, after the
    citizen's action has committed. Returns how many were enqueued.
    """
    try:
        dossier_ids = DossierEvent.objects.filter(pk=event_id).values("dossier_id")
        ids = list(
            Notification.objects.filter(_due_q(timezone.now()), dossier_id__in=dossier_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return _enqueue(ids)
    except Exception:
        # The action is committed; whatever is still pending is picked up by the
        # periodic task. Never turn a committed action into an error page.
        log.exception("notification_dispatch_failed", event_id=event_id)
        return 0


def notifications_send_due(*, limit: int = 500) -> int:
    """Enqueue up to ``limit`` due notifications, oldest first (periodic task, command)."""
    ids = list(
        Notification.objects.filter(_due_q(timezone.now()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return _enqueue(ids)


def _claim(notification_id: int, now: dt.datetime) -> bool:
    claimed = Notification.objects.filter(_due_q(now), pk=notification_id).update(
        status=St.SENDING, claimed_at=now
    )
    return claimed == 1


def _message_id(n: Notification) -> str:
    host = urlsplit(settings.MOTCUA_PUBLIC_BASE_URL).hostname or "localhost"
    return f"<motcua.notification.{n.pk}@{host}>"


def _send(n: Notification, rendered: Rendered) -> tuple[str, str]:
    """Send through ``n.channel``; returns (what was sent as the body, provider reference)."""
    if n.channel == NotificationChannel.IN_APP:
        return rendered.short, ""
    if n.channel == NotificationChannel.EMAIL:
        message_id = _message_id(n)
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[n.recipient],
            # A stable Message-ID lets a receiving server drop a duplicate if a
            # worker dies between the SMTP "250 OK" and recording it here.
            headers={"Message-ID": message_id, "Content-Language": n.language},
        )
        email.attach_alternative(rendered.html, "text/html")
        email.send(using=settings.MOTCUA_NOTIFICATION_MAILER)
        return rendered.text, message_id
    if n.channel == NotificationChannel.SMS:
        provider = sms_provider()
        if provider is None:
            raise RuntimeError("SMS is not configured (MOTCUA_SMS_PROVIDER is empty)")
        ref = provider.send(
            SmsMessage(to=n.recipient, text=rendered.sms, reference=f"motcua-notification-{n.pk}")
        )
        return rendered.sms, ref
    raise ValueError(f"unknown channel {n.channel!r}")


def notification_deliver(*, notification_id: int) -> dt.timedelta | None:
    """Send one notification at most once and record the outcome.

    Returns the delay before the next attempt after a failure that will be
    retried, else None (sent, given up, or not due / already taken — then
    nothing is sent and nothing recorded). Never raises for a delivery
    problem; the error is stored in ``last_error`` and in the attempt log.
    """
    now = timezone.now()
    if not _claim(notification_id, now):
        return None
    n = Notification.objects.select_related(
        "event__to_step__department__agency",
        "dossier__received_by",
        "dossier__competent_agency",
        "dossier__procedure_version",
        "dossier__delivery",
    ).get(pk=notification_id)
    attempts = n.attempts + 1
    bound = log.bind(notification=n.pk, dossier=n.dossier_id, channel=n.channel, attempt=attempts)
    try:
        rendered = render_notification(n)
        body, ref = _send(n, rendered)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        delay = (
            retry_delay(attempts) if attempts < settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS else None
        )
        with transaction.atomic():
            Notification.objects.filter(pk=n.pk).update(
                status=St.FAILED,
                attempts=attempts,
                last_error=message,
                claimed_at=None,
                next_attempt_at=now + delay if delay is not None else None,
            )
            NotificationAttempt.objects.create(notification=n, at=now, ok=False, error=message)
        bound.warning("notification_failed", error=message, retry_in=delay)
        return delay
    sent_at = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=n.pk).update(
            status=St.SENT,
            attempts=attempts,
            claimed_at=None,
            next_attempt_at=None,
            sent_at=sent_at,
            subject=rendered.subject,
            body=body,
            provider_ref=ref[:200],
        )
        NotificationAttempt.objects.create(notification=n, at=sent_at, ok=True)
    bound.info("notification_sent")
    return None


def notifications_retry_now(*, ids: Iterable[int]) -> int:
    """An officer's "send again now" for failed notifications (admin action); enqueues them."""
    now = timezone.now()
    pks = list(ids)
    Notification.objects.filter(pk__in=pks, status=St.FAILED).update(next_attempt_at=now)
    due = Notification.objects.filter(_due_q(now), pk__in=pks).values_list("pk", flat=True)
    return _enqueue(list(due))


def _inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        user=user, channel=NotificationChannel.IN_APP, status=St.SENT
    )


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s in-app notifications read; another user's raises DoesNotExist."""
    n = _inbox(user).get(pk=notification_id)
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


def notifications_mark_all_read(*, user: User) -> int:
    return _inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
