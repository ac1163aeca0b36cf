"""CACHES from one ``CACHE_URL`` (read by settings.py before Django is set up).

The cache holds the rate limits (allauth's login, password reset… and DRF throttles when set), so it
must be shared by every web worker: never the per-process LocMem cache.

- unset, or ``db://`` / ``db://table_name``: Django's database cache (table ``compagnon_cache``,
  made by ``manage.py createcachetable``, which ``make migrate`` runs; pytest-django makes it for
  the test database). Nothing else to run.
- ``redis://host:6379/0``, ``rediss://…`` (TLS), ``unix:///path/redis.sock``: Django's built-in
  Redis backend; needs the ``redis`` package (``pip install redis``).
- ``locmem://``: one process only, for experiments; refused in production (see core.checks).
"""

from importlib.util import find_spec
from urllib.parse import urlsplit

DEFAULT_TABLE = "compagnon_cache"


class CacheUrlError(ValueError):
    pass


def caches_from_url(url: str | None, *, redis_available: bool | None = None) -> dict:
    url = (url or "").strip()
    scheme = urlsplit(url).scheme.lower() if url else "db"
    if scheme == "db":
        table = urlsplit(url).netloc or urlsplit(url).path.strip("/") if url else ""
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": table or DEFAULT_TABLE,
            }
        }
    if scheme in ("redis", "rediss", "unix"):
        if redis_available is None:
            redis_available = find_spec("redis") is not None
        if not redis_available:
            raise CacheUrlError(
                f"CACHE_URL={scheme}://… needs the 'redis' Python package, which is not installed: "
                "run `pip install redis` in the app's environment, or unset CACHE_URL to use the "
                "database cache."
            )
        return {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
    if scheme == "locmem":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    raise CacheUrlError(
        f"CACHE_URL scheme '{scheme}' is not supported: use db:// (the default), redis://host:6379/0,"
        " rediss://… or unix:///path/to/redis.sock."
    )
