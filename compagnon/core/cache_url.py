"""CACHES from one ``CACHE_URL`` (read by settings.py before Django is set up).

The cache holds the rate limits (allauth's login, password reset… and DRF throttles when set), so it
must be shared by every web worker: never the per-process LocMem cache.

- unset, or ``db://`` / ``db://table_name``: Django's database cache (table ``compagnon_cache``,
  made by ``manage.py createcachetable``, which ``make migrate`` runs; pytest-django makes it for
  the test database). Nothing else to run.
- ``redis://host:6379/0``, ``rediss://…`` (TLS), ``unix:///path/redis.sock``: Django's built-in
  Redis backend; needs the ``redis`` package (``pip install redis``).
- ``locmem://``: one process only, for experiments; refused in production (see core.checks).

A second alias, ``pdf_previews``, holds the rendered PDFs of drafts (``sales.pdf_cache``) on the same
backend but apart from the rate limits: its own table (``<table>_pdf_previews``, made by the same
``createcachetable``) or its own key prefix in Redis, so previews culled or evicted never take a
rate-limit counter with them. Entries live a day.
"""

from importlib.util import find_spec
from urllib.parse import urlsplit

DEFAULT_TABLE = "compagnon_cache"
PREVIEWS = "pdf_previews"
PREVIEW_TIMEOUT = 24 * 3600
PREVIEW_MAX_ENTRIES = 500  # ~500 drafts' PDFs of 20–200 kB: at most ~130 MB base64 in the table


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
            },
            PREVIEWS: {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": f"{table or DEFAULT_TABLE}_{PREVIEWS}",
                "TIMEOUT": PREVIEW_TIMEOUT,
                "OPTIONS": {"MAX_ENTRIES": PREVIEW_MAX_ENTRIES},
            },
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
        backend = "compagnon.core.redis_cache.RedisCache"  # one client per pool, not one per call
        return {
            "default": {"BACKEND": backend, "LOCATION": url},
            PREVIEWS: {
                "BACKEND": backend,
                "LOCATION": url,
                "KEY_PREFIX": PREVIEWS,
                "TIMEOUT": PREVIEW_TIMEOUT,
            },
        }
    if scheme == "locmem":
        backend = "django.core.cache.backends.locmem.LocMemCache"
        return {
            "default": {"BACKEND": backend},
            PREVIEWS: {
                "BACKEND": backend,
                "LOCATION": PREVIEWS,
                "TIMEOUT": PREVIEW_TIMEOUT,
                "OPTIONS": {"MAX_ENTRIES": PREVIEW_MAX_ENTRIES},
            },
        }
    raise CacheUrlError(
        f"CACHE_URL scheme '{scheme}' is not supported: use db:// (the default), redis://host:6379/0,"
        " rediss://… or unix:///path/to/redis.sock."
    )
