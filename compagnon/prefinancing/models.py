"""Advances on unpaid invoices ("prefinancing", as Smart does) and the policy that grants them.

An advance is asked by a member on an issued, unpaid invoice of their activity. The entity's
:class:`Policy` decides: within it, the advance is approved at once; outside it (the member's
maturity, the client's payment record, the invoice's age, the ceilings, a large amount) it waits
for an advisor or the bookkeeping staff, with the reasons in plain words; what no one may grant
(the policy is off, the invoice is paid, more than the share of its amount) is refused at once.

Approving books the advance (prefinancing account debited on the activity's axis, the member's
current account credited, the fee credited to the guarantee fund); the bookkeeping staff pay it
in a SEPA batch. As the client pays the invoice, the advance is settled pro rata (each step an
:class:`Settlement` with its entry). A client who never pays: the invoice goes to litigation and,
after the entity's delay, the fund covers what is left or the activity's budget bears it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0")
MATURITY_LEVELS = ("new", "developing", "established")


class LossCover(models.TextChoices):
    FUND = "fund", _("the guarantee fund covers it")
    BUDGET = "budget", _("the activity's budget bears it")


class Policy(models.Model):
    """Per entity: whether advances are given, how much, to whom, and who bears a loss."""

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE, related_name="prefinancing_policy",
                                  verbose_name=_("entity"))
    enabled = models.BooleanField(_("members may ask for advances"), default=False)
    share_percent = models.DecimalField(
        _("share of the invoice, in percent of the amount excl. VAT"), max_digits=5, decimal_places=2, default=Decimal("80"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))])
    member_ceiling = models.DecimalField(
        _("outstanding per member at most (EUR)"), max_digits=12, decimal_places=2, default=Decimal("5000"),
        validators=[MinValueValidator(ZERO)])
    total_ceiling = models.DecimalField(
        _("outstanding in total at most (EUR)"), max_digits=14, decimal_places=2, default=Decimal("50000"),
        validators=[MinValueValidator(ZERO)])
    auto_up_to = models.DecimalField(
        _("approved automatically up to (EUR)"), max_digits=12, decimal_places=2, default=Decimal("2000"),
        validators=[MinValueValidator(ZERO)],
        help_text=_("Larger advances, and any outside the conditions below, go to an advisor or the bookkeeping staff."))
    min_maturity = models.CharField(_("automatic from the maturity"), max_length=12, default="developing",
                                    choices=[(m, m) for m in MATURITY_LEVELS])
    max_days_overdue = models.PositiveSmallIntegerField(
        _("invoice overdue by at most (days)"), default=15,
        help_text=_("0: only invoices not yet due."))
    client_history = models.PositiveSmallIntegerField(
        _("client's invoices looked at"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)])
    client_late_days = models.PositiveSmallIntegerField(_("late means more than (days)"), default=30)
    client_max_late = models.PositiveSmallIntegerField(
        _("late invoices accepted among them"), default=1,
        help_text=_("With more late invoices than this, the advance is checked by a person."))
    fee_percent = models.DecimalField(
        _("fee in percent of the advance, paid into the guarantee fund"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("20"))])
    loss_after_days = models.PositiveSmallIntegerField(
        _("a loss is taken after litigation of (days)"), default=90)
    loss_cover = models.CharField(_("when the client never pays"), max_length=8, choices=LossCover.choices,
                                  default=LossCover.FUND)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("prefinancing policy")
        verbose_name_plural = _("prefinancing policies")
        constraints = [
            models.CheckConstraint(condition=Q(loss_cover__in=["fund", "budget"]), name="prefinancing_policy_cover_valid"),
        ]

    def __str__(self):
        return str(self.entity_id)


class AdvanceState(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("advance", "waiting for a decision")
    APPROVED = "approved", pgettext_lazy("advance", "approved")
    SETTLED = "settled", pgettext_lazy("advance", "settled by the client")
    REFUSED = "refused", pgettext_lazy("advance", "refused")
    COVERED = "covered", pgettext_lazy("advance", "covered by the guarantee fund")
    RECOVERED = "recovered", pgettext_lazy("advance", "borne by the activity")


LIVE = (AdvanceState.REQUESTED, AdvanceState.APPROVED, AdvanceState.SETTLED, AdvanceState.COVERED,
        AdvanceState.RECOVERED)
BOOKED = (AdvanceState.APPROVED, AdvanceState.SETTLED, AdvanceState.COVERED, AdvanceState.RECOVERED)


class Advance(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="advances",
                                 verbose_name=_("activity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="advances",
                               verbose_name=_("member"))
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="advances",
                                 verbose_name=_("invoice"))
    amount = models.DecimalField(_("advance"), max_digits=12, decimal_places=2)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, default=ZERO)
    state = models.CharField(_("state"), max_length=10, choices=AdvanceState.choices,
                             default=AdvanceState.REQUESTED)
    # what the policy found when it was asked: [{"code": ..., "params": {...}}], shown in words
    reasons = models.JSONField(_("why it needs a decision"), default=list, blank=True)
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    auto_approved = models.BooleanField(default=False)
    refusal_reason = models.TextField(_("reason"), blank=True)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              editable=False)
    payout_line = models.ForeignKey("payouts.PayoutLine", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False)
    paid_out_on = models.DateField(_("paid to the member"), null=True, blank=True, editable=False)
    # what the client's payments settled so far (pro rata of the invoice)
    settled_amount = models.DecimalField(_("settled"), max_digits=12, decimal_places=2, default=ZERO)
    # a client who never paid: what was left, and the entry that took it off the activity
    loss_amount = models.DecimalField(_("loss"), max_digits=12, decimal_places=2, default=ZERO)
    loss_entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("advance on an invoice")
        verbose_name_plural = _("advances on invoices")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document"], condition=~Q(state="refused"),
                                    name="prefinancing_one_advance_per_invoice"),
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(fee__gte=0) & Q(fee__lt=models.F("amount")),
                                   name="prefinancing_amount_and_fee"),
            models.CheckConstraint(condition=Q(settled_amount__gte=0) & Q(loss_amount__gte=0)
                                   & Q(settled_amount__lte=models.F("amount")),
                                   name="prefinancing_settled_within_amount"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in AdvanceState]),
                                   name="prefinancing_state_valid"),
        ]
        indexes = [
            models.Index(fields=["entity", "state"], name="prefinancing_by_state"),
            models.Index(fields=["activity", "state"], name="prefinancing_by_activity"),
            models.Index(fields=["member", "state"], name="prefinancing_by_member"),
        ]

    def __str__(self):
        return f"A-{self.pk}" if self.pk else "A-new"

    @property
    def net_paid(self) -> Decimal:
        """What the member receives: the advance less its fee."""
        return self.amount - self.fee

    @property
    def outstanding(self) -> Decimal:
        """What the prefinancing account still holds for this advance."""
        if self.state != AdvanceState.APPROVED:
            return ZERO
        return self.amount - self.settled_amount

    @property
    def in_transfer(self) -> bool:
        line = self.payout_line
        return bool(line and line.active)


class Settlement(models.Model):
    """One step of settling an advance as its invoice gets paid (negative when a payment was
    undone), with the entry that books it. After a loss was taken, a late payment pays the fund
    (or the activity) back: ``after_loss``."""

    advance = models.ForeignKey(Advance, on_delete=models.PROTECT, related_name="settlements")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on_invoice = models.DecimalField(_("paid on the invoice"), max_digits=14, decimal_places=2)
    after_loss = models.BooleanField(default=False)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement of an advance")
        verbose_name_plural = _("settlements of advances")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="prefinancing_settlement_not_zero")]

    def __str__(self):
        return f"{self.advance} {self.amount}"
