"""Shared positions: created by staff with shares summing to 100 %, accepted by each activity's
holder, charged once a month as one balanced entry that every budget reads."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from compagnon.audit.models import AuditEvent
from compagnon.budget import selectors as budget
from compagnon.ledger.models import Entry

from .. import positions, selectors
from ..models import PositionCharge, ShareStatus
from .helpers import coop, last_month

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def c():
    return coop()


def create(c, percents, cost="1000.00", employer="employer", actor="admin"):
    return positions.create_position(
        actor=c[actor], entity=c["entity"], title="Shared assistant", hours_per_week=D("10"),
        employer=c[employer] if employer else None, monthly_cost=D(cost), starts_on=last_month(),
        shares=list(zip(c["activities"], [D(p) for p in percents], strict=False)),
    )


def accept_all(c, p):
    for share, member in zip(p.shares.order_by("id"), c["members"], strict=False):
        positions.accept_share(actor=member.user, share=share)


def test_split_rounds_half_up_and_the_last_takes_the_remainder():
    assert positions.split(D("1000.00"), [D("33.33"), D("33.33"), D("33.34")]) == [D("333.30"), D("333.30"), D("333.40")]
    parts = positions.split(D("100.01"), [D("33.33"), D("33.33"), D("33.34")])
    assert parts == [D("33.33"), D("33.33"), D("33.35")] and sum(parts) == D("100.01")
    assert positions.split(D("0.05"), [D("50"), D("50")]) == [D("0.03"), D("0.02")]


@pytest.mark.parametrize("percents", [["50", "40"], ["50", "50", "10"], ["100"], ["0", "100"], ["33.333", "66.667"]])
def test_shares_must_sum_to_100(c, percents):
    with pytest.raises(ValidationError) as exc:
        create(c, percents)
    assert "shares" in exc.value.message_dict


def test_only_staff_of_the_entity_create_and_manage(c):
    for who in ("accountant", "foreign_admin"):
        with pytest.raises(PermissionDenied):
            create(c, ["50", "50"], actor=who)
    p = create(c, ["50", "50"], actor="advisor")
    with pytest.raises(PermissionDenied):
        positions.set_monthly_cost(actor=c["members"][0].user, position=p, monthly_cost=D("5"))
    positions.set_monthly_cost(actor=c["admin"], position=p, monthly_cost=D("1200.50"))
    p.refresh_from_db()
    assert p.monthly_cost == D("1200.50")
    assert AuditEvent.objects.filter(action="cooperation.position_cost_set").count() == 1


def test_a_share_is_decided_by_a_holder_of_its_activity_only(c):
    p = create(c, ["50", "50"])
    first, second = p.shares.order_by("id")
    with pytest.raises(PermissionDenied):
        positions.accept_share(actor=c["members"][1].user, share=first)
    with pytest.raises(PermissionDenied):
        positions.accept_share(actor=c["admin"], share=first)
    positions.accept_share(actor=c["members"][0].user, share=first)
    positions.accept_share(actor=c["members"][0].user, share=first)  # a double tap
    positions.decline_share(actor=c["members"][1].user, share=second)
    with pytest.raises(ValidationError):
        positions.accept_share(actor=c["members"][1].user, share=second)
    assert positions.charge_month(position=p, month=last_month()) is None  # not all accepted


@pytest.mark.parametrize(
    "cost,percents,expected",
    [
        ("1000.00", ["33.33", "33.33", "33.34"], ["333.30", "333.30", "333.40"]),
        ("100.01", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.35"]),
    ],
)
def test_the_monthly_charge_is_one_balanced_entry_once_and_shows_in_each_budget(c, cost, percents, expected):
    p = create(c, percents, cost=cost)
    accept_all(c, p)
    month = last_month()
    charge = positions.charge_month(position=p, month=month)
    again = positions.charge_month(position=p, month=month)
    assert again.pk == charge.pk and PositionCharge.objects.count() == 1
    entry = charge.entry
    assert entry.is_balanced
    lines = list(entry.lines.all())
    assert sum(x.debit for x in lines) == sum(x.credit for x in lines) == D(cost)
    debits = {x.activity_id: x.debit for x in lines if x.debit}
    assert [debits[a.pk] for a in c["activities"]] == [D(e) for e in expected]
    credit = [x for x in lines if x.credit]
    assert len(credit) == 1 and credit[0].activity_id == c["employer"].pk
    start = month
    end = timezone.localdate()
    for activity, amount in zip(c["activities"], expected, strict=True):
        assert budget.compute(activity, start, end).costs == D(amount)
    assert budget.compute(c["employer"], start, end).costs == -D(cost)
    assert Entry.objects.filter(source_id=p.pk, kind=f"share-{month:%Y-%m}").count() == 1


def test_the_cooperatives_own_position_credits_its_own_axis(c):
    p = create(c, ["60", "40"], employer=None)
    accept_all(c, p)
    charge = positions.charge_month(position=p, month=last_month())
    credit = [x for x in charge.entry.lines.all() if x.credit]
    assert credit[0].activity_id is None and credit[0].credit == D("1000.00")


def test_the_command_is_idempotent_and_skips_what_cannot_be_charged(c):
    p = create(c, ["50", "50"])
    accept_all(c, p)
    create(c, ["50", "50"])  # shares still waiting
    month = f"{last_month():%Y-%m}"
    out = StringIO()
    call_command("charge_shared_positions", "--month", month, stdout=out)
    assert "1 charged" in out.getvalue() and "1 skipped" in out.getvalue()
    out = StringIO()
    call_command("charge_shared_positions", "--month", month, stdout=out)
    assert "0 charged, 1 already charged" in out.getvalue()
    assert PositionCharge.objects.count() == 1 == Entry.objects.filter(source_id=p.pk).count()
    call_command("charge_shared_positions", stdout=StringIO())  # the previous month by default
    assert PositionCharge.objects.count() == 1


def test_an_ended_position_is_not_charged_after_its_end_and_a_future_month_is_refused(c):
    p = create(c, ["50", "50"])
    accept_all(c, p)
    positions.end_position(actor=c["admin"], position=p, ended_on=last_month())
    nxt = timezone.localdate().replace(day=1)
    assert positions.charge_month(position=p, month=nxt) is None
    with pytest.raises(ValidationError):
        positions.charge_month(position=p, month=nxt + datetime.timedelta(days=40))
    assert AuditEvent.objects.filter(action="cooperation.position_ended").count() == 1


def test_members_see_the_positions_of_their_activities_only(c):
    p = create(c, ["50", "50"])
    assert list(selectors.positions(c["members"][0].user)) == [p]
    assert list(selectors.positions(c["members"][2].user)) == []
    assert list(selectors.positions(c["outsider"].user)) == []
    assert list(selectors.positions(c["foreign_admin"])) == []
    assert list(selectors.positions(c["advisor"])) == [p]
    assert [s.status for s in selectors.pending_shares(c["members"][0].user)] == [ShareStatus.PENDING]
