"""Payments letter what they link, as they are written; the command letters the rest, idempotently."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from compagnon.ledger.models import EntryLine
from compagnon.lettering.automatic import letter_entity
from compagnon.lettering.models import LetteredLine, Lettering, code_for
from compagnon.payments import services as payments
from compagnon.payments.matching import match_transactions
from compagnon.payments.models import Allocation
from compagnon.payments.tests.helpers import World, books_are_sound, ogm

pytestmark = pytest.mark.django_db


def receivable_lines(w, document):
    return EntryLine.objects.filter(
        entry__entity=w.entity, account__role="receivable", client=document.client
    )


def letter_of(line) -> str:
    link = LetteredLine.objects.filter(line=line).select_related("lettering").first()
    return link.lettering.code if link else ""


def invoice_line(document):
    return EntryLine.objects.get(
        entry__source_type="sales.document",
        entry__source_id=document.pk,
        account__role="receivable",
    )


def test_codes_run_aa_ab_to_zz_then_three_letters():
    assert [code_for(n) for n in (1, 2, 26, 27, 676, 677, 678)] == [
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "AAB",
    ]


def test_a_matched_payment_letters_the_invoice_with_its_payment_at_once():
    w = World("BE")
    inv = w.invoice("100")
    t = w.receive(inv.payable, remittance=f"Paiement {ogm(inv)}")
    match_transactions([t], actor=w.accountant)

    lettering = Lettering.objects.get(account__role="receivable")
    assert (lettering.code, lettering.automatic) == ("AA", True)
    lines = {link.line for link in lettering.lines.select_related("line")}
    assert invoice_line(inv) in lines and len(lines) == 2
    assert sum(line.debit - line.credit for line in lines) == 0
    books_are_sound(w.entity)


def test_a_partial_payment_waits_and_the_second_one_letters_all_three_lines():
    w = World("BE")
    inv = w.invoice("100")  # 121.00
    match_transactions([w.receive(D("50.00"), remittance=ogm(inv))], actor=w.accountant)
    assert not Lettering.objects.exists()
    assert letter_of(invoice_line(inv)) == ""

    match_transactions([w.receive(D("71.00"), remittance=ogm(inv))], actor=w.accountant)
    lettering = Lettering.objects.get()
    assert lettering.lines.count() == 3 and letter_of(invoice_line(inv)) == lettering.code


def test_undoing_a_payment_reopens_the_invoice_and_letters_the_payment_with_its_reversal():
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive(inv.payable, remittance=ogm(inv))], actor=w.accountant)
    first = Lettering.objects.get()

    payments.reverse_allocation(
        actor=w.accountant, allocation=Allocation.objects.get(document=inv), reason="wrong client"
    )

    first.refresh_from_db()
    assert first.undone_at is not None and first.lines.count() == 0
    assert letter_of(invoice_line(inv)) == ""  # the invoice is open again
    again = Lettering.objects.get(undone_at__isnull=True)
    assert again.code == "AB"  # codes are never given twice
    assert (
        again.lines.count() == 2
        and sum(x.line.debit - x.line.credit for x in again.lines.all()) == 0
    )
    books_are_sound(w.entity)


def test_a_credit_note_on_an_unpaid_invoice_letters_both_documents():
    from compagnon.sales import services as sales

    w = World("BE")
    inv = w.invoice("100")
    note = sales.issue_document(
        actor=w.member.user, document=sales.credit_note_for(actor=w.member.user, invoice=inv)
    )

    note_line = invoice_line(note)
    assert note_line.credit == inv.payable
    assert letter_of(invoice_line(inv)) == letter_of(note_line) == "AA"


def test_the_command_is_idempotent_and_letters_what_was_paid_before_lettering_existed():
    w = World("BE")
    inv = w.invoice("100")
    match_transactions([w.receive(inv.payable, remittance=ogm(inv))], actor=w.accountant)
    Lettering.objects.all().delete()  # books from before lettering: nothing lettered

    out = io.StringIO()
    call_command("letter_accounts", entity=[w.entity.pk], stdout=out)
    assert "1 lettered" in out.getvalue()
    call_command("letter_accounts", entity=[w.entity.pk], stdout=out)
    assert "0 lettered, 1 already lettered" in out.getvalue()
    assert Lettering.objects.filter(undone_at__isnull=True).count() == 1
    assert letter_entity(w.entity).lettered == 0
