"""Bank accounts of an entity, imported statements and their transactions.

A transaction is one booked entry of a statement (camt.053 ``Ntry``/``TxDtls`` or a CSV row). It is
imported once: ``fingerprint`` (unique per account) is computed from the bank's own references
when it gives them, else from date, amount, counterparty and remittance text. Importing books
every transaction against the suspense account (bank / suspense); matching it to invoices
(``compagnon.payments``) moves the amount from suspense to the client's receivable.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.organisation.models import validate_iban


class BankAccount(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="bank_accounts",
        verbose_name=_("entity"),
    )
    name = models.CharField(_("name"), max_length=120)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["entity", "name"]
        constraints = [models.UniqueConstraint(fields=["iban"], name="bank_account_iban_unique")]

    def __str__(self):
        return f"{self.name} ({self.iban})"


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "camt.053"
    CSV = "csv", "CSV"


class ImportState(models.TextChoices):
    IMPORTED = "imported", pgettext_lazy("statement", "imported")
    REJECTED = "rejected", pgettext_lazy("statement", "rejected")


def statement_path(instance, filename):
    return f"statements/{instance.account.entity_id}/{filename}"


class BankStatement(models.Model):
    """One imported file. The file is always kept, a rejected one too, with the reason and place."""

    account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("bank account"),
    )
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    file = models.FileField(_("file"), upload_to=statement_path)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.IMPORTED
    )
    error = models.TextField(_("error"), blank=True)
    error_location = models.CharField(
        _("where"), max_length=200, blank=True
    )  # line number or XML path
    statement_id = models.CharField(_("statement id"), max_length=100, blank=True)  # camt Stmt/Id
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    opening_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    closing_balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # The balance check (camt.053 OPBD/CLBD; CSV files give no balances: nothing to check).
    # ``entries_total``: the sum of the booked entries of the file (known ones too);
    # ``previous_closing_balance``: the closing balance of the account's statement before this
    # one, when there is one. A mismatch warns; it never blocks the import (decision 0012).
    entries_total = models.DecimalField(
        _("entries total"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    previous_closing_balance = models.DecimalField(
        _("previous closing balance"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    imported = models.PositiveIntegerField(_("new transactions"), default=0)
    already_known = models.PositiveIntegerField(_("already known"), default=0)
    matched = models.PositiveIntegerField(_("matched automatically"), default=0)
    to_match = models.PositiveIntegerField(_("left to match"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    @property
    def is_rejected(self) -> bool:
        return self.state == ImportState.REJECTED

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
        return [self.file]

    @property
    def balances_checked(self) -> bool:
        """The file gives its opening and closing balances (camt.053; a CSV export does not)."""
        return (
            self.opening_balance is not None
            and self.closing_balance is not None
            and self.entries_total is not None
        )

    @property
    def expected_closing_balance(self) -> Decimal | None:
        """Opening balance + the entries of the file."""
        if not self.balances_checked:
            return None
        return self.opening_balance + self.entries_total

    @property
    def balance_difference(self) -> Decimal | None:
        """Closing balance the bank gives − the one the entries add up to (0 when they agree)."""
        if not self.balances_checked:
            return None
        return self.closing_balance - self.expected_closing_balance

    @property
    def opening_gap(self) -> Decimal | None:
        """Opening balance − the previous statement's closing balance (0 when they follow on)."""
        if self.opening_balance is None or self.previous_closing_balance is None:
            return None
        return self.opening_balance - self.previous_closing_balance

    @property
    def balance_mismatch(self) -> bool:
        return bool(self.balance_difference) or bool(self.opening_gap)

    @property
    def error_summary(self) -> str:
        """The plain sentence of ``error``; the parser's own text, if any, is ``error_detail``."""
        return (self.error or "").partition("\n")[0]

    @property
    def error_detail(self) -> str:
        return (self.error or "").partition("\n")[2]

    @property
    def error_line(self) -> int | None:
        """The line of the file where the problem is (``error_location`` is "line:place")."""
        line = self.error_location.split(":", 1)[0]
        return int(line) if line.isdigit() else None

    @property
    def error_place(self) -> str:
        """The element (XML path) or the column (CSV) where the problem is."""
        return self.error_location.split(":", 1)[1] if ":" in self.error_location else ""


class TransactionState(models.TextChoices):
    UNMATCHED = "unmatched", pgettext_lazy("bank transaction", "to match")
    PARTIAL = "partial", pgettext_lazy("bank transaction", "partly matched")
    MATCHED = "matched", pgettext_lazy("bank transaction", "matched")
    IGNORED = "ignored", pgettext_lazy("bank transaction", "set aside")


class BankTransaction(models.Model):
    account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("bank account"),
    )
    statement = models.ForeignKey(
        BankStatement,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=pgettext_lazy("bank", "statement"),
    )
    fingerprint = models.CharField(max_length=64)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2
    )  # > 0 money in, < 0 money out
    currency = models.CharField(max_length=3, default="EUR")
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    counterparty_bic = models.CharField(_("counterparty BIC"), max_length=11, blank=True)
    remittance = models.TextField(_("communication"), blank=True)  # unstructured remittance text
    structured_reference = models.CharField(_("structured reference"), max_length=35, blank=True)
    end_to_end_id = models.CharField(max_length=100, blank=True)
    bank_reference = models.CharField(max_length=100, blank=True)  # AcctSvcrRef or the bank's id
    bank_code = models.CharField(
        max_length=40, blank=True
    )  # BkTxCd (e.g. PMNT-RCDT-ESCT), charges…
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=TransactionState.choices,
        default=TransactionState.UNMATCHED,
    )
    allocated = models.DecimalField(
        _("matched amount"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booking_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "fingerprint"], name="bank_transaction_once")
        ]
        indexes = [
            models.Index(fields=["account", "state", "-booking_date"]),
            models.Index(fields=["structured_reference"]),
        ]

    def __str__(self):
        return f"{self.booking_date} {self.amount} {self.counterparty_name}"

    @property
    def open_amount(self) -> Decimal:
        return abs(self.amount) - self.allocated


class CsvMapping(models.Model):
    """How a bank's CSV export is read: which column holds what, date and number formats."""

    account = models.OneToOneField(
        BankAccount,
        on_delete=models.CASCADE,
        related_name="csv_mapping",
        verbose_name=_("bank account"),
    )
    delimiter = models.CharField(_("delimiter"), max_length=1, default=";")
    encoding = models.CharField(_("encoding"), max_length=20, default="utf-8")
    skip_rows = models.PositiveSmallIntegerField(_("rows before the header"), default=0)
    date_format = models.CharField(_("date format"), max_length=20, default="%d/%m/%Y")
    decimal_comma = models.BooleanField(_("decimal comma"), default=True)
    # column names as in the header row
    booking_date = models.CharField(_("booking date column"), max_length=100)
    value_date = models.CharField(_("value date column"), max_length=100, blank=True)
    amount = models.CharField(
        _("amount column"),
        max_length=100,
        blank=True,
        help_text=_("One signed amount column, or the credit and debit columns below."),
    )
    credit = models.CharField(_("credit column"), max_length=100, blank=True)
    debit = models.CharField(_("debit column"), max_length=100, blank=True)
    counterparty_name = models.CharField(_("counterparty column"), max_length=100, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN column"), max_length=100, blank=True)
    remittance = models.CharField(_("communication column"), max_length=100, blank=True)
    bank_reference = models.CharField(_("bank reference column"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("CSV column mapping")
        verbose_name_plural = _("CSV column mappings")

    def __str__(self):
        return f"CSV mapping of {self.account}"
