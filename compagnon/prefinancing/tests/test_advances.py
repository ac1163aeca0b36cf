"""A member asks for an advance on an unpaid invoice: the policy decides or explains, the advance
is booked, settled as the client pays, and a client who never pays is covered — books balanced."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compagnon.budget import selectors as budget
from compagnon.core.tests.factories import advisor_of
from compagnon.payments import services as payments
from compagnon.payments.models import Allocation
from compagnon.prefinancing import services
from compagnon.prefinancing.ledger_checks import advances_posted_once, outstanding_equals_account
from compagnon.prefinancing.models import Advance, AdvanceState
from compagnon.prefinancing.policy import explain_all
from compagnon.sales.models import Document

from .helpers import Coop, balance, entries_balance

pytestmark = pytest.mark.django_db


def checks_clean(entity):
    from compagnon.organisation.models import Entity

    qs = Entity.objects.filter(pk=entity.pk)
    assert list(advances_posted_once(qs)) == []
    assert list(outstanding_equals_account(qs)) == []
    entries_balance(entity)


def test_nothing_is_advanced_when_the_cooperative_does_not_prefinance():
    c = Coop(enabled=False)
    invoice = c.invoice("1000")
    with pytest.raises(ValidationError) as exc:
        c.ask(invoice)
    assert "This cooperative does not give advances on invoices." in str(exc.value)
    assert not Advance.objects.exists()


def test_within_the_policy_the_advance_is_approved_and_booked_at_once():
    c = Coop()
    invoice = c.invoice("1000")  # 1,210 incl. VAT in Belgium
    advance = c.ask(invoice)
    assert advance.state == AdvanceState.APPROVED and advance.auto_approved
    assert advance.amount == D("800.00")  # 80 % of the amount excl. VAT
    assert advance.fee == D("16.00") and advance.net_paid == D("784.00")
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("800.00")
    assert balance(c.entity, "member_current", activity=c.activity) == D("-784.00")
    assert balance(c.entity, "prefinancing_fund") == D("-16.00")
    b = budget.compute(c.activity)
    assert b.prefinancing == D("800.00")
    checks_clean(c.entity)


def test_more_than_the_share_is_refused_with_the_limit_in_words():
    c = Coop()
    with pytest.raises(ValidationError) as exc:
        c.ask(c.invoice("1000"), "900")
    assert "At most 800.00" in str(exc.value) and "80%" in str(exc.value)


def test_a_new_member_waits_for_a_person_who_reads_why():
    c = Coop(maturity="new")
    advance = c.ask(c.invoice("1000"), "500")
    assert advance.state == AdvanceState.REQUESTED and advance.entry_id is None
    assert explain_all(advance.reasons) == [
        "Advances are automatic from the maturity “developing”; yours is “new”."]
    with pytest.raises(PermissionDenied):
        services.approve_advance(actor=c.member.user, advance=advance)  # never one's own
    advisor = advisor_of(c.member.office)
    services.approve_advance(actor=advisor, advance=advance)
    advance.refresh_from_db()
    assert advance.state == AdvanceState.APPROVED and advance.decided_by == advisor
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("500.00")


def test_a_refusal_needs_a_reason_the_member_reads():
    c = Coop(maturity="new")
    advance = c.ask(c.invoice("1000"))
    with pytest.raises(ValidationError):
        services.refuse_advance(actor=c.accountant, advance=advance, reason="no")
    services.refuse_advance(actor=c.accountant, advance=advance, reason="The client is in dispute with us.")
    advance.refresh_from_db()
    assert advance.state == AdvanceState.REFUSED
    # a refused request may be asked again
    assert c.ask(advance.document, "100").state == AdvanceState.REQUESTED


def test_a_client_who_pays_late_is_named_with_the_count():
    c = Coop()
    today = timezone.localdate()
    for n in range(3):
        old = c.invoice("100")
        Document.objects.filter(pk=old.pk).update(due_date=today - datetime.timedelta(days=120 + n))
        if n < 2:
            c.pay(Document.objects.get(pk=old.pk), old.payable, booking_date=today - datetime.timedelta(days=40 + n))
        else:
            c.pay(Document.objects.get(pk=old.pk), old.payable, booking_date=today - datetime.timedelta(days=115))
    advance = c.ask(c.invoice("1000"), "300")
    assert advance.state == AdvanceState.REQUESTED
    assert explain_all(advance.reasons) == ["This client paid 2 of its last 3 invoices more than 30 days late."]


def test_an_overdue_invoice_and_the_ceilings_are_explained():
    c = Coop(member_ceiling=D("600"), auto_up_to=D("100"))
    invoice = c.invoice("1000")
    Document.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=20))
    advance = c.ask(Document.objects.get(pk=invoice.pk), "700")
    texts = explain_all(advance.reasons)
    assert "This invoice is 20 days past its due date; advances are automatic up to 15 days after it." in texts
    assert "With this advance you would have 700.00\u00a0€ outstanding; the limit per member is 600.00\u00a0€." in texts
    assert "Advances above 100.00\u00a0€ are checked by a person." in texts


def test_the_advance_is_settled_pro_rata_as_the_client_pays_and_reopens_when_a_payment_is_undone():
    c = Coop()
    invoice = c.invoice("1000")  # 1,210 due
    advance = c.ask(invoice)
    c.pay(invoice, "605.00")  # half
    advance.refresh_from_db()
    assert advance.settled_amount == D("400.00") and advance.state == AdvanceState.APPROVED
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("400.00")
    assert balance(c.entity, "prefinancing_charge", activity=c.activity) == D("400.00")
    checks_clean(c.entity)
    invoice.refresh_from_db()
    c.pay(invoice, "605.00")
    advance.refresh_from_db()
    assert advance.state == AdvanceState.SETTLED and advance.settled_amount == D("800.00")
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("0.00")
    # the budget: cashed revenue, less what the member already took
    assert budget.compute(c.activity).prefinancing == D("0.00")
    last = Allocation.objects.filter(document=invoice).order_by("-id").first()
    payments.reverse_allocation(actor=c.accountant, allocation=last, reason="wrong invoice")
    advance.refresh_from_db()
    assert advance.state == AdvanceState.APPROVED and advance.settled_amount == D("400.00")
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("400.00")
    checks_clean(c.entity)


def test_a_client_who_never_pays_goes_to_litigation_then_the_fund_covers_the_advance():
    c = Coop(loss_after_days=90)
    c.endow_fund("5000")
    invoice = c.invoice("1000")
    advance = c.ask(invoice)
    with pytest.raises(ValidationError) as exc:
        services.take_loss(actor=c.accountant, advance=advance)
    assert "not in litigation" in str(exc.value)
    c.litigation(invoice, days_ago=30)
    with pytest.raises(ValidationError):
        services.take_loss(actor=c.accountant, advance=advance)
    assert services.take_due_losses(entity_ids=[c.entity.pk]) == 0
    Advance.objects.filter(pk=advance.pk)  # nothing changed
    later = timezone.localdate() + datetime.timedelta(days=61)
    assert services.take_due_losses(entity_ids=[c.entity.pk], today=later) == 1
    assert services.take_due_losses(entity_ids=[c.entity.pk], today=later) == 0  # idempotent
    advance.refresh_from_db()
    assert advance.state == AdvanceState.COVERED and advance.loss_amount == D("800.00")
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("0.00")
    assert balance(c.entity, "prefinancing_fund") == D("-4216.00")  # 5,000 + 16 fee − 800
    # the member keeps the advance; the activity's budget no longer owes it
    assert budget.compute(c.activity, None, later).prefinancing == D("0.00")
    checks_clean(c.entity)
    # the client pays after all: the fund is paid back
    invoice.refresh_from_db()
    c.pay(invoice, invoice.payable)
    assert balance(c.entity, "prefinancing_fund") == D("-5016.00")
    checks_clean(c.entity)


def test_when_the_policy_says_so_the_activity_bears_the_loss():
    c = Coop(loss_cover="budget", loss_after_days=10)
    invoice = c.invoice("1000")
    advance = c.ask(invoice)
    c.pay(invoice, "121.00")  # a tenth paid: 80 settled
    c.litigation(invoice, days_ago=11)
    services.take_loss(actor=c.accountant, advance=advance)
    advance.refresh_from_db()
    assert advance.state == AdvanceState.RECOVERED and advance.loss_amount == D("720.00")
    assert balance(c.entity, "prefinancing_charge", activity=c.activity) == D("800.00")
    assert balance(c.entity, "prefinancing", activity=c.activity) == D("0.00")
    checks_clean(c.entity)


def test_an_empty_fund_leaves_the_loss_to_the_activity():
    c = Coop(loss_after_days=0)
    invoice = c.invoice("1000")
    advance = c.ask(invoice)  # the fee alone (16) cannot cover 800
    c.litigation(invoice, days_ago=1)
    services.take_loss(actor=c.accountant, advance=advance)
    advance.refresh_from_db()
    assert advance.state == AdvanceState.RECOVERED
    checks_clean(c.entity)


def test_the_advance_is_paid_to_the_members_validated_account_in_a_sepa_batch():
    from compagnon.expenses.models import MemberBankAccount
    from compagnon.payouts import services as payouts

    c = Coop()
    advance = c.ask(c.invoice("1000"))
    batch = payouts.create_batch(actor=c.accountant, account=c.account,
                                 requested_execution_date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.add_to_batch(actor=c.accountant, batch=batch, advances=[advance])
    assert "no validated bank account" in str(exc.value)
    MemberBankAccount.objects.create(member=c.member, holder="Camille Martin", iban="BE68539007547034",
                                     validated_at=timezone.now())
    [advance] = services.add_to_batch(actor=c.accountant, batch=batch, advances=[advance])
    line = advance.payout_line
    assert line.amount == D("784.00") and line.activity_id == c.activity.pk
    assert line.debit_account.role == "member_current"
    with pytest.raises(ValidationError):
        services.add_to_batch(actor=c.accountant, batch=batch, advances=[advance])
    with pytest.raises(PermissionDenied):
        services.add_to_batch(actor=c.member.user, batch=batch, advances=[advance])


def test_check_books_names_an_entry_typed_by_hand_on_the_prefinancing_account():
    from compagnon.ledger import services as ledger
    from compagnon.organisation.models import Entity

    c = Coop()
    c.ask(c.invoice("1000"))
    ledger.post_entry(actor=None, entity=c.entity, journal_code="misc", date=timezone.localdate(), label="By hand",
                      lines=[ledger.LineSpec(role="prefinancing", debit=D("10"), activity=c.activity),
                             ledger.LineSpec(role="suspense", credit=D("10"))])
    problems = list(outstanding_equals_account(Entity.objects.filter(pk=c.entity.pk)))
    assert problems == [f"activity {c.activity.pk}: advances outstanding 800.00, prefinancing account 810.00"]
