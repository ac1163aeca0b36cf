"""Surplus sharing: the rules voted for distributing a year's result, and each year's allocation.

``DistributionRules`` — one set per version of the rules, never edited once an allocation used it
(a new set is added instead); optionally tied to the resolution of the assembly that adopted it.
``SurplusAllocation`` — one per entity and year: a simulation (draft, replaced when simulated
again) until it is posted to the ledger, then immutable. See docs/governance.md.
Imported by ``models.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}
MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0.00")}


class WorkerSplit(models.TextChoices):
    SALARY = "salary", pgettext_lazy("profit-sharing split", "in proportion to the salary paid in the year")
    EQUAL = "equal", pgettext_lazy("profit-sharing split", "in equal parts")


class DistributionRules(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="distribution_rules",
        verbose_name=_("entity"),
    )
    name = models.CharField(_("name"), max_length=120)
    legal_reserve = models.DecimalField(_("legal reserve (%)"), default=Decimal("15.00"), **PERCENT)
    legal_reserve_until_capital = models.BooleanField(
        _("legal reserve only until it equals the capital"), default=True
    )
    statutory_reserve = models.DecimalField(
        _("statutory or development reserve (%)"), default=Decimal("0.00"), **PERCENT
    )
    worker_share = models.DecimalField(_("workers' profit-sharing (%)"), default=Decimal("40.00"), **PERCENT)
    min_worker_share = models.DecimalField(
        _("minimum workers' share (%)"),
        default=Decimal("25.00"),
        help_text=_("At least 25 percent in a SCOP (the part travail); 0 when the statutes set no minimum."),
        **PERCENT,
    )
    share_interest = models.DecimalField(
        _("interest on shares (% a year)"),
        default=Decimal("0.00"),
        help_text=_("Paid on the capital paid up, in proportion to the days it was held in the year."),
        **PERCENT,
    )
    share_interest_cap = models.DecimalField(
        _("highest interest rate allowed (% a year)"),
        default=Decimal("6.00"),
        help_text=_("In France, the average rate of return of private companies' bonds of the last three years plus 2 points; update it each year."),
        **PERCENT,
    )
    interest_within_shares = models.BooleanField(
        _("interest at most the workers' share and at most the reserves"),
        default=True,
        help_text=_("The rule of a SCOP: the associates' interest may exceed neither."),
    )
    worker_split = models.CharField(
        _("split of the workers' share"), max_length=8, choices=WorkerSplit.choices, default=WorkerSplit.SALARY
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution_rules",
        verbose_name=_("adopted by the resolution"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution rules")
        verbose_name_plural = _("distribution rules")
        ordering = ["entity_id", "-id"]

    def __str__(self):
        return self.name


class AllocationState(models.TextChoices):
    SIMULATED = "simulated", pgettext_lazy("surplus allocation", "simulated")
    POSTED = "posted", pgettext_lazy("surplus allocation", "posted")


class SurplusAllocation(models.Model):
    """The year's result cut into parts that sum to it exactly; ``detail`` keeps each worker's and
    each associate's part (personal: shown to the entity's administrators only)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="surplus_allocations",
        verbose_name=_("entity"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rules = models.ForeignKey(
        DistributionRules, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("rules")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=AllocationState.choices, default=AllocationState.SIMULATED
    )
    result = models.DecimalField(_("result of the year"), **MONEY)
    capital = models.DecimalField(_("capital at the end of the year"), **MONEY)
    legal_reserve_before = models.DecimalField(_("legal reserve before"), **MONEY)
    legal_reserve = models.DecimalField(_("legal reserve"), **MONEY)
    statutory_reserve = models.DecimalField(_("statutory or development reserve"), **MONEY)
    worker_share = models.DecimalField(_("workers' profit-sharing"), **MONEY)
    share_interest = models.DecimalField(_("interest on shares"), **MONEY)
    free_reserve = models.DecimalField(_("free reserve"), **MONEY)
    # {"split": "salary"|"equal", "workers": [...], "associates": [...], "notes": [msgid...]}
    detail = models.JSONField(default=dict)
    simulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    simulated_at = models.DateTimeField(_("simulated on"), auto_now=True)
    date = models.DateField(_("date of the entry"), null=True, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ledger entry")
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("surplus allocation")
        verbose_name_plural = _("surplus allocations")
        ordering = ["entity_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="governance_allocation_once_a_year"),
        ]

    def __str__(self):
        return f"{self.entity} {self.year}"

    PARTS = ("legal_reserve", "statutory_reserve", "worker_share", "share_interest", "free_reserve")

    @property
    def posted(self) -> bool:
        return self.state == AllocationState.POSTED

    @property
    def reserves(self) -> Decimal:
        return self.legal_reserve + self.statutory_reserve + self.free_reserve

    @property
    def parts_total(self) -> Decimal:
        return sum((getattr(self, p) for p in self.PARTS), Decimal("0.00"))
