"""Supplier invoices received by an activity: the original file, always kept, what was read from
it (an e-invoice) or typed beside it (a paper invoice), and the way to payment:

draft --approve (member)--> approved (posted) --add to batch--> in_batch --bank settles--> paid
      +--above the entity's threshold--> to_approve --approve (advisor/accountant)--> approved
      +--refuse (advisor/accountant, with a reason)--> refused --(edited, approved again)
draft / to_approve / refused / approved (not in a batch) --cancel--> cancelled (the entry reversed)
A file that cannot be read as an e-invoice (and is not entered by hand) stays "rejected".
Suppliers are kept per entity, shared by its members.
"""

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupplierInvoiceKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("supplier invoice kind", "invoice")
    CREDIT_NOTE = "credit_note", pgettext_lazy("supplier invoice kind", "credit note")


class SupplierInvoiceState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("supplier invoice", "to check")
    TO_APPROVE = "to_approve", pgettext_lazy("supplier invoice", "awaiting approval")
    APPROVED = "approved", pgettext_lazy("supplier invoice", "approved")
    IN_BATCH = "in_batch", pgettext_lazy("supplier invoice", "in a payment batch")
    PAID = "paid", pgettext_lazy("supplier invoice", "paid")
    REFUSED = "refused", pgettext_lazy("supplier invoice", "refused")
    CANCELLED = "cancelled", pgettext_lazy("supplier invoice", "cancelled")
    REJECTED = "rejected", pgettext_lazy("supplier invoice", "unreadable")


# States whose invoice is in the books (one "issue" entry, no reversal).
POSTED_STATES = ("approved", "in_batch", "paid")
# States in which the member may still change what was entered.
EDITABLE_STATES = ("draft", "refused")


class VatTreatment(models.TextChoices):
    """How the VAT of a purchase is accounted for: as the supplier charged it, or self-assessed by
    the cooperative (reverse charge: VAT due and deductible booked together, see vat.py)."""

    CHARGED = "", _("VAT as charged by the supplier")
    EU_GOODS = "eu_goods", _("Reverse charge: goods bought from another EU country")
    EU_SERVICES = "eu_services", _("Reverse charge: services from another EU country")
    IMPORT_SERVICES = "import_services", _("Reverse charge: services from outside the EU")
    DOMESTIC = "domestic", _("Domestic reverse charge (construction work)")


class Source(models.TextChoices):
    EINVOICE = "einvoice", _("e-invoice")
    PAPER = "paper", _("paper or photo")


class Syntax(models.TextChoices):
    UBL = "ubl", _("UBL (Peppol)")
    CII = "cii", _("CII (UN/CEFACT XML)")
    FACTUR_X = "factur-x", _("Factur-X / ZUGFeRD PDF")


AMOUNT = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class PurchaseSettings(models.Model):
    """Per entity: when a second person approves, when a purchase is a fixed asset, default terms."""

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE,
                                  related_name="purchase_settings", verbose_name=_("entity"))
    second_approval_above = models.DecimalField(
        _("advisor or accountant approves too above (EUR incl. VAT)"), max_digits=12, decimal_places=2,
        default=Decimal("1000.00"), validators=[MinValueValidator(Decimal("0"))])
    fixed_asset_from = models.DecimalField(
        _("equipment is a fixed asset from (EUR excl. VAT)"), max_digits=12, decimal_places=2,
        default=Decimal("500.00"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Equipment, computers, furniture and vehicles from this amount (excl. VAT) are booked "
                    "as fixed assets (class 2), below it as expenses."))
    payment_days = models.PositiveSmallIntegerField(
        _("payment terms when the invoice gives none (days)"), default=30)

    class Meta:
        verbose_name = _("purchase settings")
        verbose_name_plural = _("purchase settings")

    def __str__(self):
        return str(self.entity_id)


