"""Automatic matching as the bank import runs it: references, numbers, several invoices in one
transfer, partial payments, overpayments, refunds, bank charges — and the books stay balanced."""

from decimal import Decimal as D

import pytest

from compagnon.audit.models import AuditEvent
from compagnon.banking.models import TransactionState
from compagnon.ledger.models import Entry
from compagnon.payments import services
from compagnon.payments.matching import match_transactions
from compagnon.payments.models import Allocation, AllocationKind, Method
from compagnon.payments.references import Text, find_references, structured
from compagnon.sales import payment
from compagnon.sales import services as sales
from compagnon.sales.models import PaymentState

from .helpers import World, balance, books_are_sound, days_ago, ogm

pytestmark = pytest.mark.django_db


def refresh(*objs):
    for o in objs:
        o.refresh_from_db()


def test_structured_communication_pays_the_invoice_and_moves_suspense_to_the_receivable():
    w = World("BE")
    inv = w.invoice("100")  # 121.00 incl. VAT
    t = w.receive(inv.payable, remittance=f"Paiement {ogm(inv)}", name="Brasserie De Klok", booking_date=days_ago(1))
    assert balance(w.entity, "suspense") == D("-121.00")

    result = match_transactions([t], actor=w.accountant)

    assert (result.matched, result.to_match) == (1, 0)
    refresh(inv, t)
    assert inv.payment_state == PaymentState.PAID and inv.paid_amount == D("121.00")
    assert inv.paid_at == days_ago(1)
    assert t.state == TransactionState.MATCHED and t.allocated == D("121.00")
    allocation = Allocation.objects.get(document=inv)
    assert allocation.method == Method.OGM and allocation.kind == AllocationKind.INVOICE
    assert allocation.text == f"Matched by structured communication {ogm(inv)}"
    assert allocation.entry.kind == "payment" and allocation.entry.source_type == "payments.matchrun"
    # the books: suspense back to zero, the client's receivable settled, with the activity
    assert balance(w.entity, "suspense") == 0
    assert balance(w.entity, "receivable", client=w.client, activity=w.activity) == 0
    books_are_sound(w.entity)


def test_structured_communication_in_the_structured_field_and_ogm_without_signs():
    w = World("BE")
    a, b = w.invoice("100"), w.invoice("200")
    t1 = w.receive(a.payable, structured=a.payment_reference)
    t2 = w.receive(b.payable, remittance=f"FACT {b.payment_reference[:3]}/{b.payment_reference[3:7]}/{b.payment_reference[7:]}")
    assert match_transactions([t1, t2]).matched == 2
    refresh(a, b)
    assert a.payment_state == b.payment_state == PaymentState.PAID


def test_rf_reference_in_the_structured_field_or_printed_in_the_text():
    w = World("FR")
    a, b = w.invoice("100"), w.invoice("50")  # 120.00 and 60.00
    assert a.payment_reference.startswith("RF")
    t1 = w.receive(a.payable, structured=a.payment_reference)
    t2 = w.receive(b.payable, remittance=f"Reglement {payment.display(payment.CREDITOR, b.payment_reference)} merci")
    result = match_transactions([t1, t2], actor=w.accountant)
    assert result.matched == 2
    refresh(a, b)
    assert a.payment_state == b.payment_state == PaymentState.PAID
    assert set(Allocation.objects.values_list("method", flat=True)) == {Method.RF}
    assert Allocation.objects.get(document=b).text.startswith("Matched by RF reference RF")
    assert balance(w.entity, "suspense") == 0
    books_are_sound(w.entity)


def test_invoice_number_found_in_the_free_text_whatever_the_separators():
    w = World("FR")
    a, b, c = w.invoice("10"), w.invoice("20"), w.invoice("30")
    year, seq_b, seq_c = b.year, b.sequence, c.sequence
    t1 = w.receive(a.payable, remittance=f"facture {a.number} du mois")
    t2 = w.receive(b.payable, remittance=f"F {year}/{seq_b}")
    t3 = w.receive(c.payable, remittance=f"VIR F{year}{seq_c:05d}")
    noise = w.receive("36.00", remittance=f"loyer {year}-{seq_b:02d}-01")  # a date is not an invoice number
    result = match_transactions([t1, t2, t3, noise])
    assert (result.matched, result.to_match) == (3, 1)
    for doc in (a, b, c):
        refresh(doc)
        assert doc.payment_state == PaymentState.PAID
    assert Allocation.objects.get(document=a).text == f"Matched by the number {a.number} found in the communication"


