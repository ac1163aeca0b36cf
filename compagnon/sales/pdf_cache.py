"""A draft's PDF rendered once per content, then served from the ``pdf_previews`` cache.

A draft has no archived PDF: it prints ``snapshot(document, freeze_logo=False)``, and WeasyPrint
takes 0.6–0.8 s for that (seconds under load). The bytes are therefore kept under the SHA-256 of
everything that changes them (``content_digest``):

- the snapshot, serialized canonically (sorted keys, decimals and dates as strings): lines, client,
  texts, language, brand colour, and the logo by its stored name — every upload gets a new name
  (``members.models.logo_path``), so a new logo is a new key;
- the renderer: the document template, the template filters, ``pdf.py``, the translation catalog
  of the document's language, the Django and WeasyPrint versions and ``FORMAT`` (bump it to drop
  every entry) — a deploy that changes how documents print renders them again;
- the document's id: two drafts never share an entry.

An unchanged draft asked again is read from the cache; a browser asking again with the digest as
``If-None-Match`` gets 304 before the cache is read (``views_pdf.rendered_pdf_response``).

Where: the ``pdf_previews`` cache alias (``core.cache_url``), on the same backend as the default
cache but apart from the rate limits — its own table for the database cache (which culls a third of
its rows, in key order, past MAX_ENTRIES: shared, previews would push login counters out), its own
key prefix in Redis. Entries live a day. A PDF of 20–200 kB is stored base64-encoded in a text
column by the database cache (no practical limit on PostgreSQL or SQLite; Redis takes 512 MB);
above MAX_CACHED_BYTES (a draft with a huge logo) it is rendered each time instead. Storage was the
other choice: no expiry (it would need a purge job), one more round trip to S3, and files that a
misconfigured media URL could expose.

Permission is the caller's: the key is derived from content the caller has already read through
the scoped selectors, never taken from the request, so no one reaches an entry without the check.

Two requests for the same new content: the first takes a short lock (``cache.add``) and renders;
the other waits up to LOCK_WAIT seconds for its bytes, then renders anyway.

The member's "Download draft PDF" (``views.document_pdf``) does not render in the web process:
``prepared`` asks the task worker once per content (``tasks.render_draft_pdf``) and the page shows
the HTML preview, which reloads itself until the PDF is there (docs/decisions/0016). If no worker
took the job within FALLBACK_AFTER seconds, the web process renders it after all; with the
immediate task backend (no worker process) at once. The API keeps
``cached_pdf`` (a program cannot follow a page that reloads itself).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils.translation import to_locale

from compagnon.core.cache_url import PREVIEWS

from . import pdf
from .pdf import render_pdf

FORMAT = 1
TEMPLATE = "sales/pdf/document.html"
MAX_CACHED_BYTES = 4 * 1024 * 1024
LOCK_SECONDS = 30  # a lock left by a process that died frees itself
LOCK_WAIT = 5.0
POLL = 0.2
QUEUED_SECONDS = 120  # a content asked of the worker is not asked again for this long
FALLBACK_AFTER = 20.0  # no PDF this long after asking the worker: render in the web process

_file_digests: dict[str, tuple[tuple[int, int], str]] = {}


def _file_digest(path: str) -> str:
    """SHA-256 of a file, read again only when its size or modification time changes."""
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _file_digests.get(path)
    if known is None or known[0] != stamp:
        known = (stamp, hashlib.sha256(Path(path).read_bytes()).hexdigest())
        _file_digests[path] = known
    return known[1]


@lru_cache(maxsize=1)
def _versions() -> str:
    return f"django {django.get_version()} weasyprint {version('weasyprint')} {pdf.PDF_VARIANT}"


def renderer(language: str) -> list[str]:
    """What, besides the snapshot, decides the bytes of a document in ``language``."""
    from .templatetags import sales_tags

    files = [get_template(TEMPLATE).origin.name, sales_tags.__file__, pdf.__file__]
    files += [
        str(Path(folder) / to_locale(language) / "LC_MESSAGES" / "django.mo")
        for folder in settings.LOCALE_PATHS
    ]
    return [f"{FORMAT}", _versions(), *(_file_digest(str(f)) for f in files)]


def content_digest(document, snap: dict) -> str:
    payload = json.dumps(
        {
            "document": document.pk,
            "renderer": renderer(snap.get("language") or ""),
            "snapshot": snap,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def cached_pdf(digest: str, snap: dict) -> bytes:
    """The PDF of ``snap`` whose ``content_digest`` is ``digest``: from the cache, else rendered."""
    cache = caches[PREVIEWS]
    key = f"pdf:{digest}"
    data = cache.get(key)
    if data is not None:
        return data
    lock = f"{key}:lock"
    locked = cache.add(lock, 1, LOCK_SECONDS)
    if not locked:  # someone renders the same content: wait for it, within bounds
        deadline = time.monotonic() + LOCK_WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            data = cache.get(key)
            if data is not None:
                return data
    try:
        data = render_pdf(snap)
        if len(data) <= MAX_CACHED_BYTES:
            cache.set(key, data)
    finally:
        if locked:
            cache.delete(lock)
    return data


def prepared(document, snap: dict, digest: str) -> bytes | None:
    """The PDF of ``snap`` if it is ready; else None, after asking the task worker to render it
    (once per content). With the immediate task backend (tests, development without a worker) it
    is rendered here at once, as the job would be. A job the worker has not done within
    FALLBACK_AFTER seconds (no worker running, a long queue) is rendered here too."""
    from .tasks import render_draft_pdf

    if render_draft_pdf.get_backend().__class__.__name__ == "ImmediateBackend":
        return cached_pdf(digest, snap)  # no worker process: the job would run here anyway
    cache = caches[PREVIEWS]
    key = f"pdf:{digest}"
    data = cache.get(key)
    if data is not None:
        return data
    asked = cache.get(f"{key}:queued")
    if asked is None:
        if cache.add(f"{key}:queued", time.time(), QUEUED_SECONDS):
            render_draft_pdf.enqueue(document_id=document.pk)
        return None
    if time.time() - asked > FALLBACK_AFTER:
        return cached_pdf(digest, snap)
    return None


def render_for_worker(document) -> str:
    """The task's part: the draft's PDF as it is now, rendered unless the cache already has it
    (the member may have changed the draft since asking: what is rendered is what they will ask
    next). Returns the digest."""
    from .freeze import snapshot

    snap = snapshot(document, freeze_logo=False)
    digest = content_digest(document, snap)
    cached_pdf(digest, snap)
    return digest