class Supplier(models.Model):
    """A supplier of the entity, shared by its members (their invoices stay their own)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="suppliers",
                               verbose_name=_("entity"))
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="FR")
    company_number = models.CharField(_("company number (SIREN/SIRET, KBO/BCE)"), max_length=20, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    category = models.CharField(_("usual category"), max_length=20, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("payment terms (days)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["entity", "vat_number"], name="supplier_by_vat"),
            models.Index(fields=["entity", "company_number"], name="supplier_by_number"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entity", "vat_number"], condition=~Q(vat_number=""),
                                    name="one_supplier_per_vat_number"),
            models.UniqueConstraint(fields=["entity", "company_number", "country"], condition=~Q(company_number=""),
                                    name="one_supplier_per_company_number"),
        ]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [x for x in (self.street, f"{self.postcode} {self.city}".strip()) if x]


def _safe_name(filename: str, default: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", (filename or "").rsplit("/", 1)[-1]).strip(".-")
    return name[-80:] or default


def original_path(instance, filename):
    # The hash prefix keeps two files of the same name apart and makes the path unguessable.
    return (
        f"supplier-invoices/{instance.activity_id}/{timezone.now():%Y%m}/"
        f"{instance.sha256[:16]}-{_safe_name(filename, 'invoice')}"
    )


def attachment_path(instance, filename):
    invoice = instance.invoice
    return (
        f"supplier-invoices/{invoice.activity_id}/{timezone.now():%Y%m}/"
        f"{invoice.sha256[:16]}-attachments/{_safe_name(filename, 'attachment')}"
    )


class SupplierInvoice(models.Model):
    """An invoice or credit note received from a supplier, as a draft of the activity.

    ``state`` is "draft" when the file was read, "rejected" when it could not be (``error`` and
    ``error_line`` say why); the file is kept in both cases. ``validation_report`` is
    ``validation.Report.as_dict()`` (empty for a rejected file), plus ``error`` when the rule sets
    could not run.
    """

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="supplier_invoices",
        verbose_name=_("entity"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="supplier_invoices",
        verbose_name=_("activity"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SupplierInvoiceKind.choices, blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SupplierInvoiceState.choices,
        default=SupplierInvoiceState.DRAFT,
    )
    source = models.CharField(_("received as"), max_length=10, choices=Source.choices,
                              default=Source.EINVOICE)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="invoices", verbose_name=_("supplier"))
    category = models.CharField(_("category"), max_length=20, blank=True)
    file_type = models.CharField(_("file type"), max_length=40, blank=True)
    # a paper invoice: what text recognition read in the file, offered to the member to confirm
    reading = models.JSONField(_("read from the file"), default=dict, blank=True)
    reading_state = models.CharField(_("reading"), max_length=8, blank=True,
                                     help_text="pending, done, none (nothing found), off (no engine), failed")
    # the workflow
    member_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="+", verbose_name=_("approved by the member"))
    member_approved_at = models.DateTimeField(_("approved by the member on"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    refusal_reason = models.TextField(_("why it was refused"), blank=True)
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    refused_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("entry"))
    payout_line = models.ForeignKey("payouts.PayoutLine", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="supplier_invoices", verbose_name=_("transfer"))
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
    # reverse charge: what the invoice suggests, what the accountant decided (vat.py)
    vat_treatment = models.CharField(_("VAT treatment"), max_length=16, choices=VatTreatment.choices,
                                     blank=True, default="")
    vat_treatment_suggested = models.CharField(_("VAT treatment suggested"), max_length=16,
                                               choices=VatTreatment.choices, blank=True, default="")
    vat_treatment_hints = models.JSONField(_("why"), default=list, blank=True)
    reverse_charge_rate = models.DecimalField(_("reverse-charge VAT rate (%)"), max_digits=6, decimal_places=3,
                                              null=True, blank=True)
    vat_treatment_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                                   blank=True, related_name="+",
                                                   verbose_name=_("VAT treatment confirmed by"))
    vat_treatment_confirmed_at = models.DateTimeField(_("VAT treatment confirmed on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)
    # the file as received
    file = models.FileField(_("original file"), upload_to=original_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    error = models.TextField(_("why it could not be read"), blank=True)
    error_line = models.PositiveIntegerField(_("line of the error"), null=True, blank=True)
    # what the file says
    syntax = models.CharField(_("format"), max_length=10, choices=Syntax.choices, blank=True)
    type_code = models.CharField(_("document type code"), max_length=3, blank=True)
    customization_id = models.CharField(_("specification"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=200, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)
    supplier_trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    supplier_vat_id = models.CharField(_("VAT number"), max_length=40, blank=True)
    supplier_company_id = models.CharField(_("company number"), max_length=60, blank=True)
    supplier_company_id_scheme = models.CharField(
        _("company number scheme"), max_length=10, blank=True
    )
    supplier_endpoint = models.CharField(_("electronic address"), max_length=200, blank=True)
    supplier_endpoint_scheme = models.CharField(
        _("electronic address scheme"), max_length=10, blank=True
    )
    supplier_street = models.CharField(_("street"), max_length=200, blank=True)
    supplier_additional_street = models.CharField(_("address line 2"), max_length=200, blank=True)
    supplier_postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    supplier_city = models.CharField(_("city"), max_length=100, blank=True)
    supplier_country = models.CharField(_("country"), max_length=2, blank=True)
    supplier_iban = models.CharField(_("IBAN"), max_length=40, blank=True)
    supplier_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    buyer_name = models.CharField(_("buyer"), max_length=200, blank=True)
    buyer_vat_id = models.CharField(_("buyer VAT number"), max_length=40, blank=True)
    buyer_company_id = models.CharField(_("buyer company number"), max_length=60, blank=True)
    buyer_reference = models.CharField(_("buyer reference"), max_length=200, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=200, blank=True)
    preceding_invoice = models.CharField(_("invoice corrected"), max_length=200, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=200, blank=True)
    payment_means_code = models.CharField(_("payment means code"), max_length=4, blank=True)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    line_total = models.DecimalField(_("sum of lines"), **AMOUNT)
    allowance_total = models.DecimalField(_("allowances"), **AMOUNT)
    charge_total = models.DecimalField(_("charges"), **AMOUNT)
    tax_exclusive = models.DecimalField(_("total excl. VAT"), **AMOUNT)
    tax_total = models.DecimalField(_("VAT"), **AMOUNT)
    tax_inclusive = models.DecimalField(_("total incl. VAT"), **AMOUNT)
    prepaid = models.DecimalField(_("already paid"), **AMOUNT)
    rounding = models.DecimalField(_("rounding"), **AMOUNT)
    payable = models.DecimalField(_("amount due"), **AMOUNT)
    # the official rule sets
    validation_report = models.JSONField(_("validation report"), default=dict, blank=True)
    validation_passed = models.BooleanField(_("passes the rules"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["activity", "-created_at"]),
            models.Index(fields=["entity", "state", "due_date"], name="supplier_invoice_by_state"),
        ]
        constraints = [
            # The same file twice in one activity is one invoice paid twice waiting to happen.
            models.UniqueConstraint(
                fields=["activity", "sha256"], name="one_supplier_invoice_per_file_and_activity"
            )
        ]

    def __str__(self):
        if self.state == SupplierInvoiceState.REJECTED:
            return self.original_name or self.file.name
        return f"{self.supplier_name} {self.number}".strip()

    @classmethod
    def purge_rejected_uploads(cls, *, before) -> int:
        """Delete the rejected uploads received before ``before`` (a datetime), files and rows.
        Idempotent and safe with several workers: each row is deleted once, its file after."""
        purged = 0
        for pk in cls.objects.filter(state="rejected", created_at__lt=before).values_list(
            "pk", flat=True
        ):
            with transaction.atomic():
                row = cls.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None:
                    continue
                names = [f.name for f in row._upload_files() if f]
                storage = row.file.storage
                row.delete()
                transaction.on_commit(
                    lambda names=names, storage=storage: [storage.delete(n) for n in names]
                )
                purged += 1
        return purged

    def _upload_files(self) -> list:
        return [self.file, *(a.file for a in self.attachments.all())]

    @property
    def error_summary(self) -> str:
        """The plain sentence of ``error``; the parser's own text, if any, is ``error_detail``."""
        return (self.error or "").partition("\n")[0]

    @property
    def error_detail(self) -> str:
        return (self.error or "").partition("\n")[2]

    @property
    def is_rejected(self) -> bool:
        return self.state == SupplierInvoiceState.REJECTED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == SupplierInvoiceKind.CREDIT_NOTE

    @property
    def is_paper(self) -> bool:
        return self.source == Source.PAPER

    @property
    def status(self) -> str:
        """The state as people read it: an invoice whose batch was cancelled is approved again."""
        if self.state == SupplierInvoiceState.IN_BATCH and self.payout_line_id and not self.payout_line.active:
            return SupplierInvoiceState.APPROVED
        return self.state

    def get_status_display(self) -> str:
        return SupplierInvoiceState(self.status).label

    @property
    def is_reverse_charge(self) -> bool:
        return bool(self.vat_treatment)

    @property
    def vat_treatment_pending(self) -> bool:
        """Reverse charge is suspected or chosen, and no accountant has confirmed it yet."""
        return bool(self.vat_treatment_suggested or self.vat_treatment) and self.vat_treatment_confirmed_at is None

    @property
    def is_image(self) -> bool:
        return self.file_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.file_type == "application/pdf" or self.original_name.lower().endswith(".pdf")

    @property
    def supplier_address_lines(self) -> list[str]:
        city = f"{self.supplier_postcode} {self.supplier_city}".strip()
        return [
            x
            for x in (
                self.supplier_street,
                self.supplier_additional_street,
                city,
                self.supplier_country,
            )
            if x
        ]

    def _fired(self, blocking: bool) -> list[dict]:
        from compagnon.einvoice.parse import readable_location, rule_message

        return [
            {
                **f,
                "where": readable_location(f.get("location", "")),
                "message": rule_message(f.get("id", ""), f.get("text", "")),
            }
            for f in self.validation_report.get("fired", [])
            if (f.get("flag") in ("fatal", "error")) == blocking
        ]

    @property
    def fired_errors(self) -> list[dict]:
        """Fired rules that fail the invoice (flag fatal or error), ready to show."""
        return self._fired(True)

    @property
    def fired_warnings(self) -> list[dict]:
        return self._fired(False)


