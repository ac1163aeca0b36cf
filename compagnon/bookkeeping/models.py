"""Manual entries, recurring entries and year-end closings of an entity's books.

A ``ManualEntry`` is a draft the accountants edit; validating it posts it through
``ledger.services.post_entry`` in the miscellaneous operations journal (role "misc", FR/BE "OD").
Above the entity's threshold (``BookkeepingSettings``) a second accountant, not the author, must
validate it. A posted manual entry is never changed: it is reversed (``ledger.reverse_entry``).

A ``RecurringTemplate`` makes one manual entry per period (month, quarter, year); the
``(template, period)`` pair is unique, so the daily run is idempotent.

A ``YearClosing`` records the closing of one year of one entity: the closing entry (31 December,
journal "CLO"), the opening entry (1 January, journal "AN"/"OUV"), the period lock and the result
of each activity (docs/decisions/0032-year-end-closing.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_THRESHOLD = Decimal("10000.00")


class BookkeepingSettings(models.Model):
    entity = models.OneToOneField(
        "organisation.Entity",
        on_delete=models.CASCADE,
        related_name="bookkeeping_settings",
        verbose_name=_("entity"),
    )
    second_validation_threshold = models.DecimalField(
        _("second validation above (€)"),
        max_digits=14,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
        help_text=_("A manual entry above this total needs a second accountant to validate it."),
    )

    class Meta:
        verbose_name = _("bookkeeping settings")
        verbose_name_plural = _("bookkeeping settings")

    def __str__(self):
        return f"{self.entity_id}: {self.second_validation_threshold}"


class ManualEntryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("manual entry", "draft")
    TO_VALIDATE = "to_validate", pgettext_lazy("manual entry", "waiting for a second validation")
    POSTED = "posted", pgettext_lazy("manual entry", "recorded")
    REFUSED = "refused", pgettext_lazy("manual entry", "refused")
    REVERSED = "reversed", pgettext_lazy("manual entry", "reversed")


OPEN_STATUSES = (ManualEntryStatus.DRAFT, ManualEntryStatus.TO_VALIDATE, ManualEntryStatus.REFUSED)
EDITABLE_STATUSES = (ManualEntryStatus.DRAFT, ManualEntryStatus.REFUSED)


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("every month")
    QUARTERLY = "quarterly", _("every quarter")
    YEARLY = "yearly", _("every year")


class RecurringTemplate(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="recurring_templates",
        verbose_name=_("entity"),
    )
    label = models.CharField(_("label"), max_length=200)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    day = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        help_text=_("From 1 to 28, so that every month has it."),
    )
    start_date = models.DateField(_("first period"))
    end_date = models.DateField(_("last period"), null=True, blank=True)
    auto_post = models.BooleanField(
        _("record without review"),
        default=False,
        help_text=_("Unticked, each period makes a draft that an accountant validates."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recurring entry")
        verbose_name_plural = _("recurring entries")
        ordering = ["entity_id", "label", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day__gte=1, day__lte=28), name="bookkeeping_template_day_1_28"
            ),
        ]

    def __str__(self):
        return self.label


class RecurringLine(models.Model):
    template = models.ForeignKey(RecurringTemplate, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    debit = models.DecimalField(_("debit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    third_party = models.CharField(_("third party"), max_length=200, blank=True)

    class Meta:
        ordering = ["template_id", "id"]

    def __str__(self):
        return f"{self.account_id}: D {self.debit} C {self.credit}"


class ManualEntry(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="manual_entries",
        verbose_name=_("entity"),
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ManualEntryStatus.choices,
        default=ManualEntryStatus.DRAFT,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    first_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first validation by"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refused by"),
    )
    refusal_reason = models.TextField(_("reason of the refusal"), blank=True)
    entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entry"),
    )
    reversal = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversal"),
    )
    template = models.ForeignKey(
        RecurringTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("recurring entry"),
    )
    period = models.CharField(
        _("period"), max_length=10, blank=True
    )  # "2026-03", "2026-Q1", "2026"
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manual entry")
        verbose_name_plural = _("manual entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "period"],
                condition=Q(template__isnull=False),
                name="bookkeeping_one_entry_per_period",
            ),
        ]
        indexes = [models.Index(fields=["entity", "status", "date"])]

    def __str__(self):
        return f"{self.date} {self.label}"

    @property
    def total(self) -> Decimal:
        return sum((line.debit for line in self.lines.all()), Decimal("0.00"))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines.all()), Decimal("0.00"))

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ManualEntryLine(models.Model):
    manual_entry = models.ForeignKey(ManualEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    debit = models.DecimalField(_("debit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    third_party = models.CharField(_("third party"), max_length=200, blank=True)

    class Meta:
        ordering = ["manual_entry_id", "id"]

    def __str__(self):
        return f"{self.account_id}: D {self.debit} C {self.credit}"


def attachment_path(instance, filename):
    return f"manual_entries/{instance.manual_entry.entity_id}/{instance.manual_entry_id}/{filename}"


class ManualEntryAttachment(models.Model):
    """A supporting document kept with the entry (a contract, a bank letter…); never deleted once
    the entry is recorded."""

    manual_entry = models.ForeignKey(
        ManualEntry, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manual_entry_id", "id"]

    def __str__(self):
        return self.filename


class YearClosing(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="year_closings",
        verbose_name=_("entity"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed on"), auto_now_add=True)
    closing_entry = models.OneToOneField(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opening_entry = models.OneToOneField(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lock = models.OneToOneField(
        "ledger.PeriodLock", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # [{"activity": id or None, "name": str, "income": "…", "expenses": "…", "result": "…"}]
    results = models.JSONField(default=list)

    class Meta:
        verbose_name = _("year closing")
        verbose_name_plural = _("year closings")
        ordering = ["entity_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="bookkeeping_year_closed_once")
        ]

    def __str__(self):
        return f"{self.entity_id} {self.year}"
