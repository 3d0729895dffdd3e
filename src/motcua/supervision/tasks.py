"""Celery tasks of the supervision app: thin wrappers around the aggregates (conventions §3)."""

from __future__ import annotations

from celery import shared_task

from .aggregates import stats_refresh_dossiers


@shared_task(name="motcua.supervision.tasks.refresh_dossier_stats", acks_late=True)
def refresh_dossier_stats(dossier_id: int) -> int:
    """Bring one dossier's statistics in line with its history (idempotent: safe to retry)."""
    return stats_refresh_dossiers(dossier_ids=[dossier_id])