class SupplierInvoiceLine(models.Model):
    invoice = models.ForeignKey(
        SupplierInvoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(_("position"))
    line_id = models.CharField(_("line id"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    detail = models.TextField(_("details"), blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    unit_code = models.CharField(_("unit"), max_length=10, blank=True)
    unit_price = models.DecimalField(
        _("unit price excl. VAT"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    base_quantity = models.DecimalField(
        _("price per quantity of"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    net_amount = models.DecimalField(_("amount excl. VAT"), **AMOUNT)
    vat_category = models.CharField(_("VAT category"), max_length=3, blank=True)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("supplier invoice line")
        verbose_name_plural = _("supplier invoice lines")
        ordering = ["invoice", "position"]

    def __str__(self):
        return self.description


class SupplierInvoiceVat(models.Model):
    """One line of the VAT breakdown (per category and rate), as the supplier stated it."""

    invoice = models.ForeignKey(
        SupplierInvoice,
        on_delete=models.CASCADE,
        related_name="vat_lines",
        verbose_name=_("invoice"),
    )
    position = models.PositiveIntegerField(_("position"))
    category = models.CharField(_("VAT category"), max_length=3, blank=True)
    rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    taxable_amount = models.DecimalField(_("taxable amount"), **AMOUNT)
    tax_amount = models.DecimalField(_("VAT amount"), **AMOUNT)
    exemption_reason = models.CharField(_("exemption reason"), max_length=500, blank=True)
    exemption_code = models.CharField(_("exemption code"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("supplier invoice VAT line")
        verbose_name_plural = _("supplier invoice VAT lines")
        ordering = ["invoice", "position"]

    def __str__(self):
        return f"{self.category} {self.rate}"


class SupplierInvoiceAttachment(models.Model):
    """A file the supplier sent with the invoice (a timesheet, a delivery note…), or the address
    of one when it is only referenced (``uri``, never fetched)."""

    invoice = models.ForeignKey(
        SupplierInvoice,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("invoice"),
    )
    position = models.PositiveIntegerField(_("position"))
    document_id = models.CharField(_("reference"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uri = models.CharField(_("external address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("supplier invoice attachment")
        verbose_name_plural = _("supplier invoice attachments")
        ordering = ["invoice", "position"]

    def __str__(self):
        return self.filename or self.description or self.uri


class SupplierCreditUse(models.Model):
    """Part of an approved supplier credit note deducted from an invoice of the same supplier and
    activity: by the transfer that pays the invoice (``payout_line``), or with no transfer when the
    credit covers the invoice (``payout_line`` empty). A use counts while its transfer is active: a
    cancelled batch or a returned transfer gives the credit back."""

    credit_note = models.ForeignKey(SupplierInvoice, on_delete=models.PROTECT, related_name="credit_uses",
                                    verbose_name=_("credit note"))
    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.PROTECT, related_name="credits_applied",
                                verbose_name=_("invoice"))
    payout_line = models.ForeignKey("payouts.PayoutLine", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="supplier_credit_uses", verbose_name=_("transfer"))
    amount = models.DecimalField(_("amount deducted"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit note deducted")
        verbose_name_plural = _("credit notes deducted")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="supplier_credit_use_positive")]

    def __str__(self):
        return f"{self.credit_note_id} -> {self.invoice_id}: {self.amount}"

    @classmethod
    def counting(cls):
        """The uses that count: no transfer, or a transfer still active."""
        return cls.objects.filter(Q(payout_line__isnull=True) | Q(payout_line__active=True))
