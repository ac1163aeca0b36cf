"""Payments: how the money of bank transactions is allocated to invoices, credits and charges.

An :class:`Allocation` says "this much of this bank transaction settles that": an invoice or a
deposit invoice (``invoice``), the client's credit when a payment exceeds what was owed
(``client_credit``), a refund going out for a credit note or a credit (``refund``), the bank's own
charges (``bank_charge``) — or, with no money moving, an invoice settled from a credit note or from
the client's credit (``credit_use``). Each one says why (``explanation``: a msgid and its params,
rendered in the reader's language) and how it was found (``method``).

Allocations are never edited nor deleted: staff *reverse* one (``reversed_at``), which posts its
own reversing entry and puts the document, the transaction and the credit back as they were.
Every matching action is a :class:`MatchRun` (an automatic run during a bank import, or one manual
match): its ledger entry moves the money from the suspense account, where the bank import booked
it, to the client's receivable (or to bank charges).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class AllocationKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("allocation", "payment of an invoice")
    CLIENT_CREDIT = "client_credit", pgettext_lazy("allocation", "client credit")
    CREDIT_USE = "credit_use", pgettext_lazy("allocation", "settled from a credit")
    REFUND = "refund", pgettext_lazy("allocation", "refund")
    BANK_CHARGE = "bank_charge", pgettext_lazy("allocation", "bank charges")


# Kinds that move money in from the client (suspense -> receivable), out to the client
# (receivable -> suspense), or nowhere (the receivable stays as it is).
MONEY_IN_KINDS = (AllocationKind.INVOICE, AllocationKind.CLIENT_CREDIT)
MONEY_OUT_KINDS = (AllocationKind.REFUND, AllocationKind.BANK_CHARGE)


class Method(models.TextChoices):
    """How the allocation was found, in order of confidence."""

    OGM = "ogm", pgettext_lazy("matching method", "structured communication")
    RF = "rf", pgettext_lazy("matching method", "RF reference")
    NUMBER = "number", pgettext_lazy("matching method", "document number in the communication")
    BANK_CODE = "bank_code", pgettext_lazy("matching method", "bank transaction code")
    CREDIT_NOTE = "credit_note", pgettext_lazy("matching method", "credit note")
    SUGGESTION = "suggestion", pgettext_lazy("matching method", "accepted suggestion")
    MANUAL = "manual", pgettext_lazy("matching method", "by hand")
    DECLARATION = "declaration", pgettext_lazy("matching method", "payment declared by the member")
    CASH = "cash", pgettext_lazy("matching method", "cash received at the office")


AUTOMATIC_METHODS = (Method.OGM, Method.RF, Method.NUMBER, Method.BANK_CODE, Method.CREDIT_NOTE)


def render_message(message: str, params: dict) -> str:
    """A stored msgid and its params in the reader's language (dates, msgids and lists of msgids
    are translated; other values are shown as stored)."""

    def value(v):
        if isinstance(v, dict) and "date" in v:
            return date_format(datetime.date.fromisoformat(v["date"]), "SHORT_DATE_FORMAT")
        if isinstance(v, dict) and "msgid" in v:
            return pgettext(v["context"], v["msgid"]) if v.get("context") else gettext(v["msgid"])
        if isinstance(v, list):
            return ", ".join(str(value(x)) for x in v)
        return v

    if not message:
        return ""
    try:
        return gettext(message) % {k: value(v) for k, v in (params or {}).items()}
    except (KeyError, TypeError, ValueError):
        return message


class MatchRun(models.Model):
    """One matching action: an automatic run over imported transactions, or one manual match.
    The source of the ledger entry it posts."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    automatic = models.BooleanField(_("automatic"), default=False)
    transactions = models.PositiveIntegerField(_("transactions looked at"), default=0)
    matched = models.PositiveIntegerField(_("transactions fully matched"), default=0)
    allocations = models.PositiveIntegerField(_("allocations"), default=0)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("entry"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{'auto' if self.automatic else 'manual'} #{self.pk}"


class Allocation(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    transaction = models.ForeignKey("banking.BankTransaction", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="allocations",
                                    verbose_name=_("bank transaction"))
    # the invoice or deposit settled (invoice, credit_use); the credit note refunded (refund)
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="allocations", verbose_name=_("document"))
    # what a credit_use or a refund consumes: a credit note, or a client_credit allocation
    credit_note = models.ForeignKey("sales.Document", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="credit_uses", verbose_name=_("credit note"))
    credit_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="uses", verbose_name=_("credit used"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="allocations", verbose_name=_("client"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="allocations", verbose_name=_("activity"))
    kind = models.CharField(_("kind"), max_length=14, choices=AllocationKind.choices)
    method = models.CharField(_("found by"), max_length=12, choices=Method.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # client credits: how much of it later settled an invoice or was refunded
    used_amount = models.DecimalField(_("used"), max_digits=14, decimal_places=2, default=ZERO)
    date = models.DateField(_("payment date"))  # the bank's booking date, or the day of a credit use
    explanation = models.CharField(_("explanation"), max_length=300)  # a gettext_noop msgid
    explanation_params = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("matched by"))
    created_at = models.DateTimeField(_("matched at"), auto_now_add=True)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("entry"))
    reversed_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("undone by"))
    reversal_reason = models.CharField(_("why it was undone"), max_length=300, blank=True)
    reversal_entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("reversal entry"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(condition=Q(used_amount__gte=0) & Q(used_amount__lte=models.F("amount")),
                                   name="allocation_used_within_amount"),
            models.CheckConstraint(
                condition=Q(kind__in=["invoice", "credit_use"], document__isnull=False)
                | Q(kind="client_credit", client__isnull=False)
                | Q(kind="refund", client__isnull=False)
                | Q(kind="bank_charge"),
                name="allocation_kind_has_its_target",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_use", transaction__isnull=True)
                | Q(kind="invoice", method="cash", transaction__isnull=True)
                | (~Q(kind="credit_use") & Q(transaction__isnull=False)),
                name="allocation_money_has_a_transaction",
            ),
        ]
        indexes = [
            models.Index(fields=["document", "reversed_at"]),
            models.Index(fields=["activity", "kind", "date"]),
            models.Index(fields=["client", "kind"]),
            models.Index(fields=["entity", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def is_active(self) -> bool:
        return self.reversed_at is None

    @property
    def open_credit(self) -> Decimal:
        """What is left of a client credit."""
        if self.kind != AllocationKind.CLIENT_CREDIT or self.reversed_at is not None:
            return ZERO
        return self.amount - self.used_amount

    @property
    def text(self) -> str:
        """The explanation in the reader's language ("Matched by structured communication …")."""
        return render_message(self.explanation, self.explanation_params)


# --- payments a member declares received ----------------------------------------------------------


class Means(models.TextChoices):
    CHEQUE = "cheque", pgettext_lazy("payment means", "cheque")
    CASH = "cash", pgettext_lazy("payment means", "cash")
    TRANSFER = "transfer", pgettext_lazy("payment means", "transfer made to the member by mistake")


class DeclarationState(models.TextChoices):
    OPEN = "open", pgettext_lazy("payment declaration", "waiting for the bank")
    MATCHED = "matched", pgettext_lazy("payment declaration", "received by the bank")
    CONFIRMED = "confirmed", pgettext_lazy("payment declaration", "received at the office")
    REJECTED = "rejected", pgettext_lazy("payment declaration", "rejected")


def declaration_photo_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"payments/declarations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Declaration(models.Model):
    """A member says a client paid them directly (a cheque handed over, cash, a transfer to the
    member's own account by mistake). Not money in the bank: the invoice stays unpaid until the
    bank line is matched to it (``matched``) or an accountant confirms cash received at the office
    (``confirmed``); an accountant may reject it with a reason the member reads. One open
    declaration per document; while it is open the automated collections of the document wait."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="payment_declarations",
                                 verbose_name=_("invoice"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("activity"))
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("declared by"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    means = models.CharField(_("means of payment"), max_length=10, choices=Means.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    photo = models.FileField(_("photo of the cheque"), upload_to=declaration_photo_path, max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DeclarationState.choices,
                             default=DeclarationState.OPEN)
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("payment"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))
    rejection_reason = models.CharField(_("why it was rejected"), max_length=300, blank=True)
    flagged_at = models.DateTimeField(_("flagged to the advisor at"), null=True, blank=True)
    created_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment declaration")
        verbose_name_plural = _("payment declarations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="declaration_amount_positive"),
            models.UniqueConstraint(fields=["document"], condition=Q(state="open"),
                                    name="declaration_one_open_per_document"),
        ]
        indexes = [models.Index(fields=["entity", "state", "created_at"])]

    def __str__(self):
        return f"{self.get_means_display()} {self.amount}"

    @property
    def is_open(self) -> bool:
        return self.state == DeclarationState.OPEN


class PaymentSettings(models.Model):
    """An entity's settings of payments: after how many days an open declaration is flagged to the
    member's advisor."""

    DEFAULT_ALERT_DAYS = 15

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE, related_name="payment_settings",
                                  verbose_name=_("entity"))
    declaration_alert_days = models.PositiveSmallIntegerField(
        _("days before an open payment declaration is flagged"), default=DEFAULT_ALERT_DAYS)

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self):
        return str(self.entity)
