"""Expense claims: what a member paid for an activity (a receipt photographed on the phone, or a
trip priced with the official mileage scale), checked, booked and paid back by SEPA transfer.

A claim is a *draft* until the member submits it; then it is *approved* (automatically under the
entity's threshold for members whose maturity allows it, else by an advisor or the bookkeeping
staff) or *refused* with a reason the member reads. Approving books it (``entry``). It is *paid*
once the transfer line that reimburses it (``payout_line``) is in a batch sent to the bank: that
state is read from the batch, never stored twice.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClaimKind(models.TextChoices):
    RECEIPT = "receipt", pgettext_lazy("expense claim kind", "receipt")
    MILEAGE = "mileage", pgettext_lazy("expense claim kind", "mileage")
    PER_DIEM = "per_diem", pgettext_lazy("expense claim kind", "meal allowance")


class ClaimState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("expense claim", "draft")
    SUBMITTED = "submitted", pgettext_lazy("expense claim", "submitted")
    APPROVED = "approved", pgettext_lazy("expense claim", "approved")
    REFUSED = "refused", pgettext_lazy("expense claim", "refused")
    PAID = "paid", pgettext_lazy("expense claim", "paid")  # derived: see ExpenseClaim.status


class ReadingState(models.TextChoices):
    """A claim kept with its photo only (sent from the phone's offline queue without its details):
    its receipt is read in the worker, which fills in what is still empty."""

    NONE = "", pgettext_lazy("receipt reading", "not read")
    PENDING = "pending", pgettext_lazy("receipt reading", "being read")
    DONE = "done", pgettext_lazy("receipt reading", "read")
    NOTHING = "nothing", pgettext_lazy("receipt reading", "nothing read")
    FAILED = "failed", pgettext_lazy("receipt reading", "could not be read")


class Vehicle(models.TextChoices):
    CAR = "car", pgettext_lazy("vehicle", "car")
    MOTORCYCLE = "motorcycle", pgettext_lazy("vehicle", "motorcycle")
    MOPED = "moped", pgettext_lazy("vehicle", "moped")


MATURITY_LEVELS = ("new", "developing", "established")


class ExpenseSettings(models.Model):
    """Per entity: which claims are approved without a person looking at them."""

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE,
                                  related_name="expense_settings", verbose_name=_("entity"))
    auto_approve_below = models.DecimalField(
        _("approved automatically up to (EUR)"), max_digits=10, decimal_places=2, default=Decimal("100.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Claims up to this amount (VAT included) are approved without review, for the members "
                    "whose maturity allows it. 0: every claim is reviewed."))
    auto_approve_from = models.CharField(
        _("for members from the maturity"), max_length=12, default="developing",
        choices=[(m, m) for m in MATURITY_LEVELS])

    class Meta:
        verbose_name = _("expense settings")
        verbose_name_plural = _("expense settings")

    def __str__(self):
        return str(self.entity_id)


class MemberBankAccount(models.Model):
    """Where a member's expenses are paid back. A member types it; an advisor or the bookkeeping
    staff validate it (transfers go only to a validated account)."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="bank_account",
                                  verbose_name=_("member"))
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reimbursement account")
        verbose_name_plural = _("reimbursement accounts")

    def __str__(self):
        return f"{self.holder} {self.iban}"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", (filename or "").rsplit("/", 1)[-1]).strip(".-")
    return name[-60:] or "receipt"


def receipt_path(instance, filename):
    # the hash prefix keeps two receipts of the same name apart and makes the path unguessable
    return (f"expenses/{instance.activity_id}/{timezone.now():%Y%m}/"
            f"{instance.receipt_sha256[:16]}-{_safe_name(filename)}")


def preview_path(instance, filename):
    return f"expenses/{instance.activity_id}/{timezone.now():%Y%m}/{instance.receipt_sha256[:16]}-preview.jpg"


