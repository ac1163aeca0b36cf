"""A VAT return once filed: the figures as they were sent, frozen.

Until it is filed a return is not stored: its figures are computed from the ledger whenever they
are read. Filing keeps the amounts and the id of the newest ledger line of the entity at that
moment: a line posted later into the period is flagged on the page (the return is not silently
changed; the accountant corrects it on the next return). The settlement entry (VAT to pay or credit
to carry forward) may then be posted from it, once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Form(models.TextChoices):
    CA3 = "CA3", pgettext_lazy("VAT return form", "CA3 (monthly or quarterly)")
    CA12 = "CA12", pgettext_lazy("VAT return form", "CA12 (yearly, simplified regime)")
    BE = "BE", pgettext_lazy("VAT return form", "Periodic VAT return")


class VatReturn(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="vat_returns",
        verbose_name=_("entity"),
    )
    form = models.CharField(_("form"), max_length=4, choices=Form.choices)
    period = models.CharField(_("period"), max_length=8, help_text=_("2026-03, 2026-Q1 or 2026."))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(_("figures"), default=dict)
    last_line_id = models.BigIntegerField(
        _("newest ledger line when filed"), null=True, blank=True, editable=False
    )
    filed_at = models.DateTimeField(_("filed on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    reference = models.CharField(_("filing reference"), max_length=80, blank=True)
    settlement_entry = models.OneToOneField(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement entry"),
    )

    class Meta:
        verbose_name = _("VAT return")
        verbose_name_plural = _("VAT returns")
        ordering = ["entity_id", "-period_start", "form"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "form", "period"], name="vatreturn_filed_once"
            ),
        ]

    def __str__(self):
        return f"{self.form} {self.period}"

    def amount(self, code: str):
        from decimal import Decimal

        value = ((self.figures.get("boxes") or {}).get(code) or {}).get("amount")
        return Decimal(value) if value is not None else Decimal("0")
