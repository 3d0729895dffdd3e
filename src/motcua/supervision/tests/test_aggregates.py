"""Supervision counters: incremental after commit, idempotent, rebuildable, checked (gh-8).

Histories are generated (hypothesis) and written directly, then the counters
are compared with ``histories.oracle``, a plain-Python recomputation from the
events that shares no code with the SQL of ``aggregates``.
"""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings, tag

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import Channel, EventAction
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS as ENGINE_PATHS
from motcua.organisations.constants import Role
from motcua.ratings.constants import Satisfaction
from motcua.supervision.aggregates import (
    facts_for_dossiers,
    stats_check,
    stats_rebuild,
    stats_refresh_dossiers,
)
from motcua.supervision.constants import Metric
from motcua.supervision.models import DailyStat, StatFact

from .histories import PATHS, Org, add_history, make_org, monthly_of, oracle, stored, stored_monthly

A = EventAction

history = st.fixed_dictionaries(
    {
        "agency": st.integers(0, 6),
        "version": st.integers(0, 1),
        "channel": st.sampled_from(list(Channel)),
        "path": st.sampled_from(sorted(PATHS)),
        # 01/03/2025 + up to 400 days: both sides of 01/07/2025, and month edges.
        "start": st.integers(0, 400 * 24).map(lambda h: vn(2025, 3, 1, 6) + dt.timedelta(hours=h)),
        "gaps_hours": st.lists(st.integers(0, 90), min_size=1, max_size=4),
        "actors": st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=1, max_size=3),
        "timeliness": st.sampled_from(list(Timeliness)),
        "rating": st.one_of(st.none(), st.sampled_from(list(Satisfaction))),
    }
)


def _write(org: Org, spec: dict[str, object]) -> Dossier:
    values = dict(spec)
    values["agency"] = org.agencies[values["agency"]]  # type: ignore[index]
    return add_history(org, **values)  # type: ignore[arg-type]


@tag("gh-8")
class GeneratedHistoryTests(HypothesisTestCase):
    org: Org

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = make_org()

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(history, min_size=1, max_size=6), seed=st.integers(0, 2**16))
    def test_incremental_counters_equal_the_recomputation_from_events(
        self, specs: list[dict[str, object]], seed: int
    ) -> None:
        rng = random.Random(seed)
        dossiers = [_write(self.org, spec) for spec in specs]
        # Refresh in a random order, some dossiers several times (an event re-applied),
        # some together: the result must not depend on it.
        order = [d.pk for d in dossiers for _ in range(rng.randint(1, 3))]
        rng.shuffle(order)
        for i in range(0, len(order), 2):
            stats_refresh_dossiers(dossier_ids=order[i : i + 2])
        expected = oracle()
        self.assertEqual(stored(), expected)
        self.assertEqual(stored_monthly(), monthly_of(expected))
        self.assertEqual(stats_check(), [])
        # Rebuilding from scratch gives the same counters.
        stats_rebuild()
        self.assertEqual(stored(), expected)
        self.assertEqual(stored_monthly(), monthly_of(expected))

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(history, min_size=2, max_size=5))
    def test_a_history_growing_event_by_event_keeps_the_counters_exact(
        self, specs: list[dict[str, object]]
    ) -> None:
        """Events appended one by one, each followed by the after-commit refresh."""
        dossiers = [_write(self.org, spec) for spec in specs]
        events = list(DossierEvent.objects.filter(dossier__in=dossiers).order_by("at", "pk"))
        saved = {e.pk: e for e in events}
        DossierEvent.objects.filter(pk__in=saved).delete()
        for event in events:  # replay: the dossier row is already final, like a late refresh
            DossierEvent.objects.create(
                **{
                    f.attname: getattr(saved[event.pk], f.attname)
                    for f in DossierEvent._meta.concrete_fields
                }
            )
            stats_refresh_dossiers(dossier_ids=[event.dossier_id])
        self.assertEqual(stored(), oracle())
        self.assertEqual(stats_check(), [])


