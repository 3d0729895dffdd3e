"""Coalesced statistics refreshes in production (gh-8; gh-4 item 13).

With Redis and a Celery worker (``MOTCUA_REDIS_URL`` set, tasks not eager),
the after-commit hook of the dossier engine does not publish one task per
event: ``stats_refresh_enqueue`` adds the dossier id to the Redis set
``DIRTY_KEY`` and sets the flag ``SCHEDULED_KEY`` (``SET NX`` with an expiry)
in the same round trip. Only the hook that sets the flag publishes a drain
task, delayed by ``DRAIN_DELAY`` so that a burst of receptions shares one
set-based refresh (``stats_refresh_dossiers``) instead of one each.

The race, and why no id is stranded: the drain clears the flag *before* it
pops. An id added before the clearing is in the set when the drain starts
popping, and the drain pops until the set is empty; an id added after it
finds the flag clear (or set by another hook that came after the clearing),
so a later drain is scheduled. At worst a drain runs for nothing.

What can still be missed: a drain message lost by the broker leaves the flag
until it expires (``SCHEDULED_TTL``) — the beat's safety drain
(``CELERY_BEAT_SCHEDULE``, every minute) pops those ids anyway; a batch
whose refresh raises goes back into the set (logged, retried by the next
drain); a worker killed between a pop and its commit loses that batch's
refresh, which ``supervision_check`` shows and the dossiers' next events or
``supervision_rebuild`` repair, as for any missed refresh.

In the embedded mode (no Redis, eager Celery) nothing here runs: the refresh
stays inline after commit, so the demo's statistics are always current.
"""

from __future__ import annotations

from django.conf import settings

import redis
import structlog

from .aggregates import stats_refresh_dossiers

log = structlog.stdlib.get_logger(__name__)

DIRTY_KEY = "motcua:supervision:stats-dirty"
SCHEDULED_KEY = "motcua:supervision:stats-drain-scheduled"
# The flag outlives a drain waiting in the queue; if its message is lost, the
# next hook after the expiry schedules another (and the beat drains meanwhile).
SCHEDULED_TTL = 60
# Seconds the drain waits after the first id of a burst: the receptions of that
# second then cost one refresh of a few hundred dossiers, not one each.
DRAIN_DELAY = 1.0
BATCH = 500

_clients: dict[str, redis.Redis] = {}


def coalescing() -> bool:
    """Whether refreshes go through the Redis set (production) rather than inline (embedded)."""
    return bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def _client() -> redis.Redis:
    """One client (one connection pool) per process and URL; redis-py resets it after a fork."""
    url = str(settings.REDIS_URL)
    client = _clients.get(url)
    if client is None:
        client = _clients.setdefault(
            url, redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        )
    return client


def stats_refresh_enqueue(*, dossier_id: int) -> bool:
    """Mark a dossier's statistics as due; schedule a drain unless one is. One round trip.

    Returns whether this call scheduled the drain. Raises on a Redis or broker
    failure (the caller, an after-commit hook, logs it).
    """
    client = _client()
    pipe = client.pipeline(transaction=False)
    pipe.sadd(DIRTY_KEY, dossier_id)
    pipe.set(SCHEDULED_KEY, 1, nx=True, ex=SCHEDULED_TTL)
    _added, scheduled = pipe.execute()
    if not scheduled:
        return False
    from .tasks import drain_stats_refreshes

    try:
        drain_stats_refreshes.apply_async(countdown=DRAIN_DELAY)
    except Exception:
        client.delete(SCHEDULED_KEY)  # let the next hook try again
        raise
    return True


def stats_refresh_drain(*, batch_size: int = BATCH) -> int:
    """Refresh every dossier in the set, ``batch_size`` at a time; the number refreshed.

    Clears the flag first (see the module docstring). A batch that fails goes
    back into the set and stops this drain (the next one retries it); the
    failure is logged, not raised.
    """
    client = _client()
    client.delete(SCHEDULED_KEY)
    done = 0
    while True:
        popped = client.spop(DIRTY_KEY, batch_size)
        if not popped:
            break
        ids = sorted(int(raw) for raw in popped)
        try:
            stats_refresh_dossiers(dossier_ids=ids)
        except Exception:
            client.sadd(DIRTY_KEY, *ids)
            log.exception("supervision.drain_failed", dossiers=len(ids), refreshed=done)
            break
        done += len(ids)
    if done:
        log.info("supervision.drained", dossiers=done)
    return done
