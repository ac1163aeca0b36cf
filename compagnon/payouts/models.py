"""Outgoing SEPA credit transfers, prepared in batches and handed to the bank as a pain.001 file.

A batch belongs to an entity and is paid from one of its bank accounts. While it is a *draft*,
bookkeeping staff add lines: refunds of issued credit notes (expense and supplier payments come
later through the same lines). *Generating* checks every line, builds the pain.001 XML
(pain.001.001.09 by default, .03 for banks that still need it), validates it against the XSD and
keeps the file with its SHA-256; the lines are frozen from then on. Staff upload the file to the
bank themselves and mark the batch *sent*. A batch that is not sent yet can be *cancelled*: its
credit notes may then be refunded in another batch.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    V09 = "pain.001.001.09", "pain.001.001.09"
    V03 = "pain.001.001.03", "pain.001.001.03"


DEFAULT_SCHEME = Scheme.V09


class BatchState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("transfer batch", "draft")
    GENERATED = "generated", pgettext_lazy("transfer batch", "file ready")
    SENT = "sent", pgettext_lazy("transfer batch", "sent to the bank")
    # derived, never stored: a sent batch none of whose transfers is on its way any more
    # (``settled_at``); others read "sent" as "the money left" (expense claims paid)
    SETTLED = "settled", pgettext_lazy("transfer batch", "paid by the bank")
    CANCELLED = "cancelled", pgettext_lazy("transfer batch", "cancelled")


class Purpose(models.TextChoices):
    REFUND = "refund", pgettext_lazy("transfer purpose", "refund")
    EXPENSE = "expense", pgettext_lazy("transfer purpose", "expense claim")
    SUPPLIER = "supplier", pgettext_lazy("transfer purpose", "supplier payment")
    SALARY = "salary", pgettext_lazy("transfer purpose", "net salary")
    ADVANCE = "advance", pgettext_lazy("transfer purpose", "advance on an invoice")


class LineState(models.TextChoices):
    """Where one transfer stands: in a batch not sent yet, on its way (booked against "transfers
    in progress"), paid (the bank statement shows it), returned or rejected by the bank, or
    dropped with its cancelled batch."""

    PENDING = "pending", pgettext_lazy("transfer", "not sent yet")
    SENT = "sent", pgettext_lazy("transfer", "on its way")
    SETTLED = "settled", pgettext_lazy("transfer", "paid")
    RETURNED = "returned", pgettext_lazy("transfer", "returned by the bank")
    CANCELLED = "cancelled", pgettext_lazy("transfer", "cancelled")


OPEN_LINE_STATES = (LineState.PENDING, LineState.SENT)


class RemittanceKind(models.TextChoices):
    TEXT = "text", _("message (free text)")
    OGM = "ogm", _("Belgian structured communication")
    RF = "rf", _("RF creditor reference")


STORED_BATCH_STATES = [s for s in BatchState.values if s != BatchState.SETTLED]
STRUCTURED_KINDS = {RemittanceKind.OGM, RemittanceKind.RF}


class AccountScheme(models.Model):
    """The pain.001 version a bank account's bank reads; without a row, pain.001.001.09.

    Kept here (not on the bank account) because it only matters to outgoing transfers; the last
    version chosen when creating a batch for the account becomes its default.
    """

    account = models.OneToOneField("banking.BankAccount", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("bank account"))
    scheme = models.CharField(_("file format"), max_length=20, choices=Scheme.choices, default=DEFAULT_SCHEME)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("transfer file format of an account")
        verbose_name_plural = _("transfer file formats of accounts")

    def __str__(self):
        return f"{self.account_id}: {self.scheme}"


def batch_file_path(instance, filename):
    return f"payouts/{instance.entity_id}/{filename}"


class PayoutBatch(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="payout_batches",
                               verbose_name=_("entity"))
    account = models.ForeignKey("banking.BankAccount", on_delete=models.PROTECT, related_name="payout_batches",
                                verbose_name=_("paid from"))
    scheme = models.CharField(_("file format"), max_length=20, choices=Scheme.choices, default=DEFAULT_SCHEME)
    requested_execution_date = models.DateField(_("execution date"))
    state = models.CharField(_("state"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT)
    # set when the file is generated
    message_id = models.CharField(_("message id"), max_length=35, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=batch_file_path, blank=True, editable=False)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    line_count = models.PositiveIntegerField(_("number of transfers"), default=0, editable=False)
    control_sum = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0, editable=False)
    # who did what
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    # the books: the entry posted when the batch was sent, its reversal if it was cancelled after
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              editable=False, verbose_name=_("entry"))
    reversal_entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", editable=False)
    settled_at = models.DateTimeField(_("paid by the bank"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("transfer batch")
        verbose_name_plural = _("transfer batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=STORED_BATCH_STATES), name="payout_batch_state_valid"),
            models.CheckConstraint(condition=models.Q(scheme__in=Scheme.values), name="payout_batch_scheme_valid"),
            models.UniqueConstraint(fields=["message_id"], condition=~models.Q(message_id=""),
                                    name="payout_batch_message_id_unique"),
        ]
        indexes = [models.Index(fields=["entity", "state", "-created_at"], name="payout_batch_by_state")]

    def __str__(self):
        return gettext("Transfer batch %(number)s") % {"number": self.pk}

    @property
    def status(self) -> str:
        """What readers see: the stored state, or "settled" once the bank paid every transfer."""
        if self.state == BatchState.SENT and self.settled_at is not None:
            return BatchState.SETTLED
        return self.state

    def get_status_display(self) -> str:
        return BatchState(self.status).label

    @property
    def is_draft(self) -> bool:
        return self.state == BatchState.DRAFT

    @property
    def has_file(self) -> bool:
        return self.state in (BatchState.GENERATED, BatchState.SENT) and bool(self.file)

    @property
    def filename(self) -> str:
        return f"{self.message_id or self.pk}.xml"


class PayoutLine(models.Model):
    """One credit transfer of a batch."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="lines", verbose_name=_("batch"))
    position = models.PositiveIntegerField(_("line"), default=1)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.SUPPLIER)
    # the DB takes more than SEPA's 70 so a long name read from elsewhere is reported, not lost
    creditor_name = models.CharField(_("beneficiary"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    remittance_kind = models.CharField(_("reference kind"), max_length=4, choices=RemittanceKind.choices,
                                       default=RemittanceKind.TEXT)
    # the message (unstructured, at most 140 characters) or the compact structured reference
    remittance = models.CharField(_("message or reference"), max_length=140)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35)
    source_document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="payout_lines", verbose_name=_("credit note"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="payout_lines", verbose_name=_("client"))
    # the ledger account the transfer settles (a payable, the client's receivable) and its activity
    debit_account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("account settled"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="payout_lines", verbose_name=_("activity"))
    # False once the batch is cancelled or the bank returned the transfer: a credit note is
    # refunded by at most one active line, an expense claim paid by one
    active = models.BooleanField(default=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=LineState.choices, default=LineState.PENDING,
                             editable=False)
    # what the bank said: the outgoing bank transaction that paid it, or the one that brought it back
    transaction = models.ForeignKey("banking.BankTransaction", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="payout_lines", editable=False, verbose_name=_("bank transaction"))
    settled_at = models.DateTimeField(_("paid"), null=True, blank=True, editable=False)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    settlement_entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", editable=False)
    return_transaction = models.ForeignKey("banking.BankTransaction", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="returned_payout_lines", editable=False)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", editable=False)
    return_reason = models.CharField(_("why it came back"), max_length=300, blank=True, editable=False)
    return_entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_line_amount_positive"),
            models.CheckConstraint(condition=models.Q(purpose__in=Purpose.values), name="payout_line_purpose_valid"),
            models.CheckConstraint(condition=models.Q(remittance_kind__in=RemittanceKind.values),
                                   name="payout_line_remittance_kind_valid"),
            models.CheckConstraint(condition=models.Q(state__in=LineState.values), name="payout_line_state_valid"),
            models.UniqueConstraint(fields=["batch", "end_to_end_id"], name="payout_line_end_to_end_unique"),
            models.UniqueConstraint(fields=["source_document"],
                                    condition=models.Q(active=True, source_document__isnull=False),
                                    name="payout_line_refund_once"),
        ]
        indexes = [models.Index(fields=["state", "amount"], name="payout_line_by_state")]

    def __str__(self):
        return f"{self.creditor_name} {self.amount}"

    @property
    def is_settled(self) -> bool:
        return self.state == LineState.SETTLED

    @property
    def is_structured(self) -> bool:
        return self.remittance_kind in STRUCTURED_KINDS
