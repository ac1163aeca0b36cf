"""Fixed assets of an activity: created when a supplier invoice is booked to a class 2 account,
depreciated straight-line (schedule.py), disposed of by sale or scrapping.

in_use --post_depreciation (one entry per calendar year)--> in_use … --dispose--> disposed
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import schedule


class AssetState(models.TextChoices):
    IN_USE = "in_use", pgettext_lazy("fixed asset", "in use")
    DISPOSED = "disposed", pgettext_lazy("fixed asset", "disposed of")


class DisposalKind(models.TextChoices):
    SALE = "sale", pgettext_lazy("fixed asset disposal", "sold")
    SCRAP = "scrap", pgettext_lazy("fixed asset disposal", "scrapped")


MONEY = {"max_digits": 14, "decimal_places": 2}


class Asset(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="fixed_assets",
        verbose_name=_("entity"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="fixed_assets",
        verbose_name=_("activity"),
    )
    invoice = models.ForeignKey(
        "purchases.SupplierInvoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fixed_assets",
        verbose_name=_("supplier invoice"),
    )
    label = models.CharField(_("description"), max_length=200)
    category = models.CharField(_("category"), max_length=20, blank=True)
    account_code = models.CharField(_("asset account"), max_length=12)
    cost = models.DecimalField(_("cost excl. VAT"), **MONEY)
    acquired_on = models.DateField(_("acquired on"))
    years = models.PositiveSmallIntegerField(_("useful life (years)"))
    state = models.CharField(
        _("state"), max_length=10, choices=AssetState.choices, default=AssetState.IN_USE
    )
    disposed_on = models.DateField(_("disposed of on"), null=True, blank=True)
    disposal_kind = models.CharField(
        _("how"), max_length=6, choices=DisposalKind.choices, blank=True
    )
    disposal_price = models.DecimalField(_("sale price excl. VAT"), null=True, blank=True, **MONEY)
    disposal_entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disposal entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fixed asset")
        verbose_name_plural = _("fixed assets")
        ordering = ["-acquired_on", "-id"]
        indexes = [models.Index(fields=["entity", "state"], name="asset_by_entity_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(invoice__isnull=False),
                name="one_asset_per_supplier_invoice",
            ),
            models.CheckConstraint(condition=Q(cost__gt=0), name="asset_cost_positive"),
            models.CheckConstraint(condition=Q(years__gt=0), name="asset_years_positive"),
        ]

    def __str__(self):
        return self.label

    @property
    def periods(self) -> list[schedule.Period]:
        return schedule.table(self.cost, self.acquired_on, self.years)

    @property
    def is_disposed(self) -> bool:
        return self.state == AssetState.DISPOSED


class Depreciation(models.Model):
    """One posted allowance: an asset's calendar year (up to the disposal in the year it leaves)."""

    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="depreciations", verbose_name=_("fixed asset")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("allowance"), **MONEY)
    entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entry"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("depreciation")
        verbose_name_plural = _("depreciations")
        ordering = ["asset", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "year"], name="one_depreciation_per_asset_year"
            )
        ]

    def __str__(self):
        return f"{self.asset_id} {self.year}: {self.amount}"
