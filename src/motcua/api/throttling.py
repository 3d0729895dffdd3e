"""The anonymous API throttle in one Redis round trip (gh-4 item 13).

DRF's ``SimpleRateThrottle`` keeps each address's recent request instants as a
pickled list in the cache: a GET, then a SET, on every anonymous request. On
the public lookup those two round trips were a sixth of the request's CPU.
With motcua's Redis cache (production) this throttle keeps the same sliding
window as a sorted set and decides with one Lua script (drop the instants
older than the window, count, add this one if under the limit), so the answer,
the ``Retry-After`` and the rates (``DEFAULT_THROTTLE_RATES``) are DRF's.
Without Redis (the embedded mode's local-memory cache) it is DRF's throttle.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache as django_cache
from django.core.cache import caches

from rest_framework import throttling

from motcua.core.cache import RedisCache

# KEYS[1]: the window; ARGV: now, duration (s), limit, this request's member.
# Returns {allowed, count in the window, oldest instant in it}.
_WINDOW = """
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, count, oldest[2]}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1, count + 1, ''}
"""
_scripts: dict[int, Any] = {}


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's ``AnonRateThrottle`` (scope ``anon``, same key, same window and wait)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        # DRF's class attribute is the proxy of the default cache: resolve it.
        cache = caches["default"] if self.cache is django_cache else self.cache
        if not isinstance(cache, RedisCache) or self.rate is None:
            return bool(super().allow_request(request, view))
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        client = cache._cache.get_client(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts.setdefault(id(client), client.register_script(_WINDOW))
        self.now = self.timer()
        # A key of its own: a window written by DRF's throttle is a pickled list.
        key = cache.make_key(f"{self.key}:window")
        member = f"{self.now!r}:{secrets.token_hex(4)}"
        limit, duration = self.num_requests, self.duration  # type: ignore[attr-defined]
        allowed, count, oldest = script(keys=[key], args=[repr(self.now), duration, limit, member])
        if allowed:
            return True
        # DRF's wait() reads the window's length and its oldest instant (history[-1]).
        self.history = [self.now] * (int(count) - 1) + [float(oldest)]
        return False
