"""One reading asked by a page: the file waits in storage until the worker reads it, then only
the result is kept (the file is deleted), for the page that polls for it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def job_path(instance, filename):
    return f"ocr/{timezone.now():%Y%m}/{instance.pk}{'.pdf' if instance.content_type == 'application/pdf' else '.img'}"


class JobState(models.TextChoices):
    PENDING = "pending", _("being read")
    DONE = "done", _("read")
    NOTHING = "nothing", _("nothing read")
    FAILED = "failed", _("could not be read")


class ReadingJob(models.Model):
    """A receipt or an invoice to read in the background. Only the user who asked sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=30)  # the asking context, e.g. "expenses"
    file = models.FileField(upload_to=job_path, max_length=255, blank=True)
    content_type = models.CharField(max_length=60)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.PENDING)
    result = models.JSONField(_("result"), null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("receipt reading")
        verbose_name_plural = _("receipt readings")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.purpose} {self.pk} {self.state}"
