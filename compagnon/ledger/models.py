"""The books of each entity: a double-entry general ledger with the ACTIVITY as analytic axis.

Written only by ``services.post_entry`` / ``reverse_entry``: a posted entry is never updated or
deleted; a correction is a reversal entry. The database backs the rules it can: one side per line
(CheckConstraint), one posting per source document and kind, gap-free numbers per journal and year
(unique constraint), and on PostgreSQL a deferred constraint trigger that refuses, at commit, any
entry whose lines do not balance (migration 0002).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compagnon.jurisdictions import charts


class AccountKind(models.TextChoices):
    ASSET = charts.ASSET, pgettext_lazy("account kind", "asset")
    LIABILITY = charts.LIABILITY, pgettext_lazy("account kind", "liability")
    EQUITY = charts.EQUITY, pgettext_lazy("account kind", "equity")
    INCOME = charts.INCOME, pgettext_lazy("account kind", "income")
    EXPENSE = charts.EXPENSE, pgettext_lazy("account kind", "expense")


class Account(models.Model):
    """An account of an entity's chart. ``role`` is the stable key code posts to (charts.py)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name=_("entity"),
    )
    code = models.CharField(_("number"), max_length=12)
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_("Accounts from the standard chart are shown in the reader's language."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    role = models.CharField(_("role"), max_length=40, blank=True)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["entity_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "code"], name="ledger_account_code_unique"),
            models.UniqueConstraint(
                fields=["entity", "role"],
                condition=~Q(role="") & Q(vat_rate__isnull=True),
                name="ledger_account_role_unique",
            ),
            models.UniqueConstraint(
                fields=["entity", "role", "vat_rate"],
                condition=~Q(role="") & Q(vat_rate__isnull=False),
                name="ledger_account_role_rate_unique",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (standard names are msgids; others stay as typed)."""
        return gettext(self.name) if self.name else ""


class Journal(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="ledger_journals",
        verbose_name=_("entity"),
    )
    code = models.CharField(_("code"), max_length=6)
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["entity_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "code"], name="ledger_journal_code_unique"),
            models.UniqueConstraint(
                fields=["entity", "role"], condition=~Q(role=""), name="ledger_journal_role_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return gettext(self.name) if self.name else ""


class JournalCounter(models.Model):
    """The last number given in a journal for a year. Locked (select_for_update) while posting, so
    numbers are gap-free and follow the dates."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journal", "year"], name="ledger_counter_unique")
        ]

    def __str__(self):
        return f"{self.journal_id}/{self.year}: {self.last}"


class PostedEntryError(Exception):
    """A posted entry or line was about to be changed or deleted: post a reversal instead."""


class _Immutable:
    """Saving an existing row or deleting one raises: the books are append-only. (Queryset
    ``update()``/``delete()`` bypass this; ``check_books`` and, on PostgreSQL, the balance trigger
    catch what they would break.)"""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PostedEntryError(f"{self._meta.label} {self.pk} is posted: reverse it instead")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PostedEntryError(f"{self._meta.label} {self.pk} is posted: reverse it instead")


class EntryKind(models.TextChoices):
    """Known kinds. Other contexts may use their own (e.g. "payment"): the field is open text, and
    (source, kind) is what makes a posting unique."""

    ISSUE = "issue", pgettext_lazy("entry kind", "issue")
    REVERSAL = "reversal", pgettext_lazy("entry kind", "reversal")


class Entry(_Immutable, models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("entity"),
    )
    journal = models.ForeignKey(
        Journal, on_delete=models.PROTECT, related_name="entries", verbose_name=_("journal")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=200)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, default=EntryKind.ISSUE)
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reversal of"),
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["date", "journal_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "year", "number"], name="ledger_entry_number_unique"
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"],
                condition=~Q(source_type=""),
                name="ledger_entry_posted_once",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="ledger_entry_number_positive"),
        ]
        indexes = [
            models.Index(fields=["entity", "date"]),
            models.Index(fields=["journal", "date"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.label}"

    @property
    def reference(self) -> str:
        """E.g. "VT-2026-00042" (needs the journal, select_related it)."""
        return f"{self.journal.code}-{self.year}-{self.number:05d}"

    @property
    def kind_label(self) -> str:
        return EntryKind(self.kind).label if self.kind in EntryKind.values else self.kind

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines.all()), Decimal("0.00"))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines.all()), Decimal("0.00"))

    @property
    def is_balanced(self) -> bool:
        lines = self.lines.all()
        return len(lines) >= 2 and self.total_debit == self.total_credit > 0


