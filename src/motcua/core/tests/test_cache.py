"""The Redis cache backend keeps Django's behaviour and reuses one client per pool."""

from __future__ import annotations

import os
import threading
import uuid

from django.test import SimpleTestCase, tag

from motcua.core.cache import RedisCache

# Its own Redis database (the bench uses 12 and 14, the statistics tests 13), flushed after.
REDIS_URL = os.environ.get("MOTCUA_TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/10")


@tag("gh-4")
class RedisCacheTests(SimpleTestCase):
    def setUp(self) -> None:
        self.cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
        self.addCleanup(self.cache.clear)

    def test_it_stores_and_reads_like_django_s_backend(self) -> None:
        self.cache.set("throttle_anon_192.0.2.1", [1.5, 2.5], 60)
        self.assertEqual(self.cache.get("throttle_anon_192.0.2.1"), [1.5, 2.5])
        self.assertTrue(self.cache.add("k", "v", 60))
        self.assertFalse(self.cache.add("k", "w", 60))
        self.cache.set("n", 1, 60)
        self.assertEqual(self.cache.incr("n", 2), 3)
        self.cache.delete("k")
        self.assertIsNone(self.cache.get("k"))

    def test_one_client_serves_every_call_and_thread(self) -> None:
        client = self.cache._cache.get_client(write=True)
        self.assertIs(self.cache._cache.get_client(write=True), client)
        errors: list[BaseException] = []

        def work(n: int) -> None:
            try:
                for i in range(50):
                    self.cache.set(f"t{n}-{i}", i, 60)
                    assert self.cache.get(f"t{n}-{i}") == i
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
