"""Payments tells other contexts what was paid through a Django signal (``paid_amounts_changed``),
once per payment, with the ids of the documents whose paid amount changed — in both directions."""

import pytest

from compagnon.payments import services
from compagnon.payments.matching import match_transactions
from compagnon.payments.signals import paid_amounts_changed
from compagnon.sales.models import Document

from .helpers import World, ogm

pytestmark = pytest.mark.django_db


def test_matching_and_undoing_send_the_documents_whose_paid_amount_changed():
    heard = []

    def receiver(sender, *, document_ids, actor=None, **kwargs):
        heard.append((sender, document_ids, actor))

    paid_amounts_changed.connect(receiver)
    try:
        w = World("BE")
        first, second, untouched = w.invoice("100"), w.invoice("10"), w.invoice("5")
        t = w.receive(first.payable + second.payable, remittance=f"{ogm(first)} {ogm(second)}")
        match_transactions([t])
        assert heard == [(Document, sorted([first.pk, second.pk]), None)]
        allocation = t.allocations.get(document=second)
        services.reverse_allocation(actor=w.accountant, allocation=allocation, reason="wrong")
        assert heard[1] == (Document, [second.pk], w.accountant)
        assert untouched.pk not in {pk for _s, ids, _a in heard for pk in ids}
    finally:
        paid_amounts_changed.disconnect(receiver)


def test_prefinancing_listens_to_the_signal():
    assert any(
        "prefinancing" in str(key) for key, _receiver, *_rest in paid_amounts_changed.receivers
    )
