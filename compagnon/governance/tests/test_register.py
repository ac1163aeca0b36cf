"""The share register: every movement balanced in the books, the rules of payment, transfer,
withdrawal and refund, and messages that name the field."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.ledger.models import EntryLine

from .. import register
from .helpers import ago, coop

pytestmark = pytest.mark.django_db
D = Decimal


def _balance(entity, code):
    lines = EntryLine.objects.filter(account__entity=entity, account__code=code)
    return sum((line.debit - line.credit for line in lines), D("0"))


def _entries_balance(entity):
    for entry_id in set(EntryLine.objects.filter(account__entity=entity).values_list("entry_id", flat=True)):
        lines = EntryLine.objects.filter(entry_id=entry_id)
        assert sum(x.debit for x in lines) == sum(x.credit for x in lines)


def test_a_french_subscription_and_payment_post_balanced_entries():
    c = coop(members=1, paid=False)
    a, e = c["associates"][0], c["entity"]
    h = register.holding(a)
    assert (h.shares, h.capital, h.paid, h.unpaid) == (2, D("100.00"), D("0"), D("100.00"))
    assert _balance(e, "4562") == D("100.00") and _balance(e, "1012") == D("-100.00")
    register.record_payment(actor=c["admin"], associate=a, amount=D("40.00"), date=ago(5))
    assert _balance(e, "1013") == D("-40.00") and _balance(e, "512") == D("40.00")
    assert _balance(e, "1012") == D("-60.00") and _balance(e, "4562") == D("60.00")
    _entries_balance(e)
    assert register.holding(a).unpaid == D("60.00")


def test_a_belgian_register_posts_to_100_4161_550():
    c = coop(belgian=True, members=1)
    e = c["entity"]
    assert _balance(e, "100") == D("-100.00")
    assert _balance(e, "4161") == D("0.00") and _balance(e, "550") == D("100.00")
    _entries_balance(e)


def test_paying_more_than_owed_is_refused_naming_the_amount():
    c = coop(members=1, paid=False)
    with pytest.raises(ValidationError) as exc:
        register.record_payment(actor=c["admin"], associate=c["associates"][0], amount=D("100.01"), date=ago(1))
    assert "amount" in exc.value.message_dict


def test_transfer_moves_paid_shares_without_an_entry_and_withdrawal_then_deferred_refund():
    c = coop(members=2)
    a, b = c["associates"]
    lines_before = EntryLine.objects.count()
    register.transfer(actor=c["admin"], associate=a, to=b, shares=1, date=ago(3))
    assert EntryLine.objects.count() == lines_before
    assert register.holding(a).shares == 1 and register.holding(b).shares == 3
    assert register.holding(b).paid == D("150.00")
    register.withdraw(actor=c["admin"], associate=b, shares=3, date=ago(2), leaves=True)
    b.refresh_from_db()
    assert b.left_on == ago(2)
    h = register.holding(b)
    assert (h.shares, h.to_refund) == (0, D("150.00"))
    assert _balance(c["entity"], "4567") == D("-150.00")
    register.refund(actor=c["admin"], associate=b, amount=D("100.00"), date=ago(1))
    assert register.holding(b).to_refund == D("50.00")
    with pytest.raises(ValidationError) as exc:
        register.refund(actor=c["admin"], associate=b, amount=D("50.01"), date=ago(1))
    assert "amount" in exc.value.message_dict
    _entries_balance(c["entity"])


def test_unpaid_shares_cannot_be_transferred_or_withdrawn():
    c = coop(members=2, paid=False)
    a, b = c["associates"]
    with pytest.raises(ValidationError) as exc:
        register.transfer(actor=c["admin"], associate=a, to=b, shares=1, date=ago(1))
    assert "shares" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        register.withdraw(actor=c["admin"], associate=a, shares=1, date=ago(1))
    assert "shares" in exc.value.message_dict


def test_the_nominal_value_is_fixed_once_shares_exist():
    c = coop(members=1)
    with pytest.raises(ValidationError) as exc:
        register.save_settings(actor=c["admin"], entity=c["entity"], share_nominal=D("60"), max_proxies=2)
    assert "share_nominal" in exc.value.message_dict


def test_a_member_cannot_write_the_register():
    c = coop(members=1)
    with pytest.raises(PermissionDenied):
        register.subscribe(actor=c["members"][0].user, associate=c["associates"][0], shares=1, date=ago(1))
    with pytest.raises(PermissionDenied):
        register.subscribe(actor=c["foreign_admin"], associate=c["associates"][0], shares=1, date=ago(1))


def test_every_movement_is_audited():
    from compagnon.audit.models import AuditEvent

    c = coop(members=1)
    actions = set(AuditEvent.objects.filter(entity=c["entity"]).values_list("action", flat=True))
    assert {"governance.associate_admitted", "governance.shares_subscription", "governance.shares_payment"} <= actions
