"""Telling people: an in-app notification and, when asked, an email — each in the reader's own
language (``title`` and ``body`` are callables evaluated under it). Call after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation

from compagnon.notifications.services import Message, notify_many


def absolute(url: str) -> str:
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + url


def _text(value) -> str:
    return str(value() if callable(value) else value)


def tell(users: Iterable, *, title: Callable | str, body: Callable | str = "", url: str = "", key: str,
         email: bool = False) -> int:
    """Notify ``users`` (a notification per user and ``key``: once), and email them if ``email``."""
    people = [u for u in users if u is not None]
    if not people:
        return 0
    notify_many([Message(user=u, title=title, body=body, url=url, key=key) for u in people])
    if email:
        from compagnon.core.tasks import send_email

        link = absolute(url) if url else ""
        for user in people:
            if not user.email:
                continue
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = _text(title)
                text = _text(body)
            send_email.enqueue(to=[user.email], subject=subject[:200], body="\n\n".join(p for p in (text, link) if p))
    return len(people)
