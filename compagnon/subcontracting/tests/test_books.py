"""The internal invoice in the books and in both budgets: issued with A's client invoice, settled
when the client pays A in full (or at once when prefinanced), charged at the entity's internal
rate only, cancelled by a credit note — every entry balanced, check_books clean."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.budget import selectors as budget
from compagnon.budget.models import ContributionCharge
from compagnon.ledger.models import EntryLine
from compagnon.payments.tests.helpers import books_are_sound

from .. import services
from ..models import InternalInvoice, InvoiceKind, Status
from .helpers import Coop, entries_balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop():
    return Coop("FR")


def _lines(entry):
    return sorted(
        (line.account.code, line.activity_id or 0, line.debit, line.credit)
        for line in EntryLine.objects.filter(entry=entry).select_related("account")
    )


def test_the_client_invoice_issues_b_internal_invoice_booked_on_both_budgets(coop):
    doc = coop.invoice_draft("1000")
    s = coop.ask("400", document=doc)
    coop.accept(s)
    assert not InternalInvoice.objects.exists()  # nothing before A's client invoice is issued
    before_a, before_b = budget.compute(coop.a), budget.compute(coop.b)

    coop.issue_client(doc)

    invoice = InternalInvoice.objects.get()
    year = timezone.localdate().year
    assert invoice.number == f"INT-{year}-00001" and invoice.amount == D("400") and invoice.client_invoice_id == doc.pk
    assert not invoice.settled
    s.refresh_from_db()
    assert s.status == Status.INVOICED
    assert invoice.entry.journal.role == "misc"
    assert _lines(invoice.entry) == sorted([
        ("6111", coop.a.pk, D("400.00"), D("0.00")),
        ("181", coop.a.pk, D("0.00"), D("400.00")),
        ("181", coop.b.pk, D("400.00"), D("0.00")),
        ("7068", coop.b.pk, D("0.00"), D("400.00")),
    ])
    a, b = budget.compute(coop.a), budget.compute(coop.b)
    assert a.costs - before_a.costs == D("400")
    assert b.invoiced - before_b.invoiced == D("400")
    assert b.available == before_b.available  # not B's money before the client pays A
    entries_balance(coop.entity)
    books_are_sound(coop.entity)


def test_b_is_paid_when_the_client_pays_a_in_full_at_the_internal_rate_only(coop):
    services.save_policy(actor=coop.admin, entity=coop.entity, internal_rate=D("5"))
    doc = coop.invoice_draft("1000")
    coop.accept(coop.ask("400", document=doc))
    doc = coop.issue_client(doc)
    invoice = InternalInvoice.objects.get()
    b0 = budget.compute(coop.b)
    charges0 = ContributionCharge.objects.filter(activity=coop.b).count()

    coop.pay(doc, "600")  # partly paid: B waits
    invoice.refresh_from_db()
    assert not invoice.settled and budget.compute(coop.b).available == b0.available

    coop.pay(doc, str(doc.payable - D("600")))
    invoice.refresh_from_db()
    assert invoice.settled and invoice.contribution == D("20.00") and invoice.contribution_rate == D("5")
    assert _lines(invoice.settlement_entry) == sorted([
        ("181", coop.a.pk, D("400.00"), D("0.00")),
        ("181", coop.b.pk, D("0.00"), D("400.00")),
        ("580", 0, D("400.00"), D("0.00")),
        ("580", coop.b.pk, D("0.00"), D("400.00")),
        ("6281", coop.b.pk, D("20.00"), D("0.00")),
        ("7088", 0, D("0.00"), D("20.00")),
    ])
    b = budget.compute(coop.b)
    assert b.movements - b0.movements == D("400") and b.contribution - b0.contribution == D("20")
    assert b.available - b0.available == D("380")
    # the budget's cash hook charged nothing on the internal money (its own rate would apply)
    assert ContributionCharge.objects.filter(activity=coop.b).count() == charges0
    # the liaison account is cleared on both axes, and nets to zero for the entity
    liaison = EntryLine.objects.filter(entry__entity=coop.entity, account__code="181")
    for activity in (coop.a, coop.b):
        rows = liaison.filter(activity=activity)
        assert sum(r.debit - r.credit for r in rows) == 0
    entries_balance(coop.entity)
    books_are_sound(coop.entity)


def test_a_prefinanced_client_invoice_settles_b_at_once(coop):
    doc = coop.issue_client(coop.invoice_draft("1000"))
    coop.advance(doc)  # approved automatically within the policy
    s = coop.ask("300", document=None)
    s.client_document = doc  # tied before issue in real life; here the quote path is covered elsewhere
    s.save(update_fields=["client_document"])
    coop.accept(s)  # the client invoice is issued: B's invoice now, settled at once (prefinanced)
    invoice = InternalInvoice.objects.get()
    assert invoice.settled
    books_are_sound(coop.entity)


def test_an_advance_approved_after_the_issue_settles_b(coop):
    doc = coop.invoice_draft("1000")
    coop.accept(coop.ask("300", document=doc))
    doc = coop.issue_client(doc)
    invoice = InternalInvoice.objects.get()
    assert not invoice.settled
    coop.advance(doc)
    invoice.refresh_from_db()
    assert invoice.settled
    entries_balance(coop.entity)


def test_work_tied_to_a_quote_is_invoiced_with_the_quote_final_invoice(coop):
    from compagnon.sales import services as sales
    from compagnon.sales.models import Kind, State
    from compagnon.sales.tests.factories import draft

    quote = draft(coop.a_member, coop.a, coop.client, kind=Kind.QUOTE)
    coop.accept(coop.ask("100", document=quote))
    for state in (State.SENT, State.ACCEPTED):
        quote = sales.change_quote_state(actor=coop.a_member.user, document=quote, to_state=state)
    invoice = sales.invoice_from_quote(actor=coop.a_member.user, quote=quote)
    assert not InternalInvoice.objects.exists()
    coop.issue_client(invoice)
    assert InternalInvoice.objects.get().client_invoice_id == invoice.pk


def test_by_hand_numbers_follow_and_a_credit_note_undoes_everything(coop):
    s1 = coop.accept(coop.ask("250"))
    s2 = services.accept(actor=coop.c_member.user, subcontract=coop.ask("150", provider=coop.c))
    with pytest.raises(PermissionDenied):
        services.issue_by_hand(actor=coop.a_member.user, subcontract=s1)  # A cannot invoice itself
    i1 = services.issue_by_hand(actor=coop.b_member.user, subcontract=s1)
    i2 = services.issue_by_hand(actor=coop.c_member.user, subcontract=s2)
    year = timezone.localdate().year
    assert (i1.number, i2.number) == (f"INT-{year}-00001", f"INT-{year}-00002")
    assert i1.settled and i2.settled  # no client payment to wait for
    b0 = budget.compute(coop.b)
    a0 = budget.compute(coop.a)

    note = services.cancel(actor=coop.b_member.user, invoice=i1)
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.number == f"INT-{year}-00003" and note.corrects_id == i1.pk
    b, a = budget.compute(coop.b), budget.compute(coop.a)
    assert b0.movements - b.movements == D("250") and b0.invoiced - b.invoiced == D("250")
    assert a0.costs - a.costs == D("250")
    with pytest.raises(ValidationError):
        services.cancel(actor=coop.b_member.user, invoice=i1)
    s1.refresh_from_db()
    assert s1.status == Status.CANCELLED
    entries_balance(coop.entity)
    books_are_sound(coop.entity)


def test_an_open_invoice_is_cancelled_by_clearing_what_a_owes(coop):
    doc = coop.invoice_draft("500")
    coop.accept(coop.ask("200", document=doc))
    coop.issue_client(doc)
    invoice = InternalInvoice.objects.get()
    services.cancel(actor=coop.admin, invoice=invoice)
    liaison = EntryLine.objects.filter(entry__entity=coop.entity, account__code="181")
    assert sum(r.debit - r.credit for r in liaison.filter(activity=coop.b)) == 0
    assert sum(r.debit - r.credit for r in liaison.filter(activity=coop.a)) == 0
    entries_balance(coop.entity)
    books_are_sound(coop.entity)


def test_rules_of_asking(coop):
    with pytest.raises(ValidationError) as exc:
        coop.ask("400", provider=coop.a)
    assert "provider" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        coop.ask("400", provider=coop.outsider_activity)
    assert "provider" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        coop.ask("-3")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        coop.ask("400", document=coop.issue_client(coop.invoice_draft()))
    assert "client_document" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.ask(actor=coop.b_member.user, ordering=coop.a, provider=coop.b, description="x", amount=D("1"))
    with pytest.raises(ValidationError):
        services.save_policy(actor=coop.admin, entity=coop.entity, internal_rate=D("120"))
    with pytest.raises(PermissionDenied):
        services.save_policy(actor=coop.advisor, entity=coop.entity, internal_rate=D("2"))


def test_belgian_books_use_the_belgian_accounts():
    coop = Coop("BE")
    invoice = services.issue_by_hand(actor=coop.b_member.user, subcontract=coop.accept(coop.ask("80")))
    codes = {code for code, *_ in _lines(invoice.entry)}
    assert codes == {"6029", "181", "7069"}
    books_are_sound(coop.entity)


def test_a_deleted_invoice_draft_unties_the_work_which_b_then_invoices_by_hand(coop):
    from compagnon.sales import services as sales

    doc = coop.invoice_draft("500")
    s = coop.accept(coop.ask("120", document=doc))
    with pytest.raises(ValidationError):
        services.issue_by_hand(actor=coop.b_member.user, subcontract=s)  # waits for the client invoice
    sales.delete_draft(actor=coop.a_member.user, document=doc)
    s.refresh_from_db()
    assert s.client_document_id is None
    assert services.issue_by_hand(actor=coop.b_member.user, subcontract=s).settled
    books_are_sound(coop.entity)
