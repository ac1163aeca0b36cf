"""Reads of notifications: a person only ever sees their own (anything else is a 404)."""

from django.db.models import QuerySet

from .models import Notification


def notifications(user) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def notification(user, pk: int) -> Notification:
    return notifications(user).get(pk=pk)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
