"""Writes of the shared positions: created by the entity's staff with the activities' shares
(summing to 100 %), each share accepted by a holder of its activity, the monthly cost set by staff,
and each month charged once in the ledger.

The monthly charge is ONE balanced entry in the misc journal (source: the position, kind
``share-YYYY-MM``; a ``PositionCharge`` row, unique per position and month): debit the
miscellaneous-expenses account (role ``misc_expense``, FR 658 / BE 643) on each participating
activity with its share, credit the same account on the employing activity — or on the
cooperative's own axis when the cooperative employs the person. The account nets to zero for the
entity, like internal transfers for budget movements; each activity's budget reads its side as a
cost (the employer's credit lowers its costs). Shares: ROUND_HALF_UP to the cent, the last share
takes the remainder so the entry balances exactly.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.ledger import services as ledger
from compagnon.members.models import Activity, ActivityStatus

from .models import PositionCharge, PositionShare, SharedPosition, ShareStatus

JOURNAL = "misc"
ROLE = "misc_expense"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount, for example 1250.00.")}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        raise ValidationError({field: _("Enter an amount of zero or more.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("An amount takes at most two decimals.")})
    return amount


def split(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """``amount`` by ``percents`` (summing to 100): each part rounded half-up to the cent, the last
    part the remainder, so the parts sum to ``amount`` exactly."""
    parts = [(amount * p / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal("0"))]


def _check_shares(entity, shares) -> list[tuple[Activity, Decimal]]:
    if len(shares) < 2:
        raise ValidationError({"shares": _("Share the position between at least two activities.")})
    seen, out = set(), []
    for activity, percent in shares:
        if activity.entity_id != entity.pk or activity.status == ActivityStatus.CLOSED:
            raise ValidationError({"shares": _("Each activity must be an open activity of the same entity.")})
        if activity.pk in seen:
            raise ValidationError({"shares": _("Each activity takes one share only.")})
        seen.add(activity.pk)
        try:
            percent = Decimal(str(percent))
        except (InvalidOperation, TypeError, ValueError):
            percent = Decimal("-1")
        if not percent.is_finite() or percent <= 0 or percent > HUNDRED or percent != percent.quantize(CENT):
            raise ValidationError({"shares": _("Each share is a percentage above 0 and at most 100, with two decimals at most.")})
        out.append((activity, percent))
    total = sum((p for _a, p in out), Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            {"shares": _("The shares must add up to 100 %%; they add up to %(total)s %%.") % {"total": f"{total.normalize():f}"}}
        )
    return out


@transaction.atomic
def create_position(
    *, actor, entity, title: str, hours_per_week, starts_on: datetime.date, shares, employer: Activity | None = None,
    monthly_cost=Decimal("0"),
) -> SharedPosition:
    """``shares``: [(activity, percent)], summing to 100. Each share waits for its activity."""
    require(actor, "cooperation.manage_positions", entity)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the position a title.")})
    try:
        hours = Decimal(str(hours_per_week))
    except (InvalidOperation, TypeError, ValueError):
        hours = Decimal("0")
    if not hours.is_finite() or hours <= 0 or hours > Decimal("48") or hours != hours.quantize(CENT):
        raise ValidationError({"hours_per_week": _("Enter between 0.25 and 48 hours per week.")})
    if employer is not None and employer.entity_id != entity.pk:
        raise ValidationError({"employer": _("The employing activity must belong to the same entity.")})
    cost = _money(monthly_cost, "monthly_cost")
    if not isinstance(starts_on, datetime.date):
        raise ValidationError({"starts_on": _("Enter the date the position starts.")})
    checked = _check_shares(entity, shares)
    position = SharedPosition.objects.create(
        entity=entity, title=title[:120], hours_per_week=hours, employer=employer, monthly_cost=cost,
        starts_on=starts_on, created_by=actor,
    )
    PositionShare.objects.bulk_create([PositionShare(position=position, activity=a, percent=p) for a, p in checked])
    record(
        actor=actor,
        action="cooperation.position_created",
        obj=position,
        entity=entity,
        message=gettext_noop("Shared position %(title)s created (%(shares)s)"),
        params={"title": position.title, "shares": ", ".join(f"{a.name} {p.normalize():f} %" for a, p in checked)},
    )
    return position


def _locked_position(pk) -> SharedPosition:
    return SharedPosition.objects.select_for_update(of=("self",)).select_related("entity", "employer").get(pk=pk)


@transaction.atomic
def set_monthly_cost(*, actor, position: SharedPosition, monthly_cost) -> SharedPosition:
    p = _locked_position(position.pk)
    require(actor, "cooperation.manage_positions", p)
    cost = _money(monthly_cost, "monthly_cost")
    if p.ended_on is not None:
        raise ValidationError({"monthly_cost": _("This position has ended.")})
    before = p.monthly_cost
    if cost == before:
        return p
    p.monthly_cost = cost
    p.save(update_fields=["monthly_cost"])
    record(
        actor=actor,
        action="cooperation.position_cost_set",
        obj=p,
        entity=p.entity,
        message=gettext_noop("Monthly cost of %(title)s set to %(amount)s"),
        params={"title": p.title, "amount": f"{cost:.2f}"},
        before={"monthly_cost": f"{before:.2f}"},
        after={"monthly_cost": f"{cost:.2f}"},
    )
    return p


@transaction.atomic
def end_position(*, actor, position: SharedPosition, ended_on: datetime.date | None = None) -> SharedPosition:
    p = _locked_position(position.pk)
    require(actor, "cooperation.manage_positions", p)
    ended_on = ended_on or timezone.localdate()
    if p.ended_on is not None:
        return p
    if ended_on < p.starts_on:
        raise ValidationError({"ended_on": _("A position cannot end before it starts.")})
    p.ended_on = ended_on
    p.save(update_fields=["ended_on"])
    record(
        actor=actor,
        action="cooperation.position_ended",
        obj=p,
        entity=p.entity,
        message=gettext_noop("Shared position %(title)s ended on %(date)s"),
        params={"title": p.title, "date": ended_on.isoformat()},
    )
    return p


def _decide_share(*, actor, share: PositionShare, to: str) -> PositionShare:
    s = (
        PositionShare.objects.select_for_update(of=("self",))
        .select_related("activity", "position__entity")
        .get(pk=share.pk)
    )
    if not actor.has_perm("cooperation.decide_share", s):
        raise PermissionDenied(_("Only a holder of %(activity)s decides on its share.") % {"activity": s.activity.name})
    if s.status == to:
        return s
    if s.status != ShareStatus.PENDING:
        raise ValidationError({"status": _("This share was already decided.")})
    if s.position.ended_on is not None:
        raise ValidationError({"status": _("This position has ended.")})
    s.status = to
    s.decided_by = actor
    s.decided_at = timezone.now()
    s.save(update_fields=["status", "decided_by", "decided_at"])
    accepted = to == ShareStatus.ACCEPTED
    record(
        actor=actor,
        action="cooperation.share_accepted" if accepted else "cooperation.share_declined",
        obj=s,
        entity=s.position.entity,
        activity=s.activity,
        message=gettext_noop("%(activity)s accepted its share of %(percent)s %% of %(title)s")
        if accepted
        else gettext_noop("%(activity)s declined its share of %(percent)s %% of %(title)s"),
        params={"activity": s.activity.name, "percent": f"{s.percent.normalize():f}", "title": s.position.title},
    )
    return s


@transaction.atomic
def accept_share(*, actor, share: PositionShare) -> PositionShare:
    return _decide_share(actor=actor, share=share, to=ShareStatus.ACCEPTED)


@transaction.atomic
def decline_share(*, actor, share: PositionShare) -> PositionShare:
    return _decide_share(actor=actor, share=share, to=ShareStatus.DECLINED)


# --- the monthly charge ---------------------------------------------------------------------------


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def chargeable(position: SharedPosition, month: datetime.date, shares: list[PositionShare]) -> str:
    """Why the month cannot be charged ('' when it can)."""
    first, last = month_bounds(month)
    if position.monthly_cost <= 0:
        return "no cost"
    if position.starts_on > last or (position.ended_on is not None and position.ended_on < first):
        return "not running"
    if not shares or any(s.status != ShareStatus.ACCEPTED for s in shares):
        return "shares not accepted"
    return ""


@transaction.atomic
def charge_month(*, position: SharedPosition, month: datetime.date, actor=None) -> PositionCharge | None:
    """Post the month's charge once. Returns the charge (the existing one when already posted), or
    None when the position is not chargeable that month (no cost, not running, shares pending)."""
    first, last = month_bounds(month)
    today = timezone.localdate()
    if first > today:
        raise ValidationError({"month": _("A month that has not started cannot be charged.")})
    p = _locked_position(position.pk)
    existing = PositionCharge.objects.filter(position=p, month=first).first()
    if existing is not None:
        return existing
    shares = list(p.shares.select_related("activity").order_by("id"))
    if chargeable(p, first, shares):
        return None
    amounts = split(p.monthly_cost, [s.percent for s in shares])
    label = _("%(title)s, share of %(month)s") % {"title": p.title, "month": first.strftime("%m/%Y")}
    lines = [
        ledger.LineSpec(role=ROLE, debit=amount, activity=s.activity, label=label)
        for s, amount in zip(shares, amounts, strict=True)
        if amount > 0
    ]
    lines.append(ledger.LineSpec(role=ROLE, credit=p.monthly_cost, activity=p.employer, label=label))
    entry = _post(p, first, min(last, today), today, label, lines, actor)
    try:
        with transaction.atomic():
            charge = PositionCharge.objects.create(
                position=p, month=first, amount=p.monthly_cost, entry=entry,
                split={str(s.activity_id): f"{a:.2f}" for s, a in zip(shares, amounts, strict=True)},
            )
    except IntegrityError:  # pragma: no cover - the position lock makes this unreachable
        return PositionCharge.objects.get(position=p, month=first)
    record(
        actor=actor,
        action="cooperation.position_charged",
        obj=charge,
        entity=p.entity,
        activity=p.employer,
        message=gettext_noop("%(title)s charged for %(month)s: %(amount)s"),
        params={"title": p.title, "month": first.strftime("%Y-%m"), "amount": f"{p.monthly_cost:.2f}"},
    )
    return charge


def _post(p, first, date, today, label, lines, actor):
    kind = f"share-{first:%Y-%m}"
    try:
        with transaction.atomic():
            return ledger.post_entry(
                actor=actor, entity=p.entity, journal_code=JOURNAL, date=date, label=label, lines=lines,
                source=p, kind=kind,
            )
    except ValidationError as exc:
        # the month's last day is before the journal's last entry, or in a closed period: the
        # charge is booked today, its label still names its month
        if date == today or "date" not in getattr(exc, "error_dict", {}):
            raise
    return ledger.post_entry(
        actor=actor, entity=p.entity, journal_code=JOURNAL, date=today, label=label, lines=lines, source=p, kind=kind
    )


def charge_all(*, month: datetime.date, actor=None) -> dict[str, int]:
    """Charge every running position for ``month``; each position in its own transaction."""
    counts = {"charged": 0, "already": 0, "skipped": 0}
    first, last = month_bounds(month)
    candidates = SharedPosition.objects.filter(starts_on__lte=last).exclude(ended_on__lt=first).order_by("id")
    for p in candidates:
        had = PositionCharge.objects.filter(position=p, month=first).exists()
        charge = charge_month(position=p, month=first, actor=actor)
        key = "already" if had else ("charged" if charge else "skipped")
        counts[key] += 1
    return counts
