"""Spam protection of the public pages without any third party.

* a honeypot field (``website``) people never see nor fill; robots do;
* the time the form was shown, signed into the form (``started``): sent back faster than
  ``MIN_SECONDS`` it is a robot, older than a day the page is stale;
* a limit per client address (``core.client_ip``) counted in the shared cache (``CACHE_URL``),
  so every web process counts together: ``LIMIT`` requests per ``WINDOW`` seconds.
"""

from __future__ import annotations

import time

from django.core import signing
from django.core.cache import cache

from compagnon.core.client_ip import client_ip

SALT = "compagnon.fieldwork.form-started"
MIN_SECONDS = 4
MAX_AGE = 24 * 3600
LIMIT = 5
WINDOW = 3600


def started_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=SALT)


def filled_too_fast(token: str, now: float | None = None) -> bool:
    """True when the form came back too fast, too late, or with a forged time."""
    try:
        started = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return True
    now = now if now is not None else time.time()
    return not isinstance(started, int) or now - started < MIN_SECONDS


def over_limit(request, action: str, *, limit: int = LIMIT, window: int = WINDOW) -> bool:
    """Count one more ``action`` from this address; True once it goes past ``limit``."""
    key = f"rl:fieldwork:{action}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return False
    return count > limit
