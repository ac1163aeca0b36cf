"""Demo: an activity's expense claims paid back in a transfer batch that a demo bank statement
settles. Here, above expenses and payouts, because it needs both (payouts never imports expenses)."""

from __future__ import annotations

from django.db import transaction

from compagnon.expenses import services as expenses
from compagnon.expenses.models import ClaimState, ExpenseClaim, MemberBankAccount
from compagnon.payouts import demo


@transaction.atomic
def seed_demo_transfers(activity, *, iban: str = "FR7630004000031234567890143"):
    """Approve ``activity``'s submitted claims, validate its members' reimbursement accounts, pay
    the claims back in a batch sent and settled. Idempotent (nothing when the entity has batches);
    returns the batch or ``None``."""
    batch, accountant = demo.demo_batch(activity.entity)
    if batch is None:
        return None
    for claim in ExpenseClaim.objects.filter(activity=activity, state=ClaimState.SUBMITTED):
        expenses.approve_claim(actor=accountant, claim=claim)
    claims = list(expenses.to_reimburse([activity.entity_id]).filter(activity=activity).select_related("member__user"))
    if not claims:
        transaction.set_rollback(True)
        return None
    for member in {claim.member for claim in claims}:
        bank = MemberBankAccount.objects.filter(member=member).first()
        if bank is None:
            bank = expenses.save_bank_account(actor=member.user, member=member, holder=str(member)[:70], iban=iban)
        if not bank.is_validated:
            expenses.validate_bank_account(actor=accountant, account=bank)
    expenses.add_to_batch(actor=accountant, batch=batch, claims=claims)
    return demo.send_and_settle(batch, accountant)
