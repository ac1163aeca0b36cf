"""In-app notifications: what a person should know about, with a link to where it happened.

A notification is written in its reader's language when it is created (``services.notify`` renders
the title and body under the user's language). ``key`` makes a notification idempotent: the same
(user, key) is stored once, so a task that runs twice does not notify twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notif_user_newest"),
            # the unread count in every page header
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notif_user_unread"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                    name="notif_one_per_user_and_key"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
