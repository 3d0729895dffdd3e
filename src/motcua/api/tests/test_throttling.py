"""The anonymous throttle answers like DRF's, in one Redis round trip with the Redis cache."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any
from unittest.mock import patch

from django.core.cache import cache
from django.test import TestCase, override_settings, tag

import time_machine
from rest_framework import throttling

from motcua.api.throttling import AnonRateThrottle

# Its own Redis database, flushed after (core/tests/test_cache.py has 10, the statistics 13).
REDIS_URL = os.environ.get("MOTCUA_TEST_THROTTLE_REDIS_URL", "redis://127.0.0.1:6379/9")
LOOKUP = "/api/v1/lookup/"
T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def _redis_caches() -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }


@tag("gh-4")
class AnonThrottleTests(TestCase):
    def run_requests(self, plan: list[tuple[float, str]]) -> list[tuple[int, str | None]]:
        """(status, Retry-After) for lookups at ``T0 + seconds`` from ``address``."""
        answers = []
        with patch.object(throttling.AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"}):
            for seconds, address in plan:
                with time_machine.travel(T0 + dt.timedelta(seconds=seconds), tick=False):
                    response = self.client.get(
                        LOOKUP, {"code": "X", "key": "Y"}, REMOTE_ADDR=address
                    )
                answers.append((response.status_code, response.headers.get("Retry-After")))
        return answers

    PLAN = [
        (0, "203.0.113.1"),
        (10, "203.0.113.1"),
        (20, "203.0.113.1"),
        (30, "203.0.113.1"),  # the 4th in a minute: 429, wait until 0 + 60
        (30, "203.0.113.2"),  # another address has its own window
        (59, "203.0.113.1"),  # still refused
        (60.5, "203.0.113.1"),  # the first has left the window
        (61, "203.0.113.1"),  # 10, 20 and 60.5 are in it: refused again
    ]

    def test_with_redis_the_answers_and_waits_are_drf_s(self) -> None:
        cache.clear()
        drf = self.run_requests(self.PLAN)  # the local-memory cache of the tests: DRF's code
        with override_settings(CACHES=_redis_caches()):
            from django.core.cache import caches

            self.assertEqual(type(caches["default"]).__name__, "RedisCache")
            self.addCleanup(caches["default"].clear)
            with patch.object(
                throttling.AnonRateThrottle,
                "allow_request",
                side_effect=AssertionError("DRF's cache path must not run with Redis"),
            ):
                ours = self.run_requests(self.PLAN)
        self.assertEqual(ours, drf)
        self.assertEqual([status for status, _ in ours], [404, 404, 404, 429, 404, 429, 404, 429])
        self.assertEqual(ours[3][1], "30")  # Retry-After: 60 - (30 - 0)

    def test_the_lookup_uses_it(self) -> None:
        from motcua.dossiers.api.views import DossierLookupApi

        self.assertEqual(DossierLookupApi.throttle_classes, [AnonRateThrottle])
