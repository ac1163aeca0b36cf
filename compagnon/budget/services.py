"""Writes of the budget context: movement requests and decisions, contribution rates.

A movement is posted in the ledger as ONE balanced entry in the misc journal, dated the day it is
approved: debit internal transfers on the source activity, credit internal transfers on the
target activity (the account nets to zero for the entity; each activity's axis shows its side).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.ledger import services as ledger
from compagnon.ledger.money import money
from compagnon.members.models import Activity, ActivityMembership, Maturity, Member

from . import selectors
from .models import BudgetPolicy, ContributionRate, Movement, MovementStatus

JOURNAL = "misc"
ENTRY_KIND = "movement"


def _fmt(amount: Decimal) -> str:
    return f"{amount:.2f}"


def limit_for(member_id: int, source: Activity, budget=None) -> Decimal:
    """What ``member`` may move out of ``source`` now: its available budget (year to date), times
    the member's share when the activity is a collective."""
    budget = budget or selectors.compute(source)
    shares = list(
        ActivityMembership.objects.filter(activity=source).values_list("member_id", "share")
    )
    available = max(budget.available, Decimal("0"))
    if len(shares) > 1:
        share = next((s for m, s in shares if m == member_id), Decimal("0"))
        return money(available * share / Decimal(100))
    return money(available)


def _check_within(member_id: int, source: Activity, amount: Decimal) -> None:
    limit = limit_for(member_id, source)
    if amount > limit:
        raise ValidationError(
            {
                "amount": _(
                    "%(activity)s can move at most %(limit)s € now: its available budget "
                    "(your share of it in a collective)."
                )
                % {"activity": source.name, "limit": _fmt(limit)}
            }
        )


@transaction.atomic
def request_movement(*, actor, source: Activity, target: Activity, amount, reason: str) -> Movement:
    """A member asks to move ``amount`` from one of their activities to another (a collective
    they belong to counts). Approved at once for established members below the entity's
    threshold, else waits for an advisor."""
    amount = money(amount)
    scope = permissions.scope_for(actor)
    member = Member.objects.filter(pk=scope.member_id).first() if scope.member_active else None
    if member is None or not actor.has_perm("budget.request_movement", source):
        raise PermissionDenied(
            _("Only the members working in %(activity)s can move its money.")
            % {"activity": source.name}
        )
    if not actor.has_perm("members.work_in_activity", target):
        raise ValidationError({"target": _("Choose one of your own activities.")})
    if source.pk == target.pk:
        raise ValidationError(
            {"target": _("Choose another activity than the one the money leaves.")}
        )
    if source.entity_id != target.entity_id:
        raise ValidationError({"target": _("Both activities must belong to the same entity.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say in a few words why the money moves.")})
    _check_within(member.pk, source, amount)
    movement = Movement.objects.create(
        entity_id=source.entity_id,
        source=source,
        target=target,
        amount=amount,
        reason=reason[:300],
        requested_by=member,
    )
    record(
        actor=actor,
        action="budget.movement_requested",
        obj=movement,
        entity=source.entity,
        activity=source,
        member=member,
        message=gettext_noop(
            "Movement of %(amount)s from %(source)s to %(target)s asked: %(reason)s"
        ),
        params={
            "amount": _fmt(amount),
            "source": source.name,
            "target": target.name,
            "reason": movement.reason,
        },
    )
    policy = BudgetPolicy.objects.filter(entity_id=source.entity_id).first()
    if (
        member.maturity == Maturity.ESTABLISHED
        and policy is not None
        and amount < policy.auto_approve_below
    ):
        movement = _approve(actor=None, movement_pk=movement.pk, automatic=True)
    return movement


@transaction.atomic
def approve(*, actor, movement: Movement) -> Movement:
    """Post the movement in the ledger. Idempotent: approving an approved movement (a double tap)
    returns it unchanged, posted once."""
    return _approve(actor=actor, movement_pk=movement.pk, automatic=False)


