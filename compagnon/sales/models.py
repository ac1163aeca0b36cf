"""Quotes, invoices, deposit invoices and credit notes.

A document is editable while it is a draft. Issuing it (services.issue_document) assigns its
number from a locked counter, freezes everything it prints into ``frozen`` (seller, buyer, brand,
legal mentions), stores its totals and posts its ledger entry in one transaction. Issued invoices
and credit notes are never edited nor deleted: a credit note corrects them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.jurisdictions.base import VAT_CATEGORIES

from .calculation import ROUNDING_RULE, Line, compute

VAT_CATEGORY_CHOICES = [
    ("S", _("standard rate")), ("Z", _("zero rate")), ("E", _("exempt")), ("AE", _("reverse charge")),
    ("K", _("intra-EU supply")), ("G", _("export outside the EU")), ("O", _("outside the scope of VAT")),
]
assert {c for c, _ in VAT_CATEGORY_CHOICES} == set(VAT_CATEGORIES)

# UN/ECE Recommendation 20 unit codes, as e-invoices need them.
UNIT_CHOICES = [
    ("C62", pgettext_lazy("unit", "unit")), ("HUR", pgettext_lazy("unit", "hour")), ("DAY", pgettext_lazy("unit", "day")),
    ("LS", pgettext_lazy("unit", "lump sum")), ("MTK", pgettext_lazy("unit", "m²")), ("MTR", pgettext_lazy("unit", "metre")),
    ("KMT", pgettext_lazy("unit", "km")), ("KGM", pgettext_lazy("unit", "kg")), ("MON", pgettext_lazy("unit", "month")),
]


class Kind(models.TextChoices):
    QUOTE = "quote", pgettext_lazy("document kind", "quote")
    INVOICE = "invoice", pgettext_lazy("document kind", "invoice")
    DEPOSIT = "deposit", pgettext_lazy("document kind", "deposit invoice")
    CREDIT_NOTE = "credit_note", pgettext_lazy("document kind", "credit note")
    STATEMENT = "statement", pgettext_lazy("document kind", "statement of work done")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("document state", "draft")
    SENT = "sent", pgettext_lazy("document state", "sent")  # quotes
    ACCEPTED = "accepted", pgettext_lazy("document state", "accepted")
    REFUSED = "refused", pgettext_lazy("document state", "refused")
    EXPIRED = "expired", pgettext_lazy("document state", "expired")
    IN_PRODUCTION = "in_production", pgettext_lazy("document state", "in production")
    PARTIALLY_INVOICED = "partially_invoiced", pgettext_lazy("document state", "partially invoiced")
    INVOICED = "invoiced", pgettext_lazy("document state", "invoiced")
    ISSUED = "issued", pgettext_lazy("document state", "issued")  # invoices, deposits, credit notes


class PaymentState(models.TextChoices):
    """Where the money of an issued invoice stands (kept by compagnon.payments)."""

    NONE = "none", pgettext_lazy("payment state", "not applicable")  # drafts, quotes, credit notes
    AWAITING = "awaiting", pgettext_lazy("payment state", "awaiting payment")
    PARTIAL = "partial", pgettext_lazy("payment state", "partially paid")
    PAID = "paid", pgettext_lazy("payment state", "paid")


QUOTE_TRANSITIONS = {
    State.DRAFT: [State.SENT],
    State.SENT: [State.ACCEPTED, State.REFUSED, State.EXPIRED],
    State.EXPIRED: [State.SENT],
    State.ACCEPTED: [State.IN_PRODUCTION],
    State.IN_PRODUCTION: [],
    State.REFUSED: [],
    State.PARTIALLY_INVOICED: [],
    State.INVOICED: [],
}

SERIES = {Kind.QUOTE: "quote", Kind.INVOICE: "invoice", Kind.DEPOSIT: "invoice", Kind.CREDIT_NOTE: "credit_note",
          Kind.STATEMENT: "statement"}
# Documents that go to the client for agreement (sent, then accepted or refused), not issued.
AGREEMENT_KINDS = {Kind.QUOTE, Kind.STATEMENT}


class DocumentCounter(models.Model):
    """Last number given per entity, series and year; locked while a document is issued."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "series", "year"], name="one_counter_per_series_year")]

    def __str__(self):
        return f"{self.entity_id}/{self.series}/{self.year}: {self.last}"