@tag("gh-8")
class AggregateTests(TestCase):
    org: Org

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = make_org()

    def history(self, **overrides: object) -> Dossier:
        values: dict[str, object] = {
            "agency": self.org.n_centre,
            "version": 0,
            "channel": Channel.ONLINE,
            "path": "returned",
            "start": vn(2025, 9, 30, 14),
        }
        values.update(overrides)
        return add_history(self.org, **values)  # type: ignore[arg-type]

    def test_refreshing_twice_does_not_count_twice(self) -> None:
        dossier = self.history()
        self.assertGreater(stats_refresh_dossiers(dossier_ids=[dossier.pk]), 0)
        before = stored()
        self.assertEqual(stats_refresh_dossiers(dossier_ids=[dossier.pk]), 0)
        self.assertEqual(stats_refresh_dossiers(dossier_ids=[dossier.pk, dossier.pk]), 0)
        self.assertEqual(stored(), before)
        received = DailyStat.objects.get(received=1)
        # Received online on Tue 30/09/2025 (Huế time), fully online procedure.
        self.assertEqual(received.day, dt.date(2025, 9, 30))
        self.assertEqual(received.received_full_online, 1)

    def test_a_day_is_the_day_in_hue_not_in_utc(self) -> None:
        # 01/10/2025 06:30 in Huế is still 30/09 in UTC.
        dossier = self.history(path="received", start=vn(2025, 10, 1, 6, 30))
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        fact = StatFact.objects.get(dossier=dossier, metric=Metric.RECEIVED)
        self.assertEqual(fact.day, dt.date(2025, 10, 1))

    def test_a_transfer_to_another_agency_moves_every_count(self) -> None:
        dossier = self.history()
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        Dossier.objects.filter(pk=dossier.pk).update(competent_agency=self.org.m_centre)
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        self.assertFalse(
            DailyStat.objects.filter(agency_id=self.org.n_centre.pk, received__gt=0).exists()
        )
        self.assertEqual(stored(), oracle())

    def test_the_check_command_reports_a_difference_and_fails(self) -> None:
        dossier = self.history()
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        out = StringIO()
        call_command("supervision_check", stdout=out)
        self.assertIn("OK", out.getvalue())
        DailyStat.objects.filter(received=1).update(received=2)  # a corrupted counter
        out, err = StringIO(), StringIO()
        with self.assertRaises(SystemExit) as raised:
            call_command("supervision_check", stdout=out, stderr=err)
        self.assertEqual(raised.exception.code, 1)
        self.assertIn("stored=", out.getvalue())
        call_command("supervision_rebuild", stdout=StringIO())
        call_command("supervision_check", stdout=StringIO())  # repaired: exits normally

    def test_a_missed_refresh_shows_in_the_check_and_the_next_refresh_repairs_it(self) -> None:
        dossier = self.history(path="processing")
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        facts = facts_for_dossiers([dossier.pk])
        self.assertEqual(len(facts), 2)  # received + received fully online
        DossierEvent.objects.create(
            dossier=dossier,
            seq=3,
            at=vn(2025, 10, 2, 9),
            action=A.STOP,
            from_status=4,
            to_status=8,
            hash="x" * 64,
        )
        self.assertNotEqual(stats_check(), [])
        stats_refresh_dossiers(dossier_ids=[dossier.pk])
        self.assertEqual(stats_check(), [])
        self.assertEqual(DailyStat.objects.get(stopped=1).day, dt.date(2025, 10, 2))


@tag("gh-8")
@override_settings(MOTCUA_DEMO=True)
class EngineHookTests(TestCase):
    """Through the real dossier services: the after-commit hook keeps the counters exact."""

    def test_the_engine_updates_the_counters_after_commit(self) -> None:
        world = make_world()
        with time_machine.travel(vn(2026, 3, 10, 9), tick=False):
            with self.captureOnCommitCallbacks(execute=True):
                dossier = world.receive()
            self.assertEqual(DailyStat.objects.get().received, 1)
            for action, role, fields in ENGINE_PATHS["resolved"]:
                with self.captureOnCommitCallbacks(execute=True):
                    dossier_act(code=dossier.code, action=action, by=world.staff[role], **fields)
        row = DailyStat.objects.filter(finished_early__gt=0) | DailyStat.objects.filter(
            finished_on_time__gt=0
        )
        self.assertEqual(sum(r.finished_early + r.finished_on_time for r in row), 1)
        # The clerk who issued the result is the officer of the finished count.
        self.assertEqual(row.get().officer_id, world.staff[Role.CLERK].pk)
        self.assertEqual(stored(), oracle())
        self.assertEqual(stats_check(), [])

    def test_a_failing_refresh_never_breaks_the_action(self) -> None:
        from unittest import mock

        world = make_world()
        with (
            mock.patch(
                "motcua.supervision.tasks.stats_refresh_dossiers",
                side_effect=RuntimeError("boom"),
            ),
            self.captureOnCommitCallbacks(execute=True),
        ):
            dossier = world.receive()
        self.assertTrue(Dossier.objects.filter(pk=dossier.pk).exists())
        self.assertNotEqual(stats_check(), [])  # the check shows the missed refresh
