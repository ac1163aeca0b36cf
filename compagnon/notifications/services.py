"""Every change to notifications: creating them (for one or many people) and marking them read.

Creating is done by other contexts' services and tasks (no permission: the system tells a person
something about what they may see; the link still goes through that page's permission checks).
Marking read is the reader's own action, on their own notifications only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from .models import Notification


@dataclass(frozen=True)
class Message:
    """One notification to create. ``title`` and ``body`` are callables or plain strings; callables
    are called under the reader's language, so each person reads it in their own."""

    user: object  # a User (``pk`` and ``language`` are read)
    title: object
    body: object = ""
    url: str = ""
    key: str = ""


def _text(value) -> str:
    return str(value() if callable(value) else value)


def notify_many(messages: Iterable[Message], *, batch_size: int = 1000) -> int:
    """Store notifications in bulk; a (user, key) already stored is skipped. Returns how many
    were given (skipped duplicates included: databases do not all report them)."""
    rows, now, by_language = [], timezone.now(), {}
    for m in messages:
        by_language.setdefault(getattr(m.user, "language", None) or None, []).append(m)
    for language, group in by_language.items():
        with translation.override(language):  # once per language, not per message
            rows += [Notification(user_id=m.user.pk, title=_text(m.title)[:200], body=_text(m.body),
                                  url=m.url[:500], key=m.key[:120], created_at=now) for m in group]
    Notification.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return len(rows)


def notify(user, *, title, body="", url: str = "", key: str = "") -> None:
    notify_many([Message(user=user, title=title, body=body, url=url, key=key)])


@transaction.atomic
def mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of ``user``'s notifications read, or all of them (``notification=None``)."""
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
