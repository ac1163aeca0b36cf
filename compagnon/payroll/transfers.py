"""Net pay transfers: the nets of a posted payroll journal paid to each member's validated account
in a SEPA batch of ``compagnon.payouts`` (purpose "net salary"; the line settles the net-pay
payable, FR 421 / BE 455, on the activity's axis). The bank statement settling the transfer marks
the salary paid (``payouts.signals.line_settled``); a returned transfer opens it again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.bulk import bulk_set
from compagnon.core.services import require
from compagnon.expenses.models import MemberBankAccount
from compagnon.ledger.models import Account
from compagnon.payouts import services as payouts
from compagnon.payouts.models import Purpose

from .models import PayLine, RequestState, SalaryRequest


def unpaid(entity, month=None):
    """Posted nets not in an active transfer yet."""
    qs = PayLine.objects.filter(entity=entity, net__gt=0, paid_at__isnull=True).filter(
        Q(payout_line__isnull=True) | Q(payout_line__active=False))
    if month is not None:
        qs = qs.filter(month=month)
    return qs


def transfer_text(line: PayLine) -> str:
    return (_("Net salary %(month)s") % {"month": line.month.strftime("%m/%Y")})[:140]


@transaction.atomic
def add_net_pay(*, actor, batch, month=None) -> tuple[list[PayLine], list[str]]:
    """Add a transfer per unpaid net of the batch's entity (of ``month``, or all) to a draft
    batch. Members without a validated account are left out and named."""
    require(actor, "payroll.run", batch.entity)
    payable = Account.objects.filter(entity=batch.entity, role="salaries_payable", vat_rate__isnull=True).first()
    if payable is None:
        raise ValidationError({"batch": _("The chart of accounts has no net pay payable account.")})
    lines = list(unpaid(batch.entity, month).select_for_update(of=("self",)).select_related(
        "member__user", "activity").order_by("member_id", "month", "activity_id"))
    accounts = {a.member_id: a for a in MemberBankAccount.objects.filter(
        member_id__in={x.member_id for x in lines}, validated_at__isnull=False)}
    done, skipped, wanted = [], [], []
    for line in lines:
        account = accounts.get(line.member_id)
        if account is None:
            skipped.append(str(line.member))
            continue
        wanted.append(dict(creditor_name=account.holder, iban=account.iban, bic=account.bic, amount=line.net,
                           purpose=Purpose.SALARY, remittance=transfer_text(line), debit_account=payable,
                           activity=line.activity))
        done.append(line)
    made = payouts.add_lines(actor=actor, batch=batch, lines=wanted)  # one lock, one insert per 1,000
    for line, payout_line in zip(done, made, strict=True):
        line.payout_line = payout_line
    bulk_set(PayLine, done, ["payout_line"])  # one UPDATE … FROM (VALUES …) per 5,000 on PostgreSQL
    record(actor=actor, action="payroll.net_pay_added", obj=batch, entity=batch.entity,
           message=gettext_noop("%(count)s net salaries added to transfer batch %(batch)s; %(skipped)s members "
                                "without a validated account."),
           params={"count": len(done), "batch": batch.pk, "skipped": len(skipped)})
    return done, sorted(set(skipped))


def on_settled(sender, *, line, transaction=None, **kwargs):
    pay_lines = list(PayLine.objects.filter(payout_line=line, paid_at__isnull=True))
    if not pay_lines:
        return
    now = timezone.now()
    PayLine.objects.filter(pk__in=[p.pk for p in pay_lines]).update(paid_at=now)
    request_ids = [p.request_id for p in pay_lines if p.request_id]
    SalaryRequest.objects.filter(pk__in=request_ids, state=RequestState.POSTED).update(state=RequestState.PAID)


def on_returned(sender, *, line, transaction=None, reason="", **kwargs):
    """The bank sent the net back: the line may be paid again in another batch."""
    request_ids = list(PayLine.objects.filter(payout_line=line).exclude(request=None).values_list("request_id",
                                                                                               flat=True))
    PayLine.objects.filter(payout_line=line).update(paid_at=None)
    SalaryRequest.objects.filter(pk__in=request_ids, state=RequestState.PAID).update(state=RequestState.POSTED)


def connect():
    from compagnon.payouts.signals import line_returned, line_settled

    line_settled.connect(on_settled, dispatch_uid="payroll.salary_paid")
    line_returned.connect(on_returned, dispatch_uid="payroll.salary_returned")
