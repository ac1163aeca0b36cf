"""Each import is booked as one entry of the bank journal: bank against suspense."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from compagnon.banking import services
from compagnon.ledger.models import Entry, PeriodLock
from compagnon.ledger.services import LineSpec, post_entry

from .helpers import BE_IBAN, camt, data, entry

pytestmark = pytest.mark.django_db
D = Decimal


def run(actor, account, content):
    statement = services.import_statement(
        actor=actor, account=account, data=content, filename="s.xml"
    )
    assert not statement.is_rejected, statement.error
    return statement


def booked(statement):
    entry = Entry.objects.select_related("journal").get(
        source_type="banking.bankstatement", source_id=statement.pk
    )
    lines = list(entry.lines.select_related("account"))
    return entry, lines


def test_one_balanced_entry_per_statement_bank_and_suspense_equal_the_sum(accountant, be_account):
    statement = run(accountant, be_account, data("camt053_v08_kbc.xml"))
    entry, lines = booked(statement)

    assert entry.journal.role == "bank" and entry.kind == "import"
    assert entry.date == datetime.date(2026, 4, 14)  # the statement's last booking date
    assert entry.is_balanced
    assert len(lines) == 2 * statement.imported
    bank = [line for line in lines if line.account.role == "bank"]
    suspense = [line for line in lines if line.account.role == "suspense"]
    amounts = [t.amount for t in statement.transactions.all()]
    money_in = sum(a for a in amounts if a > 0)
    money_out = -sum(a for a in amounts if a < 0)
    assert sum(line.debit for line in bank) == money_in == sum(line.credit for line in suspense)
    assert sum(line.credit for line in bank) == money_out == sum(line.debit for line in suspense)
    assert sum(line.debit - line.credit for line in bank) == sum(amounts) == D("-1951.25")
    labels = {line.label for line in lines}
    assert "2026-04-14 Bakkerij Janssens BV" in labels
    assert "2026-04-14 Els Vermeulen" in labels


def test_a_journal_entry_dated_later_moves_the_booking_to_today(accountant, be_account, be_entity):
    later = datetime.date(2026, 4, 20)
    post_entry(
        actor=None,
        entity=be_entity,
        journal_code="bank",
        date=later,
        label="Earlier",
        lines=[LineSpec(role="bank", debit=1), LineSpec(role="suspense", credit=1)],
    )
    statement = run(accountant, be_account, data("camt053_v08_kbc.xml"))
    entry, _lines = booked(statement)
    assert entry.date == timezone.localdate()


def test_a_closed_period_moves_the_booking_to_today(accountant, be_account, be_entity):
    PeriodLock.objects.create(entity=be_entity, locked_until=datetime.date(2026, 4, 30))
    statement = run(accountant, be_account, data("camt053_v08_kbc.xml"))
    assert booked(statement)[0].date == timezone.localdate()


def test_nothing_new_nothing_booked(accountant, be_account):
    content = camt(BE_IBAN, [entry(0, ref="ZERO")])  # a zero entry is kept, not booked
    statement = run(accountant, be_account, content)
    assert statement.imported == 1
    assert not Entry.objects.exists()
