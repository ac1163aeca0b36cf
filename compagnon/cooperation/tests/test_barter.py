"""Skill barter: a member records hours given, the colleague confirms or declines; only
confirmed hours count in the balances; the colleague is notified."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import MemberFactory
from compagnon.notifications.models import Notification

from .. import barter, selectors
from ..models import ExchangeStatus
from .helpers import ago, coop

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def c():
    return coop()


def give(giver, receiver, hours, days=1, what="2 h of help with a website"):
    return barter.record_exchange(actor=giver.user, receiver=receiver, date=ago(days), hours=hours, description=what)


def test_confirmed_hours_count_in_both_balances_pending_and_declined_do_not(c, django_capture_on_commit_callbacks):
    a, b, d = c["members"]
    with django_capture_on_commit_callbacks(execute=True):
        ex = give(a, b, D("2"))
    assert Notification.objects.filter(user=b.user).count() == 1
    assert selectors.balances([a.pk])[a.pk].balance == 0
    barter.confirm_exchange(actor=b.user, exchange=ex)
    give(b, a, D("0.5"))  # pending
    declined = give(d, a, D("3"))
    barter.decline_exchange(actor=a.user, exchange=declined)
    ex2 = give(b, a, D("1.25"))
    barter.confirm_exchange(actor=a.user, exchange=ex2)
    sums = selectors.balances([a.pk, b.pk, d.pk])
    assert (sums[a.pk].given, sums[a.pk].received, sums[a.pk].balance) == (D("2"), D("1.25"), D("0.75"))
    assert sums[b.pk].balance == D("-0.75")
    assert sums[d.pk].balance == 0
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"cooperation.exchange_recorded", "cooperation.exchange_confirmed", "cooperation.exchange_declined"} <= actions


def test_confirming_twice_changes_nothing_and_a_declined_exchange_cannot_be_confirmed(c):
    a, b, _ = c["members"]
    ex = give(a, b, D("2"))
    barter.confirm_exchange(actor=b.user, exchange=ex)
    barter.confirm_exchange(actor=b.user, exchange=ex)
    assert AuditEvent.objects.filter(action="cooperation.exchange_confirmed").count() == 1
    with pytest.raises(ValidationError):
        barter.decline_exchange(actor=b.user, exchange=ex)
    other = give(a, b, D("1"))
    barter.decline_exchange(actor=b.user, exchange=other)
    barter.decline_exchange(actor=b.user, exchange=other)
    with pytest.raises(ValidationError):
        barter.confirm_exchange(actor=b.user, exchange=other)
    other.refresh_from_db()
    assert other.status == ExchangeStatus.DECLINED


def test_only_the_receiver_decides(c):
    a, b, d = c["members"]
    ex = give(a, b, D("2"))
    for user in (a.user, d.user, c["admin"], c["advisor"]):
        with pytest.raises(PermissionDenied):
            barter.confirm_exchange(actor=user, exchange=ex)


@pytest.mark.parametrize(
    "field,kwargs",
    [
        ("hours", {"hours": D("0")}),
        ("hours", {"hours": D("101")}),
        ("hours", {"hours": D("1.255")}),
        ("date", {"days": -3}),
        ("description", {"what": "  "}),
    ],
)
def test_bad_input_names_the_field(c, field, kwargs):
    a, b, _ = c["members"]
    args = {"hours": D("1"), "days": 1, "what": "help", **kwargs}
    with pytest.raises(ValidationError) as exc:
        give(a, b, args["hours"], days=args["days"], what=args["what"])
    assert field in exc.value.message_dict


def test_hours_go_to_a_colleague_of_the_same_entity_not_oneself(c):
    a = c["members"][0]
    with pytest.raises(ValidationError) as exc:
        give(a, c["outsider"], D("1"))
    assert "receiver" in exc.value.message_dict
    with pytest.raises(ValidationError):
        give(a, a, D("1"))
    with pytest.raises(PermissionDenied):
        barter.record_exchange(actor=c["admin"], receiver=a, date=ago(1), hours=D("1"), description="x")


def test_a_member_sees_only_exchanges_they_are_part_of_and_staff_see_totals(c):
    a, b, d = c["members"]
    mine = give(a, b, D("2"))
    barter.confirm_exchange(actor=b.user, exchange=mine)
    theirs = give(b, d, D("4"))
    assert list(selectors.exchanges(a.user)) == [mine]
    assert set(selectors.exchanges(b.user)) == {mine, theirs}
    assert list(selectors.exchanges(c["admin"])) == []
    rows = {r.member.pk: r for r in selectors.with_balances(list(selectors.totals_members(c["admin"], c["entity"].pk)))}
    assert rows[a.pk].balance == D("2") and rows[b.pk].balance == D("-2")
    assert list(selectors.totals_members(c["accountant"], c["entity"].pk)) == []
    assert list(selectors.totals_members(c["foreign_admin"], c["entity"].pk)) == []
    partners = selectors.partners(b)
    assert {p.member.pk for p in partners} == {a.pk, d.pk}


def test_someone_who_left_receives_nothing(c):
    gone = MemberFactory(office=c["office"], status="left")
    with pytest.raises(ValidationError):
        give(c["members"][0], gone, D("1"))