def _approve(*, actor, movement_pk: int, automatic: bool) -> Movement:
    m = (
        Movement.objects.select_for_update(of=("self",))
        .select_related("source__entity", "target", "requested_by")
        .get(pk=movement_pk)
    )
    if not automatic and not actor.has_perm("budget.decide_movement", m):
        raise PermissionDenied(
            _("Only the member's advisor or an administrator decides on this movement.")
        )
    if m.status == MovementStatus.APPROVED:
        return m
    if m.status != MovementStatus.PENDING:
        raise ValidationError({"status": _("This movement was already refused.")})
    # one approval at a time per source activity: the budget check and the posting go together
    Activity.objects.select_for_update().filter(pk=m.source_id).values_list("pk").first()
    _check_within(m.requested_by_id, m.source, m.amount)
    today = timezone.localdate()
    label = _("Movement %(source)s → %(target)s") % {
        "source": m.source.name,
        "target": m.target.name,
    }
    m.entry = ledger.post_entry(
        actor=actor,
        entity=m.source.entity,
        journal_code=JOURNAL,
        date=today,
        label=label,
        source=m,
        kind=ENTRY_KIND,
        lines=[
            ledger.LineSpec(
                role="internal_transfer", debit=m.amount, activity=m.source, label=m.reason
            ),
            ledger.LineSpec(
                role="internal_transfer", credit=m.amount, activity=m.target, label=m.reason
            ),
        ],
    )
    m.status = MovementStatus.APPROVED
    m.automatic = automatic
    m.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    m.decided_at = timezone.now()
    m.save(update_fields=["entry", "status", "automatic", "decided_by", "decided_at"])
    record(
        actor=actor,
        action="budget.movement_approved",
        obj=m,
        entity=m.source.entity,
        activity=m.source,
        member=m.requested_by,
        message=gettext_noop("Movement of %(amount)s from %(source)s to %(target)s approved")
        if not automatic
        else gettext_noop(
            "Movement of %(amount)s from %(source)s to %(target)s approved automatically"
        ),
        params={"amount": _fmt(m.amount), "source": m.source.name, "target": m.target.name},
    )
    return m


@transaction.atomic
def refuse(*, actor, movement: Movement, reason: str) -> Movement:
    m = (
        Movement.objects.select_for_update(of=("self",))
        .select_related("source__entity", "target", "requested_by")
        .get(pk=movement.pk)
    )
    if not actor.has_perm("budget.decide_movement", m):
        raise PermissionDenied(
            _("Only the member's advisor or an administrator decides on this movement.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"refusal_reason": _("Tell the member why: they will read it.")})
    if m.status == MovementStatus.REFUSED:
        return m
    if m.status != MovementStatus.PENDING:
        raise ValidationError({"status": _("This movement is already posted in the books.")})
    m.status = MovementStatus.REFUSED
    m.refusal_reason = reason[:1000]
    m.decided_by = actor
    m.decided_at = timezone.now()
    m.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    record(
        actor=actor,
        action="budget.movement_refused",
        obj=m,
        entity=m.source.entity,
        activity=m.source,
        member=m.requested_by,
        message=gettext_noop(
            "Movement of %(amount)s from %(source)s to %(target)s refused: %(reason)s"
        ),
        params={
            "amount": _fmt(m.amount),
            "source": m.source.name,
            "target": m.target.name,
            "reason": m.refusal_reason,
        },
    )
    return m


@transaction.atomic
def add_rate(*, actor, entity, **fields) -> ContributionRate:
    if not actor.has_perm("budget.change_rates", entity):
        raise PermissionDenied(
            _("Only the accountants and administrators of %(entity)s set its rates.")
            % {"entity": entity.name}
        )
    rate = ContributionRate(entity=entity, **fields)
    rate.full_clean()
    rate.save()
    record(
        actor=actor,
        action="budget.rate_added",
        obj=rate,
        entity=entity,
        message=gettext_noop("Contribution rate %(rate)s %% from %(date)s added"),
        params={"rate": str(rate.rate), "date": rate.valid_from},
    )
    return rate


@transaction.atomic
def save_policy(*, actor, entity, **fields) -> BudgetPolicy:
    if not actor.has_perm("budget.change_rates", entity):
        raise PermissionDenied(
            _("Only the accountants and administrators of %(entity)s set its rates.")
            % {"entity": entity.name}
        )
    policy, _created = BudgetPolicy.objects.get_or_create(entity=entity)
    for k, v in fields.items():
        setattr(policy, k, v)
    policy.full_clean()
    policy.save()
    record(
        actor=actor,
        action="budget.policy_changed",
        obj=policy,
        entity=entity,
        message=gettext_noop("Budget rules of %(entity)s changed"),
        params={"entity": entity.name},
    )
    return policy
