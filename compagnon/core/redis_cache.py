"""Django's Redis cache, keeping one Redis client per connection pool.

Django's backend builds a new ``redis.Redis`` client object for every cache call; each request of a
signed-in person makes four or five (session, user, permission scope, unread count), and building
the client costs more than the call itself. A client is only a handle on its connection pool and is
safe to share between threads, so one per pool is kept. Selected by ``CACHE_URL=redis://…``
(``core.cache_url``). Imports no context.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
