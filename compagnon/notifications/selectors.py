"""Reads of notifications: a person only ever sees their own (anything else is a 404)."""

from django.db.models import QuerySet

from .models import Notification


def notifications(user) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def notification(user, pk: int) -> Notification:
    return notifications(user).get(pk=pk)


UNREAD_KEY = "notifications:unread:{}"
UNREAD_CACHE_SECONDS = 300


def unread_count(user) -> int:
    """The number in the bell of every page. With a shared fast cache (Redis, the one that keeps the
    permission scopes) it is read from there: creating or marking notifications read drops the entry
    (``services.forget_unread``), so a change shows on the next page."""
    if user is None or not user.is_authenticated:
        return 0
    from compagnon.permissions import _shared_cache

    shared = _shared_cache()
    count = shared.get(UNREAD_KEY.format(user.pk)) if shared is not None else None
    if not isinstance(count, int):
        count = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
        if shared is not None:
            shared.set(UNREAD_KEY.format(user.pk), count, UNREAD_CACHE_SECONDS)
    return count
