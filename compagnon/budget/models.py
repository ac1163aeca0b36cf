"""Configuration of the activity budget, and the movements of money between activities.

The budget itself is never stored: ``selectors.budget`` computes it from the ledger every time.
What is stored here is what the ledger cannot say: the contribution rates (with validity dates),
each entity's reserve and automatic-approval rules, and the movement requests with their decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RevenueKind(models.TextChoices):
    ALL = "", pgettext_lazy("revenue kind", "all revenue")
    GOODS = "goods", pgettext_lazy("revenue kind", "sales of goods")
    SERVICES = "services", pgettext_lazy("revenue kind", "services")


class ContributionRate(models.Model):
    """The cooperative's contribution on cashed revenue, valid from ``valid_from`` to
    ``valid_until`` (included; empty: still valid). An activity's row beats the entity's row; a row
    for one revenue kind beats a row for all revenue. Without any row, the activity's contribution
    rate (override, else the entity's) applies."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.CASCADE,
        related_name="contribution_rates",
        verbose_name=_("entity"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contribution_rates",
        verbose_name=_("activity"),
        help_text=_("Empty: the rate of every activity of the entity."),
    )
    revenue_kind = models.CharField(
        _("revenue kind"), max_length=10, choices=RevenueKind.choices, blank=True, default=""
    )
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution rate")
        verbose_name_plural = _("contribution rates")
        ordering = ["entity_id", "activity_id", "revenue_kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="budget_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="budget_rate_dates",
            ),
        ]
        indexes = [models.Index(fields=["entity", "activity"])]

    def __str__(self):
        return f"{self.rate} % ({self.get_revenue_kind_display()}) {self.valid_from}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.activity_id and self.entity_id and self.activity.entity_id != self.entity_id:
            raise ValidationError({"activity": _("This activity belongs to another entity.")})
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end comes before the start.")})


class ReserveRule(models.TextChoices):
    NONE = "none", pgettext_lazy("reserve", "no reserve")
    FIXED = "fixed", pgettext_lazy("reserve", "a fixed amount")
    SALARY_MONTHS = "salary_months", pgettext_lazy("reserve", "months of average salary")


class BudgetPolicy(models.Model):
    """What an entity keeps aside in each activity, and which movements need no advisor."""

    entity = models.OneToOneField(
        "organisation.Entity",
        on_delete=models.CASCADE,
        related_name="budget_policy",
        verbose_name=_("entity"),
    )
    reserve_rule = models.CharField(
        _("reserve"), max_length=14, choices=ReserveRule.choices, default=ReserveRule.NONE
    )
    reserve_amount = models.DecimalField(
        _("fixed reserve"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    reserve_months = models.DecimalField(
        _("months of salary kept"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        help_text=_("Times the average monthly salary cost of the last 3 months."),
    )
    auto_approve_below = models.DecimalField(
        _("automatic approval below"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Movements of established members below this amount are approved without an "
            "advisor. 0: every movement waits for an advisor."
        ),
    )

    class Meta:
        verbose_name = _("budget rules")
        verbose_name_plural = _("budget rules")

    def __str__(self):
        return str(self.entity_id)


class MovementStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("movement", "waiting for approval")
    APPROVED = "approved", pgettext_lazy("movement", "approved")
    REFUSED = "refused", pgettext_lazy("movement", "refused")


class Movement(models.Model):
    """Money moved from one activity's budget to another's: asked by a member, decided by an
    advisor (or automatically), then posted once in the ledger (``entry``)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="budget_movements",
        verbose_name=_("entity"),
    )
    source = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="budget_movements_out",
        verbose_name=_("from activity"),
    )
    target = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="budget_movements_in",
        verbose_name=_("to activity"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=MovementStatus.choices, default=MovementStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="budget_movements",
        verbose_name=_("asked by"),
    )
    requested_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    automatic = models.BooleanField(_("approved automatically"), default=False)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True, max_length=1000)
    entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_movement",
        verbose_name=_("entry"),
    )

    class Meta:
        verbose_name = _("movement between activities")
        verbose_name_plural = _("movements between activities")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_movement_positive"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="budget_movement_two_activities"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(entry__isnull=False),
                name="budget_movement_approved_posted",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "status"]),
            models.Index(fields=["target", "status"]),
            models.Index(fields=["entity", "status"]),
        ]

    def __str__(self):
        return f"{self.source_id} → {self.target_id}: {self.amount}"


class ContributionCharge(models.Model):
    """The contribution charged on the cash one ledger entry brought to one activity: the detail
    behind the contribution entry (``entry``) the budget posts with it (docs/decisions/0017).

    Written once, with the entry, by ``contribution.charge``; never changed. The money is in the
    ledger (the contribution account on the activity's axis); these rows keep what the books
    cannot say: the base without VAT, split into goods and services, and the rate applied to each.
    ``entry`` is empty when nothing was due (a 0 % rate)."""

    cash_entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        related_name="contribution_charges",
        verbose_name=_("payment entry"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="contribution_charges",
        verbose_name=_("activity"),
    )
    date = models.DateField(_("date"))
    cash = models.DecimalField(
        _("cashed incl. VAT"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Negative: money given back."),
    )
    goods_base = models.DecimalField(_("goods, excl. VAT"), max_digits=14, decimal_places=2)
    goods_rate = models.DecimalField(_("rate on goods (%)"), max_digits=5, decimal_places=2)
    services_base = models.DecimalField(_("services, excl. VAT"), max_digits=14, decimal_places=2)
    services_rate = models.DecimalField(_("rate on services (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("contribution"), max_digits=14, decimal_places=2)
    entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contribution entry"),
    )

    class Meta:
        verbose_name = _("contribution charged")
        verbose_name_plural = _("contributions charged")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cash_entry", "activity"], name="budget_contribution_charged_once"
            ),
        ]
        indexes = [models.Index(fields=["activity", "date"])]

    def __str__(self):
        return f"{self.activity_id} {self.date}: {self.amount}"
