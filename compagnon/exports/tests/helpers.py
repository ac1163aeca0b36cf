"""A French (or Belgian) cooperative's year: invoices, a payment (lettered), a credit note, a
reversal and an opening entry."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

from django.utils import timezone

from compagnon.ledger import services as ledger
from compagnon.payments.matching import match_transactions
from compagnon.payments.tests.helpers import World, ogm
from compagnon.sales import services as sales


def year_of_books(country="FR") -> World:
    w = World(country)
    today = timezone.localdate()
    # the opening entry, dated the first day of the year
    ledger.post_entry(
        actor=None,
        entity=w.entity,
        journal_code="misc",
        date=datetime.date(today.year, 1, 1),
        label="À-nouveaux\tbalance",
        kind="opening",
        lines=[
            ledger.LineSpec(role="bank", debit=D("1000.00")),
            ledger.LineSpec(role="share_capital", credit=D("1000.00")),
        ],
    )
    paid = w.invoice("100")
    match_transactions(
        [w.receive(paid.payable, remittance=f"Paiement {paid.number} {ogm(paid)}")],
        actor=w.accountant,
    )
    credited = w.invoice("50")
    sales.issue_document(
        actor=w.member.user, document=sales.credit_note_for(actor=w.member.user, invoice=credited)
    )
    w.invoice("70")  # open at the end of the year
    wrong = ledger.post_entry(
        actor=None,
        entity=w.entity,
        journal_code="misc",
        date=today,
        label="Wrong fees",
        lines=[
            ledger.LineSpec(role="bank_fees", debit=D("12.34")),
            ledger.LineSpec(role="suspense", credit=D("12.34")),
        ],
    )
    ledger.reverse_entry(actor=None, entry=wrong, date=today, label="Wrong fees cancelled")
    return w
