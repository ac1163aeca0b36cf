"""Working together: skill barter between members, and positions shared by several activities.

Skill barter — a ``BarterExchange`` is hours one member gave to a colleague of the same entity
(no money, no ledger). The giver records it, the receiver confirms or declines; only confirmed
exchanges count in the balances (hours given − hours received), always computed, never stored.

Shared positions — a ``SharedPosition`` is a part-time role of an entity (employed by one activity,
or by the cooperative itself) financed by several activities through ``PositionShare`` rows whose
percentages sum to 100. Each share is accepted by a holder of its activity. Each month's cost is
posted once as a ``PositionCharge`` (one balanced ledger entry, unique per position and month).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExchangeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("barter exchange status", "waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("barter exchange status", "confirmed")
    DECLINED = "declined", pgettext_lazy("barter exchange status", "declined")


class BarterExchange(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="barter_exchanges", verbose_name=_("entity")
    )
    giver = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="barter_given", verbose_name=_("given by")
    )
    receiver = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="barter_received", verbose_name=_("received by")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    description = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ExchangeStatus.choices, default=ExchangeStatus.PENDING
    )
    created_at = models.DateTimeField(_("recorded on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("barter exchange")
        verbose_name_plural = _("barter exchanges")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="cooperation_exchange_hours_positive"),
            models.CheckConstraint(condition=~Q(giver=F("receiver")), name="cooperation_exchange_two_people"),
        ]
        indexes = [
            models.Index(fields=["giver", "status"], name="coop_exchange_giver"),
            models.Index(fields=["receiver", "status"], name="coop_exchange_receiver"),
        ]

    def __str__(self):
        return f"{self.giver} → {self.receiver} ({self.hours} h, {self.date})"


class ShareStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("position share status", "waiting for the activity")
    ACCEPTED = "accepted", pgettext_lazy("position share status", "accepted")
    DECLINED = "declined", pgettext_lazy("position share status", "declined")


class SharedPosition(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="shared_positions", verbose_name=_("entity")
    )
    title = models.CharField(_("title"), max_length=120)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=5, decimal_places=2)
    employer = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employed_positions",
        verbose_name=_("employing activity"),
        help_text=_("Leave empty when the cooperative itself employs the person."),
    )
    monthly_cost = models.DecimalField(_("monthly cost"), max_digits=12, decimal_places=2, default=Decimal("0"))
    starts_on = models.DateField(_("starts on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shared position")
        verbose_name_plural = _("shared positions")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="cooperation_position_hours_positive"),
            models.CheckConstraint(condition=Q(monthly_cost__gte=0), name="cooperation_position_cost_positive"),
        ]

    def __str__(self):
        return self.title


class PositionShare(models.Model):
    position = models.ForeignKey(
        SharedPosition, on_delete=models.CASCADE, related_name="shares", verbose_name=_("shared position")
    )
    activity = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="position_shares", verbose_name=_("activity")
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("share of a position")
        verbose_name_plural = _("shares of a position")
        ordering = ["position_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["position", "activity"], name="cooperation_share_unique"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="cooperation_share_percent_range"
            ),
        ]

    def __str__(self):
        return f"{self.position} – {self.activity} ({self.percent} %)"


class PositionCharge(models.Model):
    position = models.ForeignKey(
        SharedPosition, on_delete=models.PROTECT, related_name="charges", verbose_name=_("shared position")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month charged."))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    split = models.JSONField(_("amount per activity"), default=dict, help_text=_("Activity id → amount charged."))
    entry = models.ForeignKey(
        "ledger.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger entry")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monthly charge of a position")
        verbose_name_plural = _("monthly charges of positions")
        ordering = ["-month", "position_id"]
        constraints = [
            models.UniqueConstraint(fields=["position", "month"], name="cooperation_charge_once_a_month"),
        ]

    def __str__(self):
        return f"{self.position} {self.month:%Y-%m}"