def test_one_transfer_pays_two_invoices_named_in_the_communication():
    w = World("BE")
    a, b = w.invoice("100"), w.invoice("50")
    t = w.receive(a.payable + b.payable, remittance=f"{ogm(b)} en {ogm(a)}")
    match_transactions([t])
    refresh(a, b, t)
    assert a.payment_state == b.payment_state == PaymentState.PAID
    assert t.state == TransactionState.MATCHED and t.allocated == a.payable + b.payable
    # one entry for the run: the suspense debit, and the client's receivable credit, with the
    # activity, labelled with both invoices (the allocations keep the detail)
    entry = Entry.objects.get(kind="payment")
    suspense, receivable = entry.lines.order_by("-debit")
    assert (suspense.account.role, suspense.debit) == ("suspense", a.payable + b.payable)
    assert (receivable.account.role, receivable.client, receivable.activity) == ("receivable", w.client, w.activity)
    assert a.number in receivable.label and b.number in receivable.label
    assert balance(w.entity, "suspense") == 0
    books_are_sound(w.entity)


def test_two_numbers_and_too_little_money_pays_the_first_and_part_of_the_second():
    w = World("FR")
    a, b = w.invoice("100"), w.invoice("100")  # 120 each
    t = w.receive("150.00", remittance=f"Factures {a.number}, {b.number}")
    match_transactions([t])
    refresh(a, b)
    assert (a.payment_state, a.paid_amount) == (PaymentState.PAID, D("120.00"))
    assert (b.payment_state, b.paid_amount) == (PaymentState.PARTIAL, D("30.00"))


def test_partial_payment_then_the_rest_makes_the_invoice_paid():
    w = World("BE")
    inv = w.invoice("100")  # 121.00
    first = w.receive("50.00", remittance=ogm(inv), booking_date=days_ago(10))
    match_transactions([first])
    refresh(inv, first)
    assert (inv.payment_state, inv.paid_amount, inv.paid_at) == (PaymentState.PARTIAL, D("50.00"), None)
    assert first.state == TransactionState.MATCHED
    rest = w.receive("71.00", remittance=ogm(inv), booking_date=days_ago(2))
    match_transactions([rest])
    refresh(inv)
    assert (inv.payment_state, inv.paid_amount, inv.paid_at) == (PaymentState.PAID, D("121.00"), days_ago(2))
    assert balance(w.entity, "suspense") == 0
    books_are_sound(w.entity)


def test_overpayment_becomes_the_clients_credit_and_settles_a_later_invoice():
    w = World("BE")
    inv = w.invoice("100")  # 121.00
    t = w.receive("150.00", remittance=ogm(inv))
    match_transactions([t])
    refresh(inv, t)
    assert inv.payment_state == PaymentState.PAID and t.state == TransactionState.MATCHED
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    assert (credit.amount, credit.client, credit.activity) == (D("29.00"), w.client, w.activity)
    assert inv.number in credit.text and "credit" in credit.text
    # the client's receivable is in credit by 29.00, suspense is clear
    assert balance(w.entity, "receivable", client=w.client) == D("-29.00")
    assert balance(w.entity, "suspense") == 0

    later = w.invoice("20")  # 24.20
    services.use_credit(actor=w.accountant, document=later, credit=credit)
    refresh(later, credit)
    assert later.payment_state == PaymentState.PAID
    assert (credit.used_amount, credit.open_credit) == (D("24.20"), D("4.80"))
    use = Allocation.objects.get(kind=AllocationKind.CREDIT_USE)
    assert use.entry is None and use.text.startswith("Settled with the client's credit")
    assert AuditEvent.objects.get(action="payment.credit_use").text == (
        f"{later.number} settled for 24.20 EUR from the client's credit")
    assert balance(w.entity, "receivable", client=w.client) == D("-4.80")
    books_are_sound(w.entity)


def test_a_credit_settles_only_invoices_of_the_same_client():
    from django.core.exceptions import ValidationError

    from compagnon.einvoice.tests.scenarios import business_client

    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive("130.00", remittance=ogm(inv))])
    credit = Allocation.objects.get(kind=AllocationKind.CLIENT_CREDIT)
    other = w.invoice("10", client=business_client(w.activity, "BE"))
    with pytest.raises(ValidationError) as e:
        services.use_credit(actor=w.accountant, document=other, credit=credit)
    assert "same client" in str(e.value.message_dict["document"])


def test_refund_of_a_credit_note_named_in_an_outgoing_transfer():
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive(inv.payable, remittance=ogm(inv))])
    note = sales.issue_document(actor=w.member.user, document=sales.credit_note_for(actor=w.member.user, invoice=inv))
    assert services.apply_credit_note(actor=w.member.user, credit_note=note) is None  # the invoice was paid
    out = w.receive(-note.payable, remittance=f"Remboursement note de credit {note.number}")
    result = match_transactions([out])
    assert result.matched == 1
    refresh(note, out)
    assert note.paid_amount == note.payable and out.state == TransactionState.MATCHED
    refund = Allocation.objects.get(kind=AllocationKind.REFUND)
    assert refund.document == note and refund.client == w.client
    assert balance(w.entity, "suspense") == 0
    assert balance(w.entity, "receivable", client=w.client) == 0
    books_are_sound(w.entity)


