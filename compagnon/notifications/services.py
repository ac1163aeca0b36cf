"""Every change to notifications: creating them (for one or many people) and marking them read.

Creating is done by other contexts' services and tasks (no permission: the system tells a person
something about what they may see; the link still goes through that page's permission checks).
Marking read is the reader's own action, on their own notifications only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from .models import Notification
from .selectors import UNREAD_KEY


@dataclass(frozen=True)
class Message:
    """One notification to create. ``title`` and ``body`` are callables or plain strings; callables
    are called under the reader's language, so each person reads it in their own."""

    user: object  # a User (``pk`` and ``language`` are read)
    title: object
    body: object = ""
    url: str = ""
    key: str = ""


def forget_unread(user_ids: Iterable[int]) -> None:
    """Drop the cached unread counts of these people (now, and again at commit: a page read in
    between would cache the old count)."""
    from compagnon.permissions import _shared_cache

    shared = _shared_cache()
    keys = [UNREAD_KEY.format(pk) for pk in set(user_ids) if pk is not None]
    if shared is None or not keys:
        return
    shared.delete_many(keys)
    transaction.on_commit(lambda: shared.delete_many(keys))


def _notification_changed(sender, instance, **kwargs) -> None:
    forget_unread([instance.user_id])


post_save.connect(_notification_changed, sender=Notification, dispatch_uid="notification-saved")
post_delete.connect(_notification_changed, sender=Notification, dispatch_uid="notification-deleted")


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
    forget_unread(row.user_id for row in rows)
    return len(rows)


def notify(user, *, title, body="", url: str = "", key: str = "") -> None:
    notify_many([Message(user=user, title=title, body=body, url=url, key=key)])


@transaction.atomic
def mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of ``user``'s notifications read, or all of them (``notification=None``)."""
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    forget_unread([user.pk])
    return qs.update(read_at=timezone.now())
