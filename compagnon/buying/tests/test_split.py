"""The supplier invoice of a group purchase is split to the participating activities when it is
booked: parts by quantity summing to the invoice's cost to the cent, one balanced entry on the
invoice's account, each budget charged its part, never twice; cancelling the invoice undoes it."""

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from compagnon.budget import selectors as budget
from compagnon.ledger.models import Entry, EntryLine
from compagnon.purchases import workflow

from ..models import CostSplit, GroupPurchase, GroupState
from ..split import largest_remainder, link_invoice, on_invoice_booked, split_cost
from .helpers import D, coop, ordered, paper_invoice

pytestmark = pytest.mark.django_db


@given(st.integers(min_value=-10**9, max_value=10**9),
       st.lists(st.integers(min_value=1, max_value=10**5), min_size=1, max_size=12))
def test_largest_remainder_parts_sum_exactly_and_stay_within_a_cent(cents, weights):
    amount = Decimal(cents) / 100
    parts = largest_remainder(amount, [Decimal(w) for w in weights])
    assert sum(parts) == amount
    total = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert abs(part - amount * w / total) < Decimal("0.01")


def test_largest_remainder_gives_the_cents_left_to_the_largest_fractions():
    assert largest_remainder(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert largest_remainder(D("10.00"), [D(3), D(7)]) == [D("3.00"), D("7.00")]
    assert largest_remainder(D("0.05"), [D(1), D(2), D(3)]) == [D("0.01"), D("0.02"), D("0.02")]


def _balanced(entry):
    lines = list(EntryLine.objects.filter(entry=entry))
    return sum(line.debit for line in lines) == sum(line.credit for line in lines)


def _year():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def test_booking_the_linked_invoice_splits_its_cost_by_quantities():
    c = coop()
    g = ordered(c, {"camille": "3", "yanis": "4", "ines": "5"})
    invoice = paper_invoice(c, rows=(("20", "100.00", "20.00"),))
    g = link_invoice(actor=c["camille"].user, group=g, invoice=invoice)
    assert g.state == GroupState.INVOICED and not CostSplit.objects.exists()
    start, end = _year()
    workflow.approve(actor=c["camille"].user, invoice=invoice)  # books it: the signal splits it
    split = CostSplit.objects.get(invoice=invoice)
    parts = {int(k): D(v) for k, v in split.split.items()}
    # 100.00 excl. VAT (the VAT is deductible) by 3 / 4 / 5: 25, 33.33, 41.67 (sum 100.00)
    assert parts == {c["activity"].pk: D("25.00"), c["yanis_activity"].pk: D("33.33"),
                     c["ines_activity"].pk: D("41.67")}
    assert sum(parts.values()) == split.amount == D("100.00")
    assert _balanced(split.entry)
    assert budget.compute(c["yanis_activity"], start, end).costs == D("33.33")
    assert budget.compute(c["ines_activity"], start, end).costs == D("41.67")
    assert budget.compute(c["activity"], start, end).costs == D("25.00")  # booked 100, recharged 75
    g.refresh_from_db()
    assert g.state == GroupState.CLOSED


def test_booking_twice_or_linking_again_never_splits_twice():
    c = coop()
    g = ordered(c, {"camille": "1", "yanis": "2"})
    invoice = paper_invoice(c, approve=True)
    link_invoice(actor=c["camille"].user, group=g, invoice=invoice)  # already booked: split at once
    entries = Entry.objects.count()
    invoice.refresh_from_db()
    on_invoice_booked(invoice=invoice)
    split_cost(group=g, invoice=invoice)
    assert CostSplit.objects.count() == 1 and Entry.objects.count() == entries
    assert GroupPurchase.objects.get(pk=g.pk).state == GroupState.CLOSED


def test_an_invoice_carrying_the_reference_is_linked_and_split_when_booked():
    c = coop()
    g = ordered(c, {"yanis": "1", "ines": "1"})
    invoice = paper_invoice(c, rows=(("20", "10.01", "2.00"),))
    type(invoice).objects.filter(pk=invoice.pk).update(order_reference=g.reference)
    invoice.refresh_from_db()
    workflow.approve(actor=c["camille"].user, invoice=invoice)
    g.refresh_from_db()
    split = CostSplit.objects.get(invoice=invoice)
    assert g.invoice_id == invoice.pk and g.state == GroupState.CLOSED
    assert sorted(D(v) for v in split.split.values()) == [D("5.00"), D("5.01")]
    assert _balanced(split.entry)
    # Camille's activity booked the invoice and takes no part: it is recharged everything
    start, end = _year()
    assert budget.compute(c["activity"], start, end).costs == D("0.00")


def test_cancelling_the_invoice_reverses_the_split_and_waits_for_another():
    c = coop()
    g = ordered(c, {"camille": "1", "yanis": "1"})
    invoice = paper_invoice(c, approve=True)
    link_invoice(actor=c["camille"].user, group=g, invoice=invoice)
    workflow.cancel(actor=c["accountant"], invoice=invoice, reason="wrong amount")
    split = CostSplit.objects.get(invoice=invoice)
    assert split.reversal is not None and _balanced(split.reversal)
    g.refresh_from_db()
    assert g.state == GroupState.ORDERED and g.invoice_id is None
    start, end = _year()
    assert budget.compute(c["yanis_activity"], start, end).costs == D("0.00")
    second = paper_invoice(c, number="F-2026-002", approve=True)
    link_invoice(actor=c["camille"].user, group=g, invoice=second)
    assert CostSplit.objects.filter(reversal__isnull=True).count() == 1
    assert budget.compute(c["yanis_activity"], start, end).costs == D("50.00")


def test_an_invoice_of_another_supplier_or_a_credit_note_cannot_be_linked():
    from django.core.exceptions import ValidationError

    from compagnon.purchases import suppliers

    c = coop()
    g = ordered(c)
    other = suppliers.save_supplier(actor=c["accountant"], entity=c["entity"], name="Autre fournisseur")
    invoice = paper_invoice(c)
    type(invoice).objects.filter(pk=invoice.pk).update(supplier=other)
    invoice.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        link_invoice(actor=c["camille"].user, group=g, invoice=invoice)
    assert "invoice" in exc.value.message_dict


def test_a_non_deductible_vat_is_split_with_the_cost():
    c = coop()
    g = ordered(c, {"camille": "1", "yanis": "1"})
    invoice = paper_invoice(c, category="hospitality", rows=(("10", "50.00", "5.00"),),
                            days_ago=1)
    link_invoice(actor=c["camille"].user, group=g, invoice=invoice)
    workflow.approve(actor=c["camille"].user, invoice=invoice)
    split = CostSplit.objects.get(invoice=invoice)
    assert split.amount == D("55.00") and sorted(split.split.values()) == ["27.50", "27.50"]
