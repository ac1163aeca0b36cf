"""Net pay: one transfer per net to the member's validated account; the bank settling it marks the
salary paid; members without a validated account are named, not paid."""

import pytest
from django.utils import timezone

from compagnon.expenses.models import MemberBankAccount
from compagnon.payouts import services as payouts
from compagnon.payouts.models import PayoutLine, Purpose
from compagnon.payouts.signals import line_returned, line_settled
from compagnon.payouts.tests.factories import BankAccountFactory, tomorrow
from compagnon.payroll import journal, services, transfers
from compagnon.payroll.models import PayLine, RequestState

from .helpers import ask, cooperative, csv_upload, line_for, this_month

pytestmark = pytest.mark.django_db


def test_nets_go_to_validated_accounts_and_the_bank_marks_the_salary_paid():
    coop = cooperative()
    requests = [ask(coop["camille"], coop["activity"], "2000.00"), ask(coop["yanis"], coop["yanis_activity"], "2500.00")]
    for r in requests:
        services.approve_request(actor=coop["advisor"], request=r)
    services.freeze_month(actor=coop["accountant"], entity=coop["entity"], month=this_month())
    requests = [type(r).objects.get(pk=r.pk) for r in requests]
    journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                           upload=csv_upload([line_for(r) for r in requests]))
    MemberBankAccount.objects.create(member=coop["camille"], holder="Camille", iban="FR7630006000011234567890189",
                                     validated_at=timezone.now())
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630004000031234567890143", bic="BNPAFRPP")
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    done, skipped = transfers.add_net_pay(actor=coop["accountant"], batch=batch, month=this_month())
    assert [p.member_id for p in done] == [coop["camille"].pk] and skipped == [str(coop["yanis"])]
    line = PayoutLine.objects.get(batch=batch)
    mine = PayLine.objects.get(member=coop["camille"])
    assert line.purpose == Purpose.SALARY and line.amount == mine.net
    assert line.debit_account.code == "421" and line.activity_id == coop["activity"].pk
    again, _skipped = transfers.add_net_pay(actor=coop["accountant"], batch=batch, month=this_month())
    assert again == []  # paid once
    line_settled.send(sender=PayoutLine, line=line, transaction=None)
    mine.refresh_from_db()
    assert mine.paid_at is not None
    assert type(requests[0]).objects.get(pk=mine.request_id).state == RequestState.PAID
    line_returned.send(sender=PayoutLine, line=line, transaction=None, reason="closed account")
    mine.refresh_from_db()
    assert mine.paid_at is None


def test_a_bulk_add_lines_of_payouts_is_used_when_it_exists(monkeypatch):
    """Month-end at 10,000 members needs one insert for the batch (decision 0024)."""
    coop = cooperative()
    request = ask(coop["camille"], coop["activity"], "2000.00")
    services.approve_request(actor=coop["advisor"], request=request)
    services.freeze_month(actor=coop["accountant"], entity=coop["entity"], month=this_month())
    request.refresh_from_db()
    journal.import_journal(actor=coop["accountant"], entity=coop["entity"], month=this_month(),
                           upload=csv_upload([line_for(request)]))
    MemberBankAccount.objects.create(member=coop["camille"], holder="Camille", iban="FR7630006000011234567890189",
                                     validated_at=timezone.now())
    account = BankAccountFactory(entity=coop["entity"], iban="FR7630004000031234567890143", bic="BNPAFRPP")
    batch = payouts.create_batch(actor=coop["accountant"], account=account, requested_execution_date=tomorrow())
    calls = []

    def add_lines(*, actor, batch, lines):
        calls.append(len(lines))
        return [payouts.add_line(actor=actor, batch=batch, **kw) for kw in lines]

    monkeypatch.setattr(payouts, "add_lines", add_lines, raising=False)
    done, _skipped = transfers.add_net_pay(actor=coop["accountant"], batch=batch)
    assert calls == [1] and PayLine.objects.get().payout_line_id == PayoutLine.objects.get(batch=batch).pk
    assert done
