"""Django's Redis cache backend, without a new client object on every call (gh-4 item 13).

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` around the connection pool for every cache operation; that
constructor was a third of the public lookup's throttle check, which reads
and writes the cache on every request. A ``redis.Redis`` object is a
thread-safe wrapper of its pool, so one per pool serves every thread of the
process. Behaviour is otherwise Django's own.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
