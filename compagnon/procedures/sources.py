"""Where a procedure was written from (``Procedure.source``, e.g. ``peerhelp.question:42``).

Peer help and after-sales sit above procedures, so they tell it how to name and link their
objects: ``register_source(prefix, resolver)`` from their ``AppConfig.ready()``, where
``resolver(user, object_id) -> (label, url) | None`` answers None when the reader may not see it.
Without a resolver, or for a reader who may not see it, the page says the kind of page in plain
words, without a link."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

KINDS = {"peerhelp.question": _("a question to colleagues"), "aftersales.case": _("an after-sales case")}
_RESOLVERS: dict[str, Callable] = {}


def register_source(prefix: str, resolver: Callable) -> None:
    _RESOLVERS[prefix] = resolver


def describe(user, source: str) -> dict | None:
    """{"label": words, "url": link or ""} for the page, or None when there is no source."""
    prefix, _sep, ident = str(source or "").partition(":")
    if prefix not in KINDS or not ident.isdigit():
        return None
    resolver = _RESOLVERS.get(prefix)
    found = None
    if resolver is not None:
        try:
            found = resolver(user, int(ident))
        except Exception:  # noqa: BLE001 - an upper app's resolver never breaks the page
            found = None
    if found:
        return {"label": found[0], "url": found[1]}
    return {"label": KINDS[prefix], "url": ""}