class Document(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="documents", verbose_name=_("entity"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="documents", verbose_name=_("activity"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="documents", verbose_name=_("client"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    # numbering (set at issue time)
    series = models.CharField(max_length=20, editable=False)
    year = models.PositiveSmallIntegerField(null=True, editable=False)
    sequence = models.PositiveIntegerField(null=True, editable=False)
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("For quotes."))
    # content
    language = models.CharField(_("language"), max_length=2, default="fr")
    title = models.CharField(_("subject"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    closing = models.TextField(_("closing text"), blank=True)
    terms = models.TextField(_("terms"), blank=True, help_text=_("Your own conditions, printed at the end."))
    buyer_reference = models.CharField(_("client's reference"), max_length=100, blank=True)
    order_reference = models.CharField(_("order number"), max_length=100, blank=True)
    exemption_code = models.CharField(_("VAT exemption reason"), max_length=30, blank=True)
    discount_percent = models.DecimalField(_("document discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    discount_amount = models.DecimalField(_("document discount (amount)"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                          validators=[MinValueValidator(Decimal("0"))])
    # a document-level charge (BG-21): travel costs, delivery, an urgency surcharge… split over the
    # VAT categories of the lines like the amount discount
    charge_amount = models.DecimalField(_("additional charge (amount)"), max_digits=12, decimal_places=2,
                                        default=Decimal("0"), db_default=Decimal("0"),
                                        validators=[MinValueValidator(Decimal("0"))])
    charge_reason = models.CharField(_("additional charge (what for)"), max_length=100, blank=True, default="",
                                     db_default="", help_text=_("For example: travel costs, delivery."))
    # links
    quote = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices",
                              verbose_name=_("quote"), limit_choices_to={"kind__in": [Kind.QUOTE, Kind.STATEMENT]})
    credited = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes",
                                 verbose_name=_("credited invoice"))
    # payment reference (set at issue for invoices and deposits): Belgian structured communication
    # (12 digits) or ISO 11649 RF reference, see payment.py; what bank reconciliation matches on
    payment_reference = models.CharField(_("payment reference"), max_length=35, blank=True, editable=False, db_index=True)
    deposit_percent = models.DecimalField(_("deposit (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    # totals (EN 16931), stored
    currency = models.CharField(max_length=3, default="EUR")
    rounding_rule = models.CharField(max_length=40, default=ROUNDING_RULE, editable=False)
    line_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-106
    allowance_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-107
    charge_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"),
                                       db_default=Decimal("0"))  # BT-108
    tax_exclusive = models.DecimalField(_("total excl. VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-109
    tax_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-110
    tax_inclusive = models.DecimalField(_("total incl. VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-112
    prepaid = models.DecimalField(_("already paid"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-113
    payable = models.DecimalField(_("amount due"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-115
    # payment (invoices and deposits): kept by compagnon.payments in the transaction that matches
    payment_state = models.CharField(_("payment"), max_length=10, choices=PaymentState.choices,
                                     default=PaymentState.NONE, db_default=PaymentState.NONE)
    paid_amount = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                      db_default=Decimal("0"))
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    # what the document prints, frozen at issue time
    frozen = models.JSONField(default=dict, blank=True, editable=False)
    pdf = models.FileField(upload_to="documents/%Y/%m/", blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    # bookkeeping
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # chosen by the phone for a new draft asked for offline: sent twice, one draft (home/pwa.py)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "series", "year", "sequence"], condition=models.Q(sequence__isnull=False),
                                    name="document_number_unique"),
            models.CheckConstraint(condition=models.Q(discount_percent__gte=0, discount_percent__lte=100), name="document_discount_percent_range"),
            # payment references are unique across entities (the matcher finds a document by it)
            models.UniqueConstraint(fields=["payment_reference"], condition=~models.Q(payment_reference=""),
                                    name="document_payment_reference_unique"),
            models.UniqueConstraint(fields=["created_by", "client_key"], name="document_client_key_once"),
        ]
        indexes = [
            models.Index(fields=["activity", "kind", "state"]),
            models.Index(fields=["entity", "kind", "issue_date"]),
            models.Index(fields=["client", "-created_at"]),
            # lists are newest first: 1M invoices, admin list 2.8 s -> 0.12 s on PostgreSQL
            models.Index(fields=["-created_at", "-id"], name="sales_doc_newest_first"),
            # what is due and overdue: money pages, matching, the daily collections run
            models.Index(fields=["entity", "payment_state", "due_date"], name="sales_doc_open_by_due"),
            # what clients still owe, per activity (the member's home and money pages): only the
            # open invoices, a fraction of an activity's documents (home at 10,000: 8 -> 2.5 ms)
            models.Index(
                fields=["activity", "due_date"],
                name="sales_doc_owed_by_activity",
                condition=models.Q(state="issued", payment_state__in=["awaiting", "partial"]),
            ),
        ]

    def __str__(self):
        return self.number or f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_quote(self) -> bool:
        """Quotes and statements of work done: sent to the client for agreement, never booked."""
        return self.kind in AGREEMENT_KINDS

    @property
    def is_legal(self) -> bool:
        """Invoices, deposit invoices and credit notes: numbered, immutable, booked."""
        return self.kind not in AGREEMENT_KINDS

    @property
    def is_locked(self) -> bool:
        return not self.is_draft

    def calculation_lines(self, lines=None) -> list[Line]:
        lines = self.lines.all() if lines is None else lines
        return [
            Line(quantity=line.quantity, unit_price=line.unit_price, vat_category=line.vat_category,
                 vat_rate=line.vat_rate, discount_percent=line.discount_percent)
            for line in lines if line.kind == LineKind.ITEM
        ]

    def compute_totals(self, lines=None):
        return compute(self.calculation_lines(lines), discount_percent=self.discount_percent,
                       discount_amount=self.discount_amount, prepaid=self.prepaid,
                       charge_amount=self.charge_amount)


class LineKind(models.TextChoices):
    ITEM = "item", _("item")
    SECTION = "section", _("section title")
    TEXT = "text", _("free text")


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=LineKind.choices, default=LineKind.ITEM)
    description = models.TextField(_("description"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"))
    unit = models.CharField(_("unit"), max_length=3, choices=UNIT_CHOICES, default="C62")
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=14, decimal_places=4, default=Decimal("0"))
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    vat_category = models.CharField(_("VAT category"), max_length=2, choices=VAT_CATEGORY_CHOICES, default="S")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"))
    net_amount = models.DecimalField(_("amount excl. VAT"), max_digits=14, decimal_places=2, default=Decimal("0"))  # BT-131

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")

    def __str__(self):
        return self.description[:60]


# a charge prints with what it is for (EN 16931 BR-CO-22 wants a reason); forms and the API say it
CHARGE_REASON_REQUIRED = _("Say what the additional charge is for: it is printed on the document.")


class VatBreakdown(models.Model):
    """BG-23: one row per VAT category and rate of an issued (or saved draft) document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vat_breakdown")
    category = models.CharField(max_length=2, choices=VAT_CATEGORY_CHOICES)
    rate = models.DecimalField(max_digits=5, decimal_places=2)
    taxable_amount = models.DecimalField(max_digits=14, decimal_places=2)  # BT-116
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2)  # BT-117
    allowance_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    charge_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"),
                                        db_default=Decimal("0"))

    class Meta:
        ordering = ["category", "-rate"]
        constraints = [models.UniqueConstraint(fields=["document", "category", "rate"], name="one_breakdown_per_rate")]

    def __str__(self):
        return f"{self.category} {self.rate}%"


class CatalogueItem(models.Model):
    """A product or service an activity sells often, to fill lines in one tap."""

    activity = models.ForeignKey("members.Activity", on_delete=models.CASCADE, related_name="catalogue", verbose_name=_("activity"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=3, choices=UNIT_CHOICES, default="C62")
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=14, decimal_places=4)
    vat_category = models.CharField(_("VAT category"), max_length=2, choices=VAT_CATEGORY_CHOICES, default="S")
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20"))
    is_goods = models.BooleanField(_("goods (not a service)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DocumentEmail(models.Model):
    """The email log of a document: what was sent, to whom, when."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="emails")
    to = models.CharField(_("to"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.document} → {self.to}"
