"""Internal subcontracting between two activities of one entity (one legal person).

Activity A (the *ordering* activity, a holder of A asks) asks activity B (the *provider*) for work
inside one of A's client jobs: a ``Subcontract`` with an agreed amount excluding VAT (no VAT
between activities of one legal entity), optionally tied to one of A's client documents (a quote
or an invoice draft). B accepts or declines.

When A's client invoice for that job is issued, B's ``InternalInvoice`` is issued to A: numbered
in its own gap-free series per entity and year (``INT-2026-00001``), immutable, booked on both
activities' axes through internal accounts (never a client, VAT or bank account), and settled —
the money made available to B, less the entity's internal contribution rate — when the client pays
A in full (or at once when the invoice was prefinanced, or when issued by hand with no client
invoice). A cancelling internal credit note (same series) undoes it. Internal documents never
enter the VAT returns, e-invoicing or e-reporting: those read sales documents and the sales /
purchases journals; these are booked in the miscellaneous journal.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Policy(models.Model):
    """The entity's setting: the contribution rate charged on internal invoices when settled."""

    entity = models.OneToOneField(
        "organisation.Entity", on_delete=models.CASCADE, related_name="subcontracting_policy",
        verbose_name=_("entity"),
    )
    internal_rate = models.DecimalField(
        _("contribution rate on internal invoices (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        help_text=_("Charged to the providing activity when an internal invoice is settled; 0 for none."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("internal subcontracting setting")
        verbose_name_plural = _("internal subcontracting settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(internal_rate__gte=0) & Q(internal_rate__lte=100), name="subcontracting_rate_range"
            ),
        ]

    def __str__(self):
        return f"{self.entity_id}: {self.internal_rate} %"


class Status(models.TextChoices):
    PENDING = "pending", pgettext_lazy("subcontract status", "waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("subcontract status", "accepted")
    DECLINED = "declined", pgettext_lazy("subcontract status", "declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("subcontract status", "withdrawn")
    INVOICED = "invoiced", pgettext_lazy("subcontract status", "invoiced")
    CANCELLED = "cancelled", pgettext_lazy("subcontract status", "cancelled by a credit note")


class Subcontract(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="subcontracts", verbose_name=_("entity")
    )
    ordering = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="subcontracts_asked",
        verbose_name=_("ordering activity"),
    )
    provider = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="subcontracts_received",
        verbose_name=_("providing activity"),
    )
    description = models.TextField(_("work asked"), max_length=2000)
    amount = models.DecimalField(_("agreed amount excl. VAT"), max_digits=12, decimal_places=2)
    client_document = models.ForeignKey(
        "sales.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="subcontracts",
        verbose_name=_("client document"),
        help_text=_("The quote or invoice of the ordering activity this work is part of."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("subcontract")
        verbose_name_plural = _("subcontracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="subcontracting_amount_positive"),
            models.CheckConstraint(condition=~Q(ordering=F("provider")), name="subcontracting_two_activities"),
        ]
        indexes = [
            models.Index(fields=["ordering", "status"], name="subcontract_ordering"),
            models.Index(fields=["provider", "status"], name="subcontract_provider"),
        ]

    def __str__(self):
        return f"{self.ordering} → {self.provider} ({self.amount})"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("internal document kind", "internal invoice")
    CREDIT_NOTE = "credit_note", pgettext_lazy("internal document kind", "internal credit note")


class InternalInvoice(models.Model):
    """B's invoice to A (or the credit note cancelling it). Written once at issue with everything it
    prints; only its settlement (and, for an invoice, the credit note cancelling it) is added later."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.PROTECT, related_name="internal_invoices", verbose_name=_("entity")
    )
    subcontract = models.ForeignKey(
        Subcontract, on_delete=models.PROTECT, related_name="internal_invoices", verbose_name=_("subcontract")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=30)
    issue_date = models.DateField(_("issue date"))
    provider_name = models.CharField(_("from"), max_length=120)
    ordering_name = models.CharField(_("to"), max_length=120)
    description = models.TextField(_("work done"), max_length=2000)
    amount = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)
    contribution_rate = models.DecimalField(_("contribution rate (%)"), max_digits=5, decimal_places=2)
    client_invoice = models.ForeignKey(
        "sales.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="internal_invoices",
        verbose_name=_("client invoice"),
    )
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_note",
        verbose_name=_("cancels"),
    )
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, related_name="+", verbose_name=_("entry"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement_entry = models.ForeignKey(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("settlement entry"),
    )
    contribution = models.DecimalField(
        _("contribution charged"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal invoice")
        verbose_name_plural = _("internal invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year", "sequence"], name="subcontracting_number_unique"),
            models.UniqueConstraint(
                fields=["subcontract"], condition=Q(kind="invoice"), name="subcontracting_one_invoice"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subcontracting_invoice_positive"),
            models.CheckConstraint(
                condition=Q(kind="invoice", corrects__isnull=True) | Q(kind="credit_note", corrects__isnull=False),
                name="subcontracting_credit_note_cancels",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def settled(self) -> bool:
        return self.settled_on is not None


class Counter(models.Model):
    """The last number of the internal series of an entity for a year, locked when numbering."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "year"], name="subcontracting_counter_unique")]

    def __str__(self):
        return f"{self.entity_id} {self.year}: {self.last}"
