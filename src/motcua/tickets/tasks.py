"""Celery tasks of the queue: thin wrappers around the services (conventions §3)."""

from __future__ import annotations

from celery import shared_task

from .services import ticket_notice_deliver


@shared_task(name="motcua.tickets.tasks.deliver_ticket_notice", acks_late=True)
def deliver_ticket_notice(notice_id: int) -> bool:
    """Send one "your turn is near" SMS (idempotent: a second run sends nothing)."""
    return ticket_notice_deliver(notice_id=notice_id)
