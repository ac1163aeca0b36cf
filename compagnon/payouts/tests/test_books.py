"""A sent batch reaches the books once; a recalled one is reversed; check_books proves it."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum

from compagnon.ledger.models import Entry, EntryLine
from compagnon.payouts import books, services
from compagnon.payouts.models import LineState, PayoutLine, Purpose

from .factories import CLIENT_IBAN, FR_IBAN, tomorrow

pytestmark = pytest.mark.django_db


def batch_with_lines(setting, *, refund=False):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    activity = setting.note.activity
    claim = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Ann Member", iban=CLIENT_IBAN,
                              amount=D("42.50"), purpose=Purpose.EXPENSE, remittance="Expense claim 7",
                              debit_account="member_current", activity=activity)
    supplier = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Papeterie SA", iban=FR_IBAN,
                                 amount=D("100.00"), remittance="Invoice 2026-118", activity=activity)
    lines = [claim, supplier]
    if refund:
        lines.append(services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note,
                                              iban=CLIENT_IBAN))
    return batch, lines


def send(setting, batch):
    services.generate(actor=setting.accountant, batch=batch)
    return services.mark_sent(actor=setting.accountant, batch=batch)


def sound(entity):
    """check_books' report (it raises CommandError when it finds a problem)."""
    out = io.StringIO()
    call_command("check_books", entity=[entity.pk], stdout=out)
    return out.getvalue()


def test_add_line_stores_the_account_it_settles_and_the_activity(setting):
    batch, (claim, supplier) = batch_with_lines(setting)
    assert (claim.debit_account.role, claim.activity) == ("member_current", setting.note.activity)
    assert supplier.debit_account.role == "supplier"  # the purpose's payable by default
    salary = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Bob", iban=CLIENT_IBAN,
                               amount=D("1800"), purpose=Purpose.SALARY, remittance="Salary 2026-05")
    assert salary.debit_account.code == "455"  # Belgian remuneration payable
    by_number = services.add_line(actor=setting.accountant, batch=batch, creditor_name="Bob", iban=CLIENT_IBAN,
                                  amount=D("1"), remittance="x", debit_account="440")
    assert by_number.debit_account.role == "supplier"
    refund = services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note,
                                      iban=CLIENT_IBAN)
    assert refund.debit_account.role == "receivable" and refund.activity == setting.note.activity
    with pytest.raises(ValidationError) as refused:
        services.add_line(actor=setting.accountant, batch=batch, creditor_name="Bob", iban=CLIENT_IBAN,
                          amount=D("1"), remittance="x", debit_account="no_such_role")
    assert "debit_account" in refused.value.message_dict


def test_sending_posts_one_balanced_entry_against_transfers_in_progress(setting):
    batch, _lines = batch_with_lines(setting, refund=True)
    batch = send(setting, batch)
    entry = Entry.objects.get(source_type="payouts.payoutbatch", source_id=batch.pk, kind=books.SENT)
    assert batch.entry == entry and entry.journal.role == "misc"
    lines = {(line.account.code, line.debit, line.credit, line.activity_id)
             for line in entry.lines.select_related("account")}
    activity = setting.note.activity.pk
    # the refund is booked by payments when the bank line comes: not here
    assert lines == {("489", D("42.50"), D("0"), activity), ("440", D("100.00"), D("0"), activity),
                     ("581", D("0"), D("142.50"), None)}
    assert set(batch.lines.values_list("state", flat=True)) == {LineState.SENT}
    # once: a second "sent" is refused and posts nothing
    with pytest.raises(ValidationError):
        services.mark_sent(actor=setting.accountant, batch=batch)
    assert Entry.objects.filter(source_type="payouts.payoutbatch", source_id=batch.pk).count() == 1
    assert "problem" not in sound(setting.entity).lower()


def test_a_batch_that_only_refunds_posts_nothing_when_sent(setting):
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=setting.note, iban=CLIENT_IBAN)
    batch = send(setting, batch)
    assert batch.entry is None and not Entry.objects.filter(source_type="payouts.payoutbatch").exists()


def test_cancelling_a_sent_batch_reverses_its_entry_and_frees_what_it_paid(setting):
    batch, _lines = batch_with_lines(setting, refund=True)
    batch = send(setting, batch)
    batch = services.cancel(actor=setting.accountant, batch=batch)
    assert batch.reversal_entry.reversal_of_id == batch.entry_id
    totals = EntryLine.objects.filter(account__role="transfers_in_progress").aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] == D("142.50")
    assert set(PayoutLine.objects.filter(batch=batch).values_list("state", "active")) == {(LineState.CANCELLED, False)}
    # the credit note can be refunded again
    again = services.create_batch(actor=setting.accountant, account=setting.account, requested_execution_date=tomorrow())
    services.add_refund_line(actor=setting.accountant, batch=again, credit_note=setting.note, iban=CLIENT_IBAN)
    with pytest.raises(ValidationError):
        services.cancel(actor=setting.accountant, batch=batch)
    assert "problem" not in sound(setting.entity).lower()


def test_check_books_finds_a_sent_batch_without_its_entry(setting):
    from django.utils import timezone

    from compagnon.payouts import ledger_checks
    from compagnon.payouts.models import PayoutBatch

    entities = type(setting.entity).objects.filter(pk=setting.entity.pk)
    batch, _lines = batch_with_lines(setting)
    services.generate(actor=setting.accountant, batch=batch)
    assert list(ledger_checks.payout_lines_posted_once(entities)) == []
    # marked sent behind the service's back: nothing posted
    PayoutBatch.objects.filter(pk=batch.pk).update(state="sent", sent_at=timezone.now())
    problems = list(ledger_checks.payout_lines_posted_once(entities))
    assert problems == [f"transfer batch {batch.pk}: 0 entries when sent instead of 1"]
    states = list(ledger_checks.payout_states_agree(entities))
    assert states == [f"transfer batch {batch.pk} is sent but has transfers pending"]
