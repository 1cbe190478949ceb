"""Redis as a cache that a Redis outage cannot turn into errors.

The cache holds what can be lost: allauth's rate-limit counters and computed figures. When Redis is
away, Django's own backend raises on every read, so signing in fails while the broker is down: the one
thing a person does that must not depend on it. Here a read misses and a write is dropped, with one
warning per failure in the log; the rate limits start counting again when Redis comes back.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_MISSING = object()


def _degrade(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("cache unavailable, %s skipped: %s", method.__name__, error)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _incremented(key, delta=1, *args, **kwargs):
    # As if the key had just been set to 0: a counter that cannot be read counts from nothing.
    return delta


class _ReusedClients(RedisCacheClient):
    """Django's client, with one ``redis.Redis`` per connection pool instead of one per operation.

    Each ``redis.Redis()`` builds its table of about 300 response callbacks: 0.3 ms a request for the two
    or three cache operations of a page kept by organizations/pagecache.py. A client is only a view of
    its pool, and safe to share between threads (redis-py's own documentation).
    """

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    @functools.cached_property
    def _clients(self):
        return {}


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients

    get = _degrade(_default)(RedisCache.get)
    get_many = _degrade({})(RedisCache.get_many)
    has_key = _degrade(False)(RedisCache.has_key)
    set = _degrade(None)(RedisCache.set)
    set_many = _degrade(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    # As if the key had been absent and stored: a lock taken on a cache that is away must not hold
    # everyone back (allauth takes one around each rate-limit count).
    add = _degrade(True)(RedisCache.add)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    delete_many = _degrade(None)(RedisCache.delete_many)
    incr = _degrade(_incremented)(RedisCache.incr)
    decr = _degrade(lambda key, delta=1, *args, **kwargs: -delta)(RedisCache.decr)
    clear = _degrade(False)(RedisCache.clear)
