"""A supplier sent a credit note: the next transfer to that supplier pays the invoices minus the
credit, one transfer naming both; what is left of the credit waits for the next payment."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from compagnon.ledger.models import EntryLine
from compagnon.payouts import services as payouts
from compagnon.payouts.models import PayoutLine
from compagnon.payouts.signals import line_returned, line_settled
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow
from compagnon.purchases import payment, workflow
from compagnon.purchases.ledger_checks import (
    supplier_credit_notes_not_overused,
    supplier_invoices_paid_as_booked,
)
from compagnon.purchases.models import SupplierInvoiceState

from .workflow_helpers import cooperative, paper_invoice

pytestmark = pytest.mark.django_db
S = SupplierInvoiceState
D = Decimal


def test_the_arithmetic_of_netting():
    assert payment.allocate([D("120"), D("60")], [D("50")]) == [(0, 0, D("50"))]
    assert payment.allocate([D("120"), D("60")], [D("150"), D("20")]) == [
        (0, 0, D("120")),
        (1, 0, D("30")),
        (1, 1, D("20")),
    ]
    assert payment.allocate([D("10")], [D("30")]) == [(0, 0, D("10"))]  # never more than due
    assert payment.allocate([D("10")], []) == []


def _batch(coop):
    account = coop.get("bank") or BankAccountFactory(
        entity=coop["entity"], iban="FR7630006000011234567890189", bic="AGRIFRPP"
    )
    coop["bank"] = account
    return payouts.create_batch(
        actor=coop["accountant"], account=account, requested_execution_date=tomorrow()
    )


def _payable(coop):
    lines = EntryLine.objects.filter(
        account__code="401", activity=coop["activity"], entry__entity=coop["entity"]
    )
    totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


def test_one_transfer_pays_the_invoices_less_the_credit_note_and_the_payable_nets_to_zero():
    coop = cooperative()
    note = paper_invoice(
        coop, kind="credit_note", number="AV-7", rows=(("20", "50.00", "10.00"),), approve=True
    )
    first = paper_invoice(coop, number="F-1", approve=True)  # 120.00
    second = paper_invoice(
        coop, number="F-2", rows=(("20", "25.00", "5.00"),), approve=True
    )  # 30.00
    batch = _batch(coop)
    done = workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[first, second])
    assert {i.state for i in done} == {S.IN_BATCH}
    [line] = batch.lines.all()
    assert line.amount == D("90.00")  # 120 + 30 - 60
    assert "F-1" in line.remittance and "F-2" in line.remittance and "AV-7" in line.remittance
    assert payment.credit_used(note) == D("60.00")
    assert list(supplier_invoices_paid_as_booked([coop["entity"]])) == []
    payouts.generate(actor=coop["accountant"], batch=batch)
    payouts.mark_sent(actor=coop["accountant"], batch=batch)
    assert _payable(coop) == 0  # 150 credited, 60 and 90 debited
    line_settled.send(sender=PayoutLine, line=line, transaction=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == S.PAID


def test_a_partly_used_credit_note_is_carried_over_and_a_transfer_is_never_negative():
    coop = cooperative()
    note = paper_invoice(
        coop, kind="credit_note", number="AV-1", rows=(("20", "250.00", "50.00"),), approve=True
    )  # 300.00
    small = paper_invoice(coop, number="F-1", approve=True)  # 120.00
    batch = _batch(coop)
    [small] = workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[small])
    assert (
        small.state == S.PAID and small.payout_line_id is None
    )  # settled by the credit, no transfer
    assert batch.lines.count() == 0
    assert payment.credit_used(note) == D("120.00")
    big = paper_invoice(
        coop, number="F-2", rows=(("20", "500.00", "100.00"),), approve=True
    )  # 600.00
    workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[big])
    [line] = batch.lines.all()
    assert line.amount == D("420.00")  # 600 - the 180 left
    assert payment.credit_used(note) == D("300.00")
    assert (
        payment.credits_left(supplier_id=coop["supplier"].pk, activity_id=coop["activity"].pk) == []
    )
    assert list(supplier_credit_notes_not_overused([coop["entity"]])) == []
    with pytest.raises(ValidationError):  # a used credit note is not cancelled
        workflow.cancel(actor=coop["accountant"], invoice=note, reason="Sent by mistake")


def test_a_returned_transfer_gives_the_credit_back():
    coop = cooperative()
    note = paper_invoice(
        coop, kind="credit_note", number="AV-1", rows=(("20", "50.00", "10.00"),), approve=True
    )
    invoice = paper_invoice(coop, number="F-1", approve=True)
    batch = _batch(coop)
    workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    payouts.cancel(actor=coop["accountant"], batch=batch)
    assert payment.credit_used(note) == 0
    batch = _batch(coop)
    workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    [line] = batch.lines.all()
    assert line.amount == D("60.00")
    line.active = False  # the bank sends it back
    line.save(update_fields=["active"])
    line_returned.send(sender=PayoutLine, line=line, transaction=None, reason="AC04")
    invoice.refresh_from_db()
    assert invoice.state == S.APPROVED and payment.credit_used(note) == 0


def test_a_credit_note_of_another_activity_or_supplier_is_not_deducted():
    coop = cooperative()
    paper_invoice(coop, kind="credit_note", number="AV-Y", who="yanis", approve=True)
    invoice = paper_invoice(coop, number="F-1", approve=True)
    batch = _batch(coop)
    workflow.add_to_batch(actor=coop["accountant"], batch=batch, invoices=[invoice])
    [line] = batch.lines.all()
    assert (
        line.amount == D("120.00") and line.remittance == "Facture F-1"
    )  # the cooperative's language
