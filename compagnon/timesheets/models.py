"""Time spent and expenses laid out for a client, and the statements of work done built from them.

A statement of work done ("devis après travail") is a sales ``Document`` of kind ``statement``: the
member records the time really spent, sends the client a periodic statement for agreement, then
turns the accepted statement into an invoice. An entry put on a statement points to it; once the
statement has left the draft state (sent, accepted…), the entry is locked.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .duration import MAX_MINUTES, format_minutes, hours


class TimesheetSettings(models.Model):
    """Per activity: the hourly rate used when neither the entry nor the client has one."""

    activity = models.OneToOneField(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="timesheet_settings",
        verbose_name=_("activity"),
    )
    hourly_rate = models.DecimalField(
        _("hourly rate excl. VAT"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("time settings")
        verbose_name_plural = _("time settings")

    def __str__(self):
        return f"{self.activity}: {self.hourly_rate}"


class ClientRate(models.Model):
    """The hourly rate agreed with one client (overrides the activity's rate)."""

    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="timesheet_rate",
        verbose_name=_("client"),
    )
    hourly_rate = models.DecimalField(
        _("hourly rate excl. VAT"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("client hourly rate")
        verbose_name_plural = _("client hourly rates")

    def __str__(self):
        return f"{self.client}: {self.hourly_rate}"


class GroupBy(models.TextChoices):
    WEEK = "week", pgettext_lazy("statement grouping", "one section per week")
    DESCRIPTION = "description", pgettext_lazy("statement grouping", "one section per task")


class StatementPeriod(models.Model):
    """What a statement of work done covers: remembered to rebuild its lines when an entry on it
    changes while it is still a draft, and to list statements by period."""

    document = models.OneToOneField(
        "sales.Document",
        on_delete=models.CASCADE,
        related_name="statement_period",
        verbose_name=_("statement"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="statement_periods",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="statement_periods",
        verbose_name=_("client"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    group_by = models.CharField(
        _("sections"), max_length=12, choices=GroupBy.choices, default=GroupBy.WEEK
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement period")
        verbose_name_plural = _("statement periods")
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["activity", "-period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="statement_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.document} ({self.period_start} – {self.period_end})"


class TimeEntry(models.Model):
    """Time one member spent for an activity, on a given day, usually for a client."""

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="time_entries",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("client"),
    )
    quote = models.ForeignKey(
        "sales.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
        limit_choices_to={"kind": "quote"},
        verbose_name=_("quote"),
        help_text=_("Time spent on a quoted job is billed by the quote, not by a statement."),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("done by"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    duration = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)],
    )
    description = models.CharField(_("what was done"), max_length=300)
    billable = models.BooleanField(_("billable"), default=True)
    hourly_rate = models.DecimalField(
        _("hourly rate excl. VAT"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty to use the client's or the activity's rate."),
    )
    statement = models.ForeignKey(
        "sales.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_time_entries",
        limit_choices_to={"kind": "statement"},
        verbose_name=_("statement"),
        editable=False,
    )
    # Chosen by the phone when the entry is typed: a form sent twice (queued offline, replayed
    # when the network returns, or a double tap) creates one entry.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["activity", "date"]),
            models.Index(fields=["client", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration__gte=1, duration__lte=MAX_MINUTES),
                name="time_entry_duration_range",
            ),
            models.UniqueConstraint(
                fields=["member", "client_key"], name="time_entry_client_key_once"
            ),
        ]

    def __str__(self):
        return f"{self.date} {format_minutes(self.duration)} {self.description[:40]}"

    @property
    def duration_display(self) -> str:
        return format_minutes(self.duration)

    @property
    def hours(self) -> Decimal:
        return hours(self.duration)

    @property
    def is_locked(self) -> bool:
        """On a statement that has left the draft state: the client has seen it."""
        return self.statement_id is not None and self.statement.state != "draft"


class ExpenseEntry(models.Model):
    """An expense paid for a client and billed back to them on the next statement."""

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="expense_entries",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="expense_entries",
        verbose_name=_("client"),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    description = models.CharField(_("what was bought"), max_length=300)
    amount = models.DecimalField(
        _("amount excl. VAT"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    statement = models.ForeignKey(
        "sales.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statement_expenses",
        limit_choices_to={"kind": "statement"},
        verbose_name=_("statement"),
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expense to bill back")
        verbose_name_plural = _("expenses to bill back")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["activity", "client", "date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_amount_positive")
        ]

    def __str__(self):
        return f"{self.date} {self.description[:40]} {self.amount}"

    @property
    def is_locked(self) -> bool:
        return self.statement_id is not None and self.statement.state != "draft"
