"""The kernel's one table: which periodic job ran on which day (see ``compagnon.core.schedule``)."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One day's run of a periodic job, claimed by the first process that inserts it.

    The unique (job, day) pair is the guard: cron on every machine, a self-rescheduling task
    enqueued twice or several workers picking the same job all try to insert the row; one
    succeeds and runs the job, the others stop. ``finished_at`` and ``result`` say how it went,
    ``error`` why it failed (a failed or abandoned claim may be taken over, see ``schedule.claim``).
    """

    job = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # host:pid of the process that ran it
    runner = models.CharField(_("run by"), max_length=200, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="core_one_run_per_job_and_day")
        ]

    def __str__(self):
        return f"{self.job} {self.day.isoformat()}"
