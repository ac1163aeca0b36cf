import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what, when, on which object. Written by services only; never edited.

    ``message`` is stored untranslated (a msgid marked with ``gettext_noop``) with its ``params``,
    and rendered in the reader's language by :attr:`text`.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # scoping axes: who may read this event
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        "members.Activity", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["member", "-created_at"]),
            models.Index(fields=["activity", "-created_at"]),
            models.Index(fields=["entity", "-created_at"]),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        params = {k: self._translate(v) for k, v in self.params.items()}
        try:
            return gettext(self.message) % params
        except (KeyError, TypeError, ValueError):
            return self.message

    @staticmethod
    def _translate(value):
        if isinstance(value, dict) and "date" in value:
            # events recorded before moments were stored as their day may hold a full timestamp
            return date_format(datetime.datetime.fromisoformat(value["date"]).date(), "SHORT_DATE_FORMAT")
        if isinstance(value, dict) and "msgid" in value:
            if value.get("context"):
                return pgettext(value["context"], value["msgid"])
            return gettext(value["msgid"])
        return value
