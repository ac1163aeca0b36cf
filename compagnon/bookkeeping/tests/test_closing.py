"""Closing last year: what blocks it, the closing and opening entries, the lock, and that the
figures members and accountants read do not move."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.ledger import selectors as ledger_selectors
from compagnon.ledger.models import Entry, PeriodLock
from compagnon.ledger.tests.factories import post_sale

from .. import closing, services
from ..models import YearClosing
from .factories import coop, day, last_year, rent_lines

pytestmark = pytest.mark.django_db
D = Decimal


def _signed(entry):
    return {
        (line.account.code, line.activity_id): line.debit - line.credit
        for line in entry.lines.select_related("account")
    }


def test_closing_carries_every_balance_forward_and_moves_each_activity_result():
    c = coop()
    entity, a, b = c["entity"], c["activity_a"], c["activity_b"]
    before = {x.pk: ledger_selectors.activity_balances(c["a"].user, x) for x in (a,)}
    entries_before = Entry.objects.filter(entity=entity).count()
    year = last_year()

    closed = closing.close_year(actor=c["accountant"], entity=entity, year=year)

    opening, closing_entry = closed.opening_entry, closed.closing_entry
    assert opening.date == datetime.date(year + 1, 1, 1)
    assert opening.journal.code == "AN" and opening.kind == "opening"
    assert closing_entry.date == datetime.date(year, 12, 31) and closing_entry.journal.code == "CLO"
    assert opening.is_balanced and closing_entry.is_balanced
    lines = _signed(opening)
    # activity a: invoiced 1,200 incl. VAT, cashed 600: 600 still owed, 600 in the bank
    assert lines[("411", a.pk)] == D("600.00")
    assert lines[("512", a.pk)] == D("600.00")
    assert lines[("445712", a.pk)] == D("-200.00")
    # results per activity on the result account, on the activity's axis: a profit is a credit
    results = {r["activity"]: D(r["result"]) for r in closed.results}
    assert results[b.pk] == D("50.00")
    assert lines[("120", b.pk)] == -results[b.pk]
    assert not any(code.startswith(("6", "7")) for code, _ in lines)
    # the closing entry is the exact mirror: over time the balances do not move
    assert _signed(closing_entry) == {k: -v for k, v in lines.items()}
    assert PeriodLock.objects.get(entity=entity).locked_until == datetime.date(year, 12, 31)
    # nothing else was posted (no contribution on the receivables the closing moves)
    assert Entry.objects.filter(entity=entity).count() == entries_before + 2
    after = ledger_selectors.activity_balances(c["a"].user, a)
    moved = ("total_debit", "total_credit")
    assert {k: v for k, v in after.items() if k not in moved} == {
        k: v for k, v in before[a.pk].items() if k not in moved
    }
    # last year's revenue and result read by date are unchanged
    figures = ledger_selectors.year_figures_by_activity(c["accountant"], [a.pk, b.pk], year=year)
    assert figures[b.pk]["revenue"] == D("50.00")


def test_a_loss_goes_to_129_and_the_next_year_closes_from_the_opening_entry():
    c = coop()
    entity, b = c["entity"], c["activity_b"]
    year = last_year() - 1
    # a year before: b spends 80 and earns nothing
    draft = services.save_draft(
        actor=c["accountant"],
        entity=entity,
        date=datetime.date(year, 6, 1),
        label="Tools",
        lines=rent_lines(entity, D("80.00"), activity=b),
    )
    services.validate(actor=c["accountant"], manual_entry=draft)
    first = closing.close_year(actor=c["accountant"], entity=entity, year=year)
    assert _signed(first.opening_entry)[("129", b.pk)] == D("80.00")
    second = closing.close_year(actor=c["accountant"], entity=entity, year=year + 1)
    lines = _signed(second.opening_entry)
    assert second.opening_entry.is_balanced
    # the loss carried forward stays on 129 and the new profit goes to 120
    assert lines[("129", b.pk)] == D("80.00") and lines[("120", b.pk)] == D("-50.00")


def test_belgian_result_goes_to_account_14_in_the_opening_journal():
    c = coop(belgian=True)
    closed = closing.close_year(actor=c["accountant"], entity=c["entity"], year=last_year())
    assert closed.opening_entry.journal.code == "OUV"
    lines = _signed(closed.opening_entry)
    assert lines[("14", c["activity_b"].pk)] == D("-50.00")


def test_a_closed_year_cannot_be_closed_again_nor_written_into():
    c = coop()
    entity, year = c["entity"], last_year()
    closing.close_year(actor=c["accountant"], entity=entity, year=year)
    with pytest.raises(ValidationError, match="already closed"):
        closing.close_year(actor=c["accountant2"], entity=entity, year=year)
    with pytest.raises(ValidationError, match="closed up to"):
        post_sale(c["activity_a"], net=D("10.00"), date=day(12, 30))
    assert YearClosing.objects.filter(entity=entity).count() == 1
    assert Entry.objects.filter(entity=entity, kind="opening").count() == 1


def test_what_blocks_is_said_in_words_and_nothing_is_written():
    c = coop()
    entity, year = c["entity"], last_year()
    services.save_draft(
        actor=c["accountant"],
        entity=entity,
        date=day(11, 30),
        label="Accrued rent",
        lines=rent_lines(entity),
    )
    messages = [b.message for b in closing.blockers(entity, year)]
    assert any("manual entry of the year is not recorded yet" in m for m in messages)
    with pytest.raises(ValidationError, match="not recorded yet"):
        closing.close_year(actor=c["accountant"], entity=entity, year=year)
    assert not Entry.objects.filter(entity=entity, kind__in=["closing", "opening"]).exists()
    assert not PeriodLock.objects.filter(entity=entity).exists()
    this_year = last_year() + 1
    assert "is not over" in closing.blockers(entity, this_year)[0].message


def test_earlier_years_are_closed_first_and_a_lock_past_new_year_blocks():
    c = coop()
    entity, year = c["entity"], last_year()
    post_sale(c["activity_a"], net=D("5.00"), date=datetime.date(year - 1, 2, 1))
    assert "close %s first" % (year - 1) in closing.blockers(entity, year)[0].message
    from compagnon.ledger.services import lock_period

    lock_period(actor=c["accountant"], entity=entity, until=datetime.date(year, 12, 31))
    assert any("already locked" in b.message for b in closing.blockers(entity, year))


def test_missing_bank_statements_block(settings):
    from compagnon.banking.models import BankAccount

    c = coop()
    BankAccount.objects.create(entity=c["entity"], name="Main", iban="FR7630006000011234567890189")
    found = closing.blockers(c["entity"], last_year())
    assert any("No statement of the bank account Main" in d for b in found for d in b.details)


def test_only_the_entitys_accountants_close_it():
    c = coop()
    with pytest.raises(PermissionDenied):
        closing.close_year(actor=c["foreign_accountant"], entity=c["entity"], year=last_year())
    with pytest.raises(PermissionDenied):
        closing.close_year(actor=c["a"].user, entity=c["entity"], year=last_year())
