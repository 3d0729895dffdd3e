"""Celery tasks of the notifications app: thin wrappers around the services (conventions §3)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .services import notification_deliver, notifications_send_due


@shared_task(bind=True, name="motcua.notifications.tasks.deliver_notification", acks_late=True)
def deliver_notification(self: Any, notification_id: int) -> None:
    """Deliver one notification; after a failure, schedule the retry with its backoff.

    In the embedded mode (eager) the retry is left to ``send_due_notifications``:
    an eager retry would run at once, in the citizen's request, ignoring the delay.
    """
    delay = notification_deliver(notification_id=notification_id)
    if delay is not None and not self.request.is_eager:
        deliver_notification.apply_async(
            args=[notification_id], countdown=int(delay.total_seconds())
        )


@shared_task(name="motcua.notifications.tasks.send_due_notifications")
def send_due_notifications() -> int:
    """Periodic (Celery beat, every minute): enqueue every notification due (re)sending."""
    return notifications_send_due()
