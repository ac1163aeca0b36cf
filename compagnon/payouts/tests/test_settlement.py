"""Imported statements settle the transfers they show; returns re-open what they paid."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from compagnon.banking import services as banking
from compagnon.banking.models import BankTransaction, TransactionState
from compagnon.banking.tests.helpers import camt, entry
from compagnon.ledger.models import Entry
from compagnon.notifications.models import Notification
from compagnon.payments.tests.helpers import balance, books_are_sound, transaction
from compagnon.payouts import books, services, settlement, signals
from compagnon.payouts.models import BatchState, LineState, PayoutLine

from .factories import CLIENT_IBAN, FR_IBAN, tomorrow
from .test_books import batch_with_lines, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """What the contexts that pay through batches hear."""
    calls = []

    def settled(sender, *, line, transaction, **kw):
        calls.append(("settled", line.pk, transaction.pk if transaction else None))

    def returned(sender, *, line, transaction, reason, **kw):
        calls.append(("returned", line.pk, transaction.pk if transaction else None))

    signals.line_settled.connect(settled, dispatch_uid="test.settled")
    signals.line_returned.connect(returned, dispatch_uid="test.returned")
    yield calls
    signals.line_settled.disconnect(dispatch_uid="test.settled")
    signals.line_returned.disconnect(dispatch_uid="test.returned")


def import_camt(setting, entries, statement_id="S-1"):
    data = camt(setting.account.iban, entries, statement_id=statement_id)
    statement = banking.import_statement(actor=setting.accountant, account=setting.account, data=data,
                                         filename=f"{statement_id}.xml")
    assert not statement.is_rejected, statement.error
    return statement


def test_a_camt_statement_settles_the_transfers_by_end_to_end_id_once(setting, heard):
    batch, (claim, supplier) = batch_with_lines(setting)
    send(setting, batch)
    statement = import_camt(setting, [
        entry("-42.50", e2e=claim.end_to_end_id, name="Ann Member", iban=CLIENT_IBAN),
        entry("-100.00", e2e=supplier.end_to_end_id, name="Papeterie SA", iban=FR_IBAN),
        entry("250.00", name="Someone", ustrd="nothing known"),
    ])
    assert (statement.matched, statement.to_match) == (2, 1)  # the money in is left to payments' queue
    claim.refresh_from_db()
    supplier.refresh_from_db()
    assert claim.state == supplier.state == LineState.SETTLED and claim.transaction.amount == D("-42.50")
    batch.refresh_from_db()
    assert batch.status == BatchState.SETTLED and batch.settled_at
    assert sorted(heard) == sorted([("settled", claim.pk, claim.transaction_id),
                                    ("settled", supplier.pk, supplier.transaction_id)])
    # transfers in progress is cleared, suspense too for what the import booked
    assert balance(setting.entity, "transfers_in_progress") == 0
    assert Entry.objects.filter(kind=books.SETTLED).count() == 2
    books_are_sound(setting.entity)
    # the same statement again: known, nothing posted twice, nobody told twice
    again = import_camt(setting, [
        entry("-42.50", e2e=claim.end_to_end_id, name="Ann Member", iban=CLIENT_IBAN),
        entry("-100.00", e2e=supplier.end_to_end_id, name="Papeterie SA", iban=FR_IBAN),
        entry("250.00", name="Someone", ustrd="nothing known"),
    ])
    assert again.imported == 0 and Entry.objects.filter(kind=books.SETTLED).count() == 2 and len(heard) == 2
    with pytest.raises(ValidationError):
        settlement.settle(actor=setting.accountant, lines=[claim], transaction=claim.transaction)


def test_without_end_to_end_id_the_amount_and_communication_decide_never_the_amount_alone(setting):
    batch, (claim, supplier) = batch_with_lines(setting)
    send(setting, batch)
    other = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    services.add_line(actor=setting.accountant, batch=other, creditor_name="Ann Member", iban=CLIENT_IBAN,
                      amount=D("42.50"), remittance="Expense claim 8")  # another 42.50 on its way
    send(setting, other)
    by_text = transaction(setting.account, "-100.00", remittance="INVOICE 2026-118  ")
    ambiguous = transaction(setting.account, "-42.50", name="Ann Member")
    from compagnon.banking import hooks

    counts = hooks.match_imported([by_text, ambiguous], actor=setting.accountant)
    assert counts.matched == 1
    supplier.refresh_from_db()
    assert supplier.state == LineState.SETTLED and supplier.transaction == by_text
    assert PayoutLine.objects.get(pk=claim.pk).state == LineState.SENT  # two 42.50 fit: for a person
    ambiguous.refresh_from_db()
    assert ambiguous.state == TransactionState.UNMATCHED


def test_a_batch_booked_as_one_amount_settles_all_its_transfers(setting):
    batch, lines = batch_with_lines(setting)
    batch = send(setting, batch)
    t = transaction(setting.account, "-142.50", remittance=f"SEPA batch {batch.message_id}")
    from compagnon.banking import hooks

    assert hooks.match_imported([t], actor=setting.accountant).matched == 1
    assert set(PayoutLine.objects.filter(batch=batch).values_list("state", "transaction_id")) == {
        (LineState.SETTLED, t.pk)}
    books_are_sound(setting.entity)


def test_a_refund_is_settled_through_payments_so_the_credit_note_knows(setting):
    from compagnon.core.tests.factories import OfficeFactory, member_with_activity
    from compagnon.einvoice.tests.scenarios import _line, business_client, issue
    from compagnon.payments import services as payments
    from compagnon.payments.models import Allocation, AllocationKind
    from compagnon.sales import services as sales

    member, activity = member_with_activity(office=OfficeFactory(entity=setting.entity))
    client = business_client(activity, "BE")
    invoice = issue(member, activity, client, [_line("Consultance", "1", "100", rate="21")])
    paid = transaction(setting.account, str(invoice.payable), remittance=invoice.number)
    payments.allocate(actor=setting.accountant, transaction=paid, items=[(invoice, None)])
    note = sales.issue_document(actor=member.user, document=sales.credit_note_for(actor=member.user, invoice=invoice))
    assert note.paid_amount == 0  # the invoice was paid: the credit note is money to give back
    batch = services.create_batch(actor=setting.accountant, account=setting.account,
                                  requested_execution_date=tomorrow())
    refund = services.add_refund_line(actor=setting.accountant, batch=batch, credit_note=note, iban=CLIENT_IBAN)
    send(setting, batch)
    t = transaction(setting.account, f"-{refund.amount}", remittance=refund.remittance)
    from compagnon.banking import hooks

    assert hooks.match_imported([t], actor=setting.accountant).matched == 1
    allocation = Allocation.objects.get(transaction=t)
    assert allocation.kind == AllocationKind.REFUND and allocation.document_id == note.pk
    note.refresh_from_db()
    refund.refresh_from_db()
    assert note.paid_amount == refund.amount and refund.state == LineState.SETTLED
    assert refund.settlement_entry is None  # booked once, by payments' allocation
    books_are_sound(setting.entity)


def test_a_returned_transfer_reopens_the_payable_and_tells_the_accountants(setting, heard):
    batch, (claim, supplier) = batch_with_lines(setting)
    send(setting, batch)
    import_camt(setting, [entry("-42.50", e2e=claim.end_to_end_id), entry("-100.00", e2e=supplier.end_to_end_id)])
    member_current = balance(setting.entity, "member_current", activity=setting.note.activity)
    # the bank brings the claim's money back on the next statement (same end-to-end id)
    import_camt(setting, [entry("42.50", e2e=claim.end_to_end_id, day="2026-05-06", ustrd="RTRN AC04 closed account")],
                statement_id="S-2")
    claim.refresh_from_db()
    assert claim.state == LineState.RETURNED and not claim.active and claim.return_transaction.amount == D("42.50")
    assert balance(setting.entity, "member_current", activity=setting.note.activity) == member_current - D("42.50")
    assert ("returned", claim.pk, claim.return_transaction_id) in heard
    note = Notification.objects.get(user=setting.accountant)
    assert "Ann Member" in note.title and note.url.endswith(f"/payouts/{batch.pk}/")
    books_are_sound(setting.entity)


def test_a_rejected_transfer_and_the_rules_of_returns(setting, heard):
    batch, (claim, supplier) = batch_with_lines(setting)
    send(setting, batch)
    settlement.record_return(actor=setting.accountant, line=claim, reason="AC01 wrong IBAN")
    claim.refresh_from_db()
    assert claim.state == LineState.RETURNED and claim.return_entry.kind == books.RETURNED
    assert heard == [("returned", claim.pk, None)]
    with pytest.raises(ValidationError):  # once
        settlement.record_return(actor=setting.accountant, line=claim)
    money_in = transaction(setting.account, "100.00")
    with pytest.raises(ValidationError):  # a transfer on its way is rejected, not brought back
        settlement.record_return(actor=setting.accountant, line=supplier, transaction=money_in)
    paid = transaction(setting.account, "-100.00")
    settlement.settle(actor=setting.accountant, lines=[supplier], transaction=paid)
    batch.refresh_from_db()
    assert batch.status == BatchState.SETTLED  # nothing on its way any more
    assert balance(setting.entity, "transfers_in_progress") == 0
    books_are_sound(setting.entity)


def test_only_the_entitys_accountants_settle(setting):
    from compagnon.accounts.models import Role
    from compagnon.core.tests.factories import EntityFactory, staff

    batch, (claim, _s) = batch_with_lines(setting)
    send(setting, batch)
    t = transaction(setting.account, "-42.50")
    outsider = staff(Role.ACCOUNTANT, EntityFactory(belgian=True))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        settlement.settle(actor=outsider, lines=[claim], transaction=t)
    assert BankTransaction.objects.get(pk=t.pk).state == TransactionState.UNMATCHED
