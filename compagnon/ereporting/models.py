"""E-reporting (France) and the certified platform (PDP) connection.

The French reform makes businesses e-invoice their domestic B2B sales through a certified platform
and *report* the rest: sales to individuals, sales to and purchases from abroad (transaction data),
and the payments received for services (payment data). A ``Report`` is one report of one kind for
one period of one entity, built from the issued documents and the payments (``builder.py``), its
amounts proven equal to the ledger (``proof.py``), written as XML (``xml.py``) and sent through the
platform (``pdp.py``). ``PlatformFlow`` logs what went to and came from the platform; ``LifecycleStatus``
keeps the status messages of sent invoices (approved, refused, paid, …).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Regime(models.TextChoices):
    """The VAT regime decides how often the entity reports."""

    NORMAL = "normal", _("normal (monthly VAT return)")
    SIMPLIFIED = "simplified", _("simplified (yearly VAT return)")
    FRANCHISE = "franchise", _("VAT exemption threshold (franchise)")


class ReportKind(models.TextChoices):
    """The four reports of the reform (flows 10.1 to 10.4 of the specification)."""

    TRANSACTIONS = "transactions", _("sales to report, invoice by invoice")  # 10.1
    PAYMENTS = "payments", _("payments received for services, invoice by invoice")  # 10.2
    TRANSACTIONS_DAILY = "transactions_daily", _("sales to individuals, totals per day")  # 10.3
    PAYMENTS_DAILY = "payments_daily", _("payments from individuals, totals per day")  # 10.4


# flow type of the platform API for each kind (AFNOR XP Z12-013)
FLOW_TYPE = {
    ReportKind.TRANSACTIONS: "UnitaryCustomerTransactionReport",
    ReportKind.PAYMENTS: "UnitaryCustomerPaymentReport",
    ReportKind.TRANSACTIONS_DAILY: "AggregatedCustomerTransactionReport",
    ReportKind.PAYMENTS_DAILY: "AggregatedCustomerPaymentReport",
}
# the specification's flow number, printed on the pages under "technical details"
FLOW_NUMBER = {
    ReportKind.TRANSACTIONS: "10.1",
    ReportKind.PAYMENTS: "10.2",
    ReportKind.TRANSACTIONS_DAILY: "10.3",
    ReportKind.PAYMENTS_DAILY: "10.4",
}


class ReportState(models.TextChoices):
    READY = "ready", pgettext_lazy("e-report", "ready to send")
    SENT = "sent", pgettext_lazy("e-report", "sent")
    ACCEPTED = "accepted", pgettext_lazy("e-report", "accepted")
    REFUSED = "refused", pgettext_lazy("e-report", "refused")
    REPLACED = "replaced", pgettext_lazy("e-report", "replaced by a correction")


class EReportingSettings(models.Model):
    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE, related_name="ereporting",
                                  verbose_name=_("entity"))
    regime = models.CharField(_("VAT regime"), max_length=12, choices=Regime.choices, default=Regime.NORMAL)
    send_automatically = models.BooleanField(
        _("send the reports automatically"), default=False,
        help_text=_("When a period ends, its reports are built and sent to the platform the next night."))

    class Meta:
        verbose_name = _("e-reporting settings")
        verbose_name_plural = _("e-reporting settings")

    def __str__(self):
        return f"{self.entity} ({self.regime})"


def report_path(instance, filename):
    return f"ereporting/{instance.entity_id}/{instance.period_start:%Y}/{filename}"


class Report(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="ereports",
                               verbose_name=_("entity"))
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    version = models.PositiveSmallIntegerField(_("version"), default=1,
                                               help_text=_("A correction of a sent report is its next version."))
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.READY)
    file = models.FileField(upload_to=report_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    # what the report says, for pages and the proof: {"rates": [{"category", "rate", "base", "tax"}],
    # "count": n, "documents": [ids]}
    figures = models.JSONField(default=dict)
    proof = models.JSONField(_("checked against the books"), default=dict)
    flow_id = models.CharField(_("platform flow id"), max_length=100, blank=True)
    tracking_id = models.CharField(max_length=100, unique=True)
    detail = models.TextField(_("platform answer"), blank=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    built_at = models.DateTimeField(_("built"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-report")
        verbose_name_plural = _("e-reports")
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "period_start", "version"], name="ereport_version_unique"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="ereport_period_order"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end} v{self.version}"

    @property
    def flow_number(self) -> str:
        return FLOW_NUMBER[self.kind]

    @property
    def file_name(self) -> str:
        return f"ereporting-{self.flow_number}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-v{self.version}.xml"


def flow_path(instance, filename):
    return f"ereporting/{instance.entity_id}/inbox/{instance.flow_id}-{filename}"


class Direction(models.TextChoices):
    OUT = "out", pgettext_lazy("platform flow", "sent")
    IN = "in", pgettext_lazy("platform flow", "received")


class PlatformFlow(models.Model):
    """One flow exchanged with the certified platform, once (its flow id is unique)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    flow_id = models.CharField(max_length=100, unique=True)
    flow_type = models.CharField(max_length=60)
    syntax = models.CharField(max_length=12, blank=True)
    tracking_id = models.CharField(max_length=100, blank=True)
    updated_at_platform = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)  # what Compagnon did with it, in English (log)
    # a received supplier invoice no activity could be found for waits here for an accountant
    file = models.FileField(upload_to=flow_path, max_length=255, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    invoice = models.ForeignKey("purchases.SupplierInvoice", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["entity", "direction", "-updated_at_platform"])]

    def __str__(self):
        return f"{self.direction} {self.flow_type} {self.flow_id}"


class LifecycleStatus(models.Model):
    """A status message about an invoice the entity sent (or received) through the platform."""

    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="lifecycle",
                                 null=True, blank=True)
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    invoice_number = models.CharField(max_length=40)
    code = models.CharField(_("status"), max_length=4)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"))
    flow = models.ForeignKey(PlatformFlow, on_delete=models.PROTECT, related_name="statuses")

    class Meta:
        verbose_name = _("invoice status")
        verbose_name_plural = _("invoice statuses")
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["flow", "invoice_number", "code"], name="lifecycle_once")]

    def __str__(self):
        return f"{self.invoice_number} {self.code}"

    @property
    def label(self) -> str:
        from .lifecycle import STATUS

        return str(STATUS.get(self.code, self.code))