def test_a_credit_note_on_an_unpaid_invoice_settles_it():
    w = World("BE")
    inv = w.invoice("100")
    note = sales.issue_document(actor=w.member.user, document=sales.credit_note_for(actor=w.member.user, invoice=inv))
    services.apply_credit_note(actor=w.member.user, credit_note=note)
    refresh(inv, note)
    assert inv.payment_state == PaymentState.PAID and note.paid_amount == note.payable
    assert balance(w.entity, "receivable", client=w.client) == 0
    books_are_sound(w.entity)


def test_an_open_credit_note_of_the_invoice_is_used_before_the_money():
    w = World("BE")
    inv = w.invoice("100")  # 121.00
    half = sales.credit_note_for(actor=w.member.user, invoice=inv, lines=[
        {"description": "Geste", "quantity": D("1"), "unit": "HUR", "unit_price": D("50"), "vat_category": "S",
         "vat_rate": D("21")}])
    note = sales.issue_document(actor=w.member.user, document=half)  # 60.50, not applied by sales (yet)
    t = w.receive("60.50", remittance=ogm(inv))
    match_transactions([t])
    refresh(inv, note, t)
    assert inv.payment_state == PaymentState.PAID and t.state == TransactionState.MATCHED
    kinds = sorted(Allocation.objects.values_list("kind", flat=True))
    assert kinds == [AllocationKind.CREDIT_USE, AllocationKind.INVOICE]
    books_are_sound(w.entity)


def test_bank_charges_by_bank_code_automatically_or_marked_by_staff():
    w = World("BE")
    auto = w.receive("-3.50", bank_code="ACMT-MDOP-CHRG", remittance="Frais de gestion")
    other = w.receive("-1.20", remittance="Kosten kaart")
    result = match_transactions([auto, other])
    assert result.matched == 1
    services.mark_bank_charge(actor=w.accountant, transaction=other)
    refresh(auto, other)
    assert auto.state == other.state == TransactionState.MATCHED
    assert balance(w.entity, "bank_fees") == D("4.70")
    assert balance(w.entity, "suspense") == 0
    texts = sorted(a.text for a in Allocation.objects.all())
    assert texts == ["Bank charges (bank transaction code ACMT-MDOP-CHRG)", "Marked as bank charges by hand"]
    books_are_sound(w.entity)


def test_nothing_found_leaves_the_transaction_to_match():
    w = World("BE")
    w.invoice("100")
    t = w.receive("12.00", remittance="cadeau")
    assert (match_transactions([t]).to_match, Allocation.objects.count()) == (1, 0)
    refresh(t)
    assert t.state == TransactionState.UNMATCHED


def test_references_of_another_entity_are_not_matched():
    w, other = World("BE"), World("BE")
    theirs = other.invoice("100")
    t = w.receive(theirs.payable, remittance=ogm(theirs))
    assert match_transactions([t]).to_match == 1
    refresh(theirs)
    assert theirs.payment_state == PaymentState.AWAITING


def test_audit_events_for_each_allocation_and_the_run():
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive("150.00", remittance=ogm(inv))], actor=w.accountant)
    on_doc = AuditEvent.objects.get(action="payment.invoice")
    assert on_doc.object_type == "sales.document" and on_doc.object_id == str(inv.pk)
    assert on_doc.activity == w.activity and on_doc.entity == w.entity and on_doc.actor == w.accountant
    assert on_doc.text.startswith("Payment of 121.00 EUR of ") and "(structured communication)" in on_doc.text
    assert AuditEvent.objects.get(action="payment.client_credit").object_type == "clients.client"
    run = AuditEvent.objects.get(action="payment.matching_run")
    assert run.text == "Automatic matching: 1 of 1 transactions fully matched, 2 allocations"


def test_matching_again_does_not_match_twice():
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive(inv.payable, remittance=ogm(inv))
    match_transactions([t])
    assert match_transactions([t]).matched == 0
    assert Allocation.objects.count() == 1


# --- reading references --------------------------------------------------------------------------


def test_references_read_like_payment_parse_and_find_them_all():
    a = payment.structured_communication(2026, 12)
    b = payment.creditor_reference(2026, 345)
    text = f"+++{a[:3]}/{a[3:7]}/{a[7:]}+++ et {payment.display(payment.CREDITOR, b)} merci"
    assert find_references(text) == [(payment.STRUCTURED, a), (payment.CREDITOR, b)]
    assert find_references(text)[0] == payment.parse(text)
    assert structured(f"+++{a[:3]}/{a[3:7]}/{a[7:]}+++") == (payment.STRUCTURED, a)
    assert structured(payment.display(payment.CREDITOR, b)) == (payment.CREDITOR, b)
    assert structured("INVOICE 12") is None


def test_numbers_are_confirmed_against_the_printed_number():
    text = Text.read("Facture F2026-00042 et 2026-03-12")
    assert (2026, 42) in text.pairs
    assert text.names_number("F2026-00042")
    assert not text.names_number("F2026-00003")  # the date's 2026-03 is not invoice 3
    assert Text.read("f202600042").names_number("F2026-00042")
