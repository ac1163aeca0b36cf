"""Issue 9, point 12: payment references are unique across entities, and still matched."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError

from compagnon.payments.matching import match_transactions
from compagnon.payments.tests.helpers import World, ogm
from compagnon.sales import payment
from compagnon.sales.models import Document, PaymentState

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("country", ["BE", "FR"])
def test_two_entities_same_year_and_sequence_get_different_references_both_matched(country):
    first, second = World(country), World(country)
    a, b = first.invoice("100"), second.invoice("200")
    assert (a.year, a.sequence) == (b.year, b.sequence)
    assert a.payment_reference != b.payment_reference
    # the first entity of a country keeps the references issued before prefixes existed
    assert a.payment_reference == payment.reference_for(country, a.year, a.sequence)[1]
    if country == "BE":
        ta, tb = first.receive(a.payable, remittance=ogm(a)), second.receive(b.payable, remittance=ogm(b))
    else:
        ta = first.receive(a.payable, structured=a.payment_reference)
        tb = second.receive(b.payable, remittance=payment.display(payment.CREDITOR, b.payment_reference))
    match_transactions([ta, tb])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.payment_state, a.paid_amount) == (PaymentState.PAID, a.payable)
    assert (b.payment_state, b.paid_amount) == (PaymentState.PAID, b.payable)


def test_every_prefix_gives_a_valid_reference_found_again():
    seen = set()
    for prefix in range(1, 11):
        ogm_ref = payment.structured_communication(2026, 5, prefix)
        rf_ref = payment.creditor_reference(2026, 5, prefix)
        assert payment.parse(payment.display(payment.STRUCTURED, ogm_ref)) == (payment.STRUCTURED, ogm_ref)
        assert payment.parse(payment.display(payment.CREDITOR, rf_ref)) == (payment.CREDITOR, rf_ref)
        seen |= {ogm_ref, rf_ref}
    assert len(seen) == 20
    with pytest.raises(ValueError):
        payment.structured_communication(2026, 5, 11)


def test_the_database_refuses_a_duplicate_reference():
    w = World("BE")
    a = w.invoice("100")
    b = w.invoice("50")
    with pytest.raises(IntegrityError):
        Document.objects.filter(pk=b.pk).update(payment_reference=a.payment_reference)
    assert D(a.payable) > 0