class EntryLine(_Immutable, models.Model):
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="lines", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    debit = models.DecimalField(_("debit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
        verbose_name=_("activity"),
        help_text=_("Empty for the cooperative's own lines."),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_lines",
        verbose_name=_("client"),
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    # Copies of the entry's date and journal, written with the line by the posting service (entries
    # are immutable, so they cannot drift; check_books proves it): the budget and the dashboards
    # filter an activity's lines on them without joining the entries (docs/decisions/0018).
    date = models.DateField(_("date"), editable=False)
    journal = models.ForeignKey(
        Journal,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("journal"),
    )

    class Meta:
        verbose_name = _("entry line")
        verbose_name_plural = _("entry lines")
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0)
                & Q(credit__gte=0)
                & (Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)),
                name="ledger_line_one_side",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "entry"]),
            models.Index(fields=["activity", "date"]),
            models.Index(fields=["account", "entry"]),
            models.Index(fields=["client", "entry"]),
        ]

    def __str__(self):
        side = f"D {self.debit}" if self.debit else f"C {self.credit}"
        return f"{self.account_id}: {side}"

    @property
    def amount(self) -> Decimal:
        """Signed: debit positive, credit negative."""
        return self.debit - self.credit


class PeriodLock(models.Model):
    """The books of ``entity`` are closed up to and including ``locked_until``. The latest row
    wins; rows are the history of closings."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="ledger_locks",
        verbose_name=_("entity"),
    )
    locked_until = models.DateField(_("locked until"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    created_at = models.DateTimeField(_("locked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        ordering = ["-locked_until", "-created_at"]
        indexes = [models.Index(fields=["entity", "-locked_until"])]

    def __str__(self):
        return f"{self.entity_id} ≤ {self.locked_until}"


class MonthTotal(models.Model):
    """Debit and credit of one account for one activity (or the cooperative's own lines) in one
    month: the ledger's own derived data, so the budget and the reports read O(months) rows, not
    O(lines). Written only by ``services`` in the transaction that posts the lines it sums (an
    upsert per (activity, account, month) touched); ``check_books`` proves every row equals the
    SUM of its lines (docs/decisions/0029).

    One row per (account, activity, year, month) — the cooperative's own lines (activity NULL)
    included: two partial unique constraints, one for each case, because NULLs are distinct in a
    plain unique constraint and ``nulls_distinct=False`` exists on PostgreSQL ≥ 15 only. Both
    databases accept ``INSERT … ON CONFLICT (…) WHERE … DO UPDATE`` against a partial index."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entity"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="month_totals",
        db_index=False,  # the unique constraints start with it
        verbose_name=_("account"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the (activity, year) index starts with it
        verbose_name=_("activity"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    debit = models.DecimalField(_("debit"), max_digits=18, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), max_digits=18, decimal_places=2, default=Decimal("0"))
    # Of which in the journals of role "sales": the budget tells invoices (receivable debits in the
    # sales journals) from cash (receivable credits elsewhere) without reading the lines.
    sales_debit = models.DecimalField(
        _("debit in the sales journals"),
        max_digits=18,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
    )
    sales_credit = models.DecimalField(
        _("credit in the sales journals"),
        max_digits=18,
        decimal_places=2,
        default=Decimal("0"),
        db_default=Decimal("0"),
    )

    class Meta:
        verbose_name = _("month total")
        verbose_name_plural = _("month totals")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "activity", "year", "month"],
                condition=Q(activity__isnull=False),
                name="ledger_monthtotal_activity_unique",
            ),
            models.UniqueConstraint(
                fields=["account", "year", "month"],
                condition=Q(activity__isnull=True),
                name="ledger_monthtotal_own_unique",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="ledger_monthtotal_month"
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "year"], name="ledger_monthtotal_act_year"),
            models.Index(fields=["entity", "year"], name="ledger_monthtotal_ent_year"),
        ]

    def __str__(self):
        return f"{self.account_id}/{self.activity_id or '-'} {self.year}-{self.month:02d}"

    @property
    def balance(self) -> Decimal:
        """Signed: debit positive, credit negative."""
        return self.debit - self.credit
