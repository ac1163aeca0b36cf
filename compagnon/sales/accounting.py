"""The ledger entry of an issued document, written in the same transaction as the issue.

Invoice (final or plain), in the sales journal:
    debit  client receivable (client, activity)            amount due (BT-115)
    debit  customer advances (activity)                     deposits' net amounts, when deducted
    credit revenue per VAT rate (activity)                  taxable amounts (BT-116)
    credit VAT collected per rate                           taxes (BT-117), less the deposits' VAT
Deposit invoice: receivable / customer advances (not revenue yet) / VAT collected.
Credit note: the mirror of an invoice.
No contribution at issue: the cooperative's contribution is charged on cash received, by the
budget, when a payment reaches the books (compagnon/budget/contribution.py,
docs/decisions/0017-contribution-owner.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation

from compagnon.ledger import services as ledger

from .calculation import money
from .models import Kind, State

JOURNAL = "sales"  # a role: VT in France, VE in Belgium
# Lines do not say goods or services yet; documents book service revenue (the members' usual case).
REVENUE_ROLE = "revenue_services"


def entry_lines(document) -> list[ledger.LineSpec]:
    activity, client = document.activity, document.client
    sign = -1 if document.kind == Kind.CREDIT_NOTE else 1
    lines: list[ledger.LineSpec] = []

    def add(role, amount, *, rate=None, with_client=False, on_activity=True, label=""):
        amount = money(amount) * sign
        if amount == 0:
            return
        debit, credit = (amount, Decimal("0")) if amount > 0 else (Decimal("0"), -amount)
        lines.append(ledger.LineSpec(role=role, rate=rate, debit=debit, credit=credit,
                                     activity=activity if on_activity else None,
                                     client=client if with_client else None, label=label))

    label = f"{document.number} {client.name}"[:200]
    breakdown = list(document.vat_breakdown.all())
    if document.kind == Kind.DEPOSIT:
        add("receivable", document.tax_inclusive, with_client=True, label=label)
        add("customer_advances", -document.tax_exclusive, label=label)
        for row in breakdown:
            add("vat_collected", -row.tax_amount, rate=row.rate, label=label)
        return lines
    deposits = []
    if document.quote_id and document.prepaid:
        deposits = list(document.quote.invoices.filter(kind=Kind.DEPOSIT, state=State.ISSUED)
                        .prefetch_related("vat_breakdown"))
    deposit_tax: dict[Decimal, Decimal] = {}
    for deposit in deposits:
        for row in deposit.vat_breakdown.all():
            deposit_tax[row.rate] = deposit_tax.get(row.rate, Decimal("0")) + row.tax_amount
    add("receivable", document.payable, with_client=True, label=label)
    if deposits:
        add("customer_advances", sum((d.tax_exclusive for d in deposits), Decimal("0")), label=label)
    for row in breakdown:
        add(REVENUE_ROLE, -row.taxable_amount, label=label)
        add("vat_collected", -(row.tax_amount - deposit_tax.pop(row.rate, Decimal("0"))) if row.category == "S" else Decimal("0"),
            rate=row.rate, label=label)
    return lines


def books_nothing(document) -> bool:
    """A zero document (a free service, a full discount) moves no money: no entry is posted for it.

    The ledger only takes entries of at least two non-zero lines, so a zero invoice gets no entry
    rather than an empty one; ``ledger_checks.documents_posted_once`` expects none for it. It is
    zero when nothing was prepaid and every VAT breakdown row is zero (then every line of
    :func:`entry_lines` is zero: receivable, revenue, VAT).
    """
    return not document.prepaid and not any(
        row.taxable_amount or row.tax_amount for row in document.vat_breakdown.all()
    )


def post_document(*, actor, document) -> None:
    # Labels in the document's language (as the PDF), not in the language of whoever issues it.
    with translation.override(document.language or settings.LANGUAGE_CODE):
        _post_document(actor=actor, document=document)


def _post_document(*, actor, document) -> None:
    lines = entry_lines(document)
    if not lines and books_nothing(document):
        return
    ledger.post_entry(actor=actor, entity=document.entity, journal_code=JOURNAL, date=document.issue_date,
                      label=f"{document.get_kind_display()} {document.number} — {document.client.name}"[:200],
                      lines=lines, source=document, kind="issue")
