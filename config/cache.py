"""A Redis cache that never takes a page down with it.

The cache only speeds things up (rate-limit counters, the worker heartbeat, fragments):
when Redis is unreachable a read is a miss and a write is dropped, logged once a minute
at most, and the page is served from the database. Sockets time out after a second
(settings OPTIONS), so a dead Redis costs each request at most that, not a hang.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("cache unavailable (%s): %s; serving without it", operation, error)


class FailSafeRedisCache(RedisCache):
    def _safe(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except DOWN as error:
            _warn(operation, error)
            return default

    def get(self, key, default=None, version=None):
        return self._safe("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._safe("get_many", {}, keys, version)

    def set(self, *args, **kwargs):
        return self._safe("set", None, *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._safe("set_many", list(args[0]) if args else [], *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._safe("add", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._safe("delete", False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._safe("delete_many", None, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._safe("touch", False, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._safe("has_key", False, *args, **kwargs)

    def clear(self):
        return self._safe("clear", None)

    # incr/decr keep raising: a caller counting something (the rate limiter) must know
    # the count failed, and decides itself (it lets the request through).
