"""Coalesced statistics refreshes through Redis in production (gh-8; gh-4 item 13).

Against a real Redis (``MOTCUA_TEST_STATS_REDIS_URL``, default database 13 on
127.0.0.1, flushed around every test); the Celery drain task is captured
(patched) and run in-process.
"""

from __future__ import annotations

import os
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext

import redis
import time_machine

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS as ENGINE_PATHS
from motcua.supervision import coalesce
from motcua.supervision.aggregates import stats_check
from motcua.supervision.models import DailyStat, MonthlyStat
from motcua.supervision.tasks import drain_stats_refreshes

from .histories import monthly_of, oracle, stored, stored_monthly

REDIS_URL = os.environ.get("MOTCUA_TEST_STATS_REDIS_URL", "redis://127.0.0.1:6379/13")
PRODUCTION = override_settings(REDIS_URL=REDIS_URL, CELERY_TASK_ALWAYS_EAGER=False)


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@tag("gh-8", "gh-4")
@override_settings(MOTCUA_DEMO=True)
class CoalescedRefreshTests(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()

    def setUp(self) -> None:
        if not redis_available():
            self.skipTest(f"no Redis at {REDIS_URL}")
        self.redis = redis.Redis.from_url(REDIS_URL)
        self.redis.flushdb()
        self.addCleanup(self.redis.close)
        self.addCleanup(self.redis.flushdb)
        travel = time_machine.travel(vn(2026, 3, 10, 9), tick=False)
        travel.start()
        self.addCleanup(travel.stop)
        PRODUCTION.enable()
        self.addCleanup(PRODUCTION.disable)
        drain = mock.patch("motcua.supervision.tasks.drain_stats_refreshes")
        self.drain_task = drain.start()
        self.addCleanup(drain.stop)

    def receive(self, n: int) -> list[Dossier]:
        dossiers = []
        for _ in range(n):
            with self.captureOnCommitCallbacks(execute=True):
                dossiers.append(self.world.receive())
        return dossiers

    def dirty(self) -> set[int]:
        return {int(raw) for raw in self.redis.smembers(coalesce.DIRTY_KEY)}

    def assert_counters_in_line(self) -> None:
        self.assertEqual(stats_check(), [])
        self.assertEqual(stored(), oracle())
        self.assertEqual(stored_monthly(), monthly_of(oracle()))

    def test_receiving_queues_every_id_and_schedules_one_drain(self) -> None:
        dossiers = self.receive(5)
        self.assertEqual(self.dirty(), {d.pk for d in dossiers})
        self.drain_task.apply_async.assert_called_once_with(countdown=coalesce.DRAIN_DELAY)
        self.assertTrue(self.redis.exists(coalesce.SCHEDULED_KEY))
        self.assertLessEqual(self.redis.ttl(coalesce.SCHEDULED_KEY), coalesce.SCHEDULED_TTL)
        # Nothing was refreshed in the request: the counters wait for the worker.
        self.assertFalse(DailyStat.objects.exists())
        self.assertNotEqual(stats_check(), [])

    def test_the_hook_reads_nothing_from_the_database(self) -> None:
        with self.captureOnCommitCallbacks() as callbacks:
            dossier = self.world.receive()
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
        # The event's dossier id comes with the hook (no SELECT of the event) and the
        # refresh is left to the worker (no statistics table touched).
        sqls = [q["sql"] for q in queries.captured_queries]
        self.assertFalse([s for s in sqls if "supervision_" in s], sqls)
        self.assertFalse([s for s in sqls if s.startswith('SELECT "dossiers_dossierevent"')])
        self.assertEqual(self.dirty(), {dossier.pk})

    def test_the_drain_brings_the_counters_in_line(self) -> None:
        dossiers = self.receive(4)
        for action, role, fields in ENGINE_PATHS["resolved"]:
            with self.captureOnCommitCallbacks(execute=True):
                dossier_act(
                    code=dossiers[0].code, action=action, by=self.world.staff[role], **fields
                )
        self.assertEqual(self.drain_task.apply_async.call_count, 1)  # still scheduled
        self.assertEqual(drain_stats_refreshes(), 4)
        self.assertEqual(self.dirty(), set())
        self.assertFalse(self.redis.exists(coalesce.SCHEDULED_KEY))
        self.assertEqual(sum(DailyStat.objects.values_list("received", flat=True)), 4)
        self.assertEqual(sum(MonthlyStat.objects.values_list("received", flat=True)), 4)
        self.assert_counters_in_line()
        # The flag is clear: the next event schedules the next drain.
        self.receive(1)
        self.assertEqual(self.drain_task.apply_async.call_count, 2)

    def test_the_drain_pops_in_batches_until_the_set_is_empty(self) -> None:
        self.receive(5)
        self.assertEqual(coalesce.stats_refresh_drain(batch_size=2), 5)
        self.assertEqual(self.dirty(), set())
        self.assert_counters_in_line()

    def test_an_id_queued_while_draining_is_drained_and_schedules_a_drain(self) -> None:
        first, second = self.receive(2)
        self.redis.srem(coalesce.DIRTY_KEY, second.pk)
        real = coalesce.stats_refresh_dossiers
        seen: list[list[int]] = []

        def refresh(*, dossier_ids: list[int]) -> int:
            seen.append(dossier_ids)
            if len(seen) == 1:  # a reception commits during the first batch
                coalesce.stats_refresh_enqueue(dossier_id=second.pk)
            return real(dossier_ids=dossier_ids)

        with mock.patch.object(coalesce, "stats_refresh_dossiers", side_effect=refresh):
            self.assertEqual(coalesce.stats_refresh_drain(), 2)
        self.assertEqual(seen, [[first.pk], [second.pk]])
        # The flag was cleared before draining, so that hook scheduled another drain.
        self.assertEqual(self.drain_task.apply_async.call_count, 2)
        self.assert_counters_in_line()

    def test_a_failing_batch_goes_back_into_the_set(self) -> None:
        dossiers = self.receive(3)
        with (
            mock.patch.object(coalesce, "stats_refresh_dossiers", side_effect=RuntimeError("db")),
            self.assertLogs("motcua.supervision.coalesce", "ERROR"),
        ):
            self.assertEqual(drain_stats_refreshes(), 0)  # logged, not raised
        self.assertEqual(self.dirty(), {d.pk for d in dossiers})
        self.assertFalse(DailyStat.objects.exists())
        self.assertEqual(drain_stats_refreshes(), 3)  # the next drain (or the beat) retries
        self.assert_counters_in_line()

    def test_a_redis_failure_never_breaks_the_reception(self) -> None:
        with (
            override_settings(REDIS_URL="redis://127.0.0.1:1/0"),
            self.assertLogs("motcua.supervision.aggregates", "ERROR"),
        ):
            dossier = self.receive(1)[0]
        self.assertTrue(Dossier.objects.filter(pk=dossier.pk).exists())
        self.drain_task.apply_async.assert_not_called()

    def test_the_beat_runs_the_safety_drain_every_minute(self) -> None:
        entry = settings.CELERY_BEAT_SCHEDULE["supervision-drain-stats"]
        self.assertEqual(entry["task"], "motcua.supervision.tasks.drain_stats_refreshes")
        self.assertLessEqual(entry["schedule"], 60)

    def test_the_embedded_mode_still_refreshes_inline(self) -> None:
        with override_settings(REDIS_URL=None, CELERY_TASK_ALWAYS_EAGER=True):
            self.receive(2)
        self.assertEqual(DailyStat.objects.get().received, 2)
        self.assert_counters_in_line()
        self.assertEqual(self.dirty(), set())
        self.drain_task.apply_async.assert_not_called()
