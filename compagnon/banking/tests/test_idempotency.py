"""Importing the same statement twice, or statements that overlap, creates nothing new."""

from decimal import Decimal

import pytest

from compagnon.banking import services
from compagnon.banking.models import BankStatement, BankTransaction
from compagnon.ledger.models import Entry, EntryLine

from .helpers import BE_IBAN, camt, data, entry

pytestmark = pytest.mark.django_db


def run(actor, account, content, name="statement.xml"):
    statement = services.import_statement(actor=actor, account=account, data=content, filename=name)
    assert not statement.is_rejected, statement.error
    return statement


def test_the_same_file_twice_creates_nothing_new(accountant, be_account):
    content = data("camt053_v08_kbc.xml")
    first = run(accountant, be_account, content)
    entries, lines = Entry.objects.count(), EntryLine.objects.count()

    again = run(accountant, be_account, content)

    assert (first.imported, first.already_known) == (6, 0)
    assert (again.imported, again.already_known) == (0, 6)
    assert (again.matched, again.to_match) == (0, 0)
    assert BankTransaction.objects.count() == 6
    assert not again.transactions.exists()
    # nothing new to book: no second entry
    assert (Entry.objects.count(), EntryLine.objects.count()) == (entries, lines)
    assert BankStatement.objects.count() == 2  # each import is kept, with its counts


def test_an_overlapping_statement_adds_only_what_is_new(accountant, be_account):
    week = [
        entry(100, day="2026-05-04", ref="B-1", name="Ann"),
        entry(200, day="2026-05-05", ref="B-2", name="Bob"),
        entry(-30, day="2026-05-06", ref="B-3", name="Shop"),
    ]
    later = [*week[1:], entry(400, day="2026-05-07", ref="B-4", name="Dirk")]
    run(accountant, be_account, camt(BE_IBAN, week, statement_id="W1"))

    second = run(accountant, be_account, camt(BE_IBAN, later, statement_id="W2"))

    assert (second.imported, second.already_known) == (1, 2)
    assert [t.counterparty_name for t in second.transactions.all()] == ["Dirk"]
    assert BankTransaction.objects.count() == 4


def test_two_identical_payments_without_bank_reference_both_import_once(accountant, be_account):
    twice = [
        entry(50, day="2026-05-04", name="Ann", iban="BE71096123456769", ustrd="Lesson"),
        entry(50, day="2026-05-04", name="Ann", iban="BE71096123456769", ustrd="Lesson"),
    ]
    first = run(accountant, be_account, camt(BE_IBAN, twice, statement_id="D1"))
    assert first.imported == 2

    # the next statement overlaps that day (same two payments) and adds a third one
    overlap = [
        *twice,
        entry(50, day="2026-05-05", name="Ann", iban="BE71096123456769", ustrd="Lesson"),
    ]
    second = run(accountant, be_account, camt(BE_IBAN, overlap, statement_id="D2"))

    assert (second.imported, second.already_known) == (1, 2)
    assert BankTransaction.objects.filter(amount=Decimal("50")).count() == 3


def test_a_reused_bank_reference_in_one_file_is_still_two_transactions(accountant, be_account):
    content = camt(BE_IBAN, [entry(10, ref="SAME", name="A"), entry(20, ref="SAME", name="B")])
    assert run(accountant, be_account, content).imported == 2
    assert run(accountant, be_account, content).already_known == 2


def test_the_same_transaction_on_another_account_is_another_transaction(
    accountant, be_account, be_entity
):
    from .helpers import bank_account

    other = bank_account(be_entity)
    run(accountant, be_account, camt(BE_IBAN, [entry(10, ref="R1")]))
    statement = run(accountant, other, camt(other.iban, [entry(10, ref="R1")]))
    assert statement.imported == 1
