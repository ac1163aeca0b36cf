"""The cache shared by every process (Redis in production), for what each request would otherwise
read from the database again: the signed-in user, their permission scope and memberships, the unread
count. Imports no context.

``shared_cache()`` answers None when there is no such cache (the development server's and the tests'
per-process memory, or the database cache, whose read is a query no cheaper than the ones it would
save): callers then read the database as before. ``PERMISSION_CACHE`` names another cache alias
(``""`` turns sharing off).

``forget(*keys)`` drops keys now and again once the current transaction commits: a request reading
the old rows in between would otherwise put them back until they expire.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import transaction


def shared_cache():
    alias = getattr(settings, "PERMISSION_CACHE", None)
    if alias is None:
        backend = settings.CACHES.get("default", {}).get("BACKEND", "")
        alias = "default" if backend.endswith("RedisCache") else ""
    return caches[alias] if alias else None


def forget(*keys: str) -> None:
    shared = shared_cache()
    keys = [k for k in keys if k]
    if shared is None or not keys:
        return
    shared.delete_many(keys)
    transaction.on_commit(lambda: shared.delete_many(keys))