class ExpenseClaim(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="expense_claims",
                               verbose_name=_("entity"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="expense_claims",
                                 verbose_name=_("activity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="expense_claims",
                               verbose_name=_("paid by"))
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices, default=ClaimKind.RECEIPT)
    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices, default=ClaimState.DRAFT)
    date = models.DateField(_("date"))
    supplier = models.CharField(_("supplier"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=30)
    description = models.CharField(_("what for"), max_length=200, blank=True)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="expense_claims", verbose_name=_("client"))
    project = models.CharField(_("project"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount incl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    vat_recoverable = models.BooleanField(
        _("the receipt shows the VAT"), default=False,
        help_text=_("Tick only when the receipt is an invoice showing the VAT (and, where the law asks it, "
                    "made out to the cooperative)."))
    # the receipt, exactly as uploaded, and a small JPEG to show it
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, max_length=255, blank=True)
    receipt_name = models.CharField(_("file name"), max_length=200, blank=True)
    receipt_type = models.CharField(max_length=60, blank=True)
    receipt_size = models.PositiveIntegerField(default=0)
    receipt_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    preview = models.FileField(upload_to=preview_path, max_length=255, blank=True, editable=False)
    # a trip
    origin = models.CharField(_("from"), max_length=120, blank=True)
    destination = models.CharField(_("to"), max_length=120, blank=True)
    distance_km = models.DecimalField(_("distance (km)"), max_digits=7, decimal_places=1, null=True, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=12, choices=Vehicle.choices, blank=True)
    fiscal_power = models.PositiveSmallIntegerField(_("fiscal power (CV)"), null=True, blank=True)
    electric = models.BooleanField(_("electric vehicle"), default=False)
    meals = models.PositiveSmallIntegerField(_("meals"), null=True, blank=True)
    meal_rate = models.CharField(_("meal allowance"), max_length=20, blank=True)
    pricing = models.JSONField(_("how it was priced"), default=dict, blank=True)
    # a photo kept for later: what the worker read from it (see compagnon/expenses/later.py)
    reading_state = models.CharField(_("receipt reading"), max_length=10, choices=ReadingState.choices,
                                     blank=True, default=ReadingState.NONE)
    reading = models.JSONField(_("read from the receipt"), default=dict, blank=True)
    # workflow
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    auto_approved = models.BooleanField(default=False)
    refusal_reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("maybe a duplicate of"))
    duplicate_reason = models.CharField(max_length=20, blank=True)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              editable=False)
    payout_line = models.ForeignKey("payouts.PayoutLine", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "client_key"], condition=Q(client_key__isnull=False),
                                    name="expense_claim_sent_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="expense_claim_amount_not_negative"),
            models.CheckConstraint(condition=Q(state__in=["draft", "submitted", "approved", "refused"]),
                                   name="expense_claim_state_valid"),
        ]
        indexes = [
            models.Index(fields=["activity", "state", "-date"], name="expense_claim_by_activity"),
            models.Index(fields=["entity", "state"], name="expense_claim_by_state"),
            models.Index(fields=["member", "amount", "date"], name="expense_claim_duplicates"),
        ]

    def __str__(self):
        return f"{self.date} {self.supplier or self.get_kind_display()} {self.amount}"

    @property
    def vat_total(self) -> Decimal:
        return sum((line.tax_amount for line in self.vat_lines.all()), Decimal("0"))

    @property
    def net_amount(self) -> Decimal:
        return self.amount - (self.vat_total if self.vat_recoverable else Decimal("0"))

    @property
    def is_paid(self) -> bool:
        line = self.payout_line
        return bool(line and line.active and line.batch.state == "sent")

    @property
    def in_transfer(self) -> bool:
        line = self.payout_line
        return bool(line and line.active)

    @property
    def status(self) -> str:
        """What the member reads: the stored state, or "paid" once the transfer left."""
        if self.state == ClaimState.APPROVED and self.payout_line_id and self.is_paid:
            return ClaimState.PAID
        return self.state

    def get_status_display(self) -> str:
        return ClaimState(self.status).label

    @property
    def is_image(self) -> bool:
        return self.receipt_type.startswith("image/")


class ExpenseVat(models.Model):
    """The VAT a receipt shows at one rate."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="vat_lines")
    rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    tax_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("VAT of a receipt")
        verbose_name_plural = _("VAT of receipts")
        ordering = ["-rate"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "rate"], name="expense_vat_one_per_rate"),
            models.CheckConstraint(condition=Q(tax_amount__gte=0), name="expense_vat_not_negative"),
        ]

    def __str__(self):
        return f"{self.rate} %: {self.tax_amount}"


def new_client_key() -> uuid.UUID:
    return uuid.uuid4()
