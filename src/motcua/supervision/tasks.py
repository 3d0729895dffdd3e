"""Celery tasks of the supervision app: thin wrappers around the aggregates (conventions §3)."""

from __future__ import annotations

from django.conf import settings

from celery import shared_task

from .aggregates import stats_refresh_dossiers


@shared_task(name="motcua.supervision.tasks.refresh_dossier_stats", acks_late=True)
def refresh_dossier_stats(dossier_id: int) -> int:
    """Bring one dossier's statistics in line with its history (idempotent: safe to retry)."""
    return stats_refresh_dossiers(dossier_ids=[dossier_id])


@shared_task(name="motcua.supervision.tasks.drain_stats_refreshes", acks_late=True)
def drain_stats_refreshes() -> int:
    """Refresh the dossiers queued in Redis by the after-commit hook (``coalesce``).

    Scheduled by the hook and, as a safety net, by the beat every minute.
    Nothing to do without Redis (the embedded mode refreshes inline).
    """
    if not settings.REDIS_URL:
        return 0
    from .coalesce import stats_refresh_drain

    return stats_refresh_drain()
