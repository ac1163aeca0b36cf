"""Surplus sharing: the year's result distributed by the rules voted, simulated then posted.

Reads (no user; callers check the entity first):

* ``year_result(entity, year)`` — income − expenses of the year: every line of classes 7 and 6
  dated in the year (the year-end closing does not post to classes 6/7, so this is the same
  before and after it);
* ``capital_days(entity, year)`` — each associate's paid-up capital weighted by the days it was
  held in the year (from the register's movements);
* ``worker_bases(entity, year, split)`` — who shares the workers' part and on what basis: the
  gross salary of the year's pay lines (payroll, read through the app registry when installed),
  or equal parts among the members under contract or associates (and those who left since the
  year began).

Services (entity administrators, one transaction, audited): ``save_rules``, ``simulate`` (a
draft per year, replaced when simulated again) and ``post`` (one balanced entry through
``ledger.services.post_entry``; then immutable).

Order of the parts (French SCOP/CAE practice, configurable): legal reserve (15 % until it equals
the capital), statutory/development reserve, workers' share (≥ 25 % in a SCOP), interest on
paid-up shares (rate ≤ cap; in a SCOP at most the workers' share and at most the reserves), the
rest to a free reserve. Each part is rounded half-up to the cent and the free reserve takes what
is left, so the parts always sum to the result; the workers' and associates' shares are split by
the largest remainder, so they sum to their part exactly.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core import formatting
from compagnon.core.formatting import money as format_money
from compagnon.core.services import require
from compagnon.ledger.models import Account, AccountKind, EntryLine
from compagnon.ledger.services import LineSpec, current_lock, ensure_chart, post_entry
from compagnon.members.models import Member, MemberStatus

from . import register
from .models import (
    AllocationState,
    Associate,
    DistributionRules,
    MovementKind,
    Resolution,
    ShareMovement,
    SurplusAllocation,
    WorkerSplit,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
K = MovementKind
ENTRY_KIND = "surplus_allocation"

# code, English msgid of the name, kind — created in the entity's chart when first needed
ACCOUNTS = {
    "FR": {
        "result": ("120", gettext_noop("Result for the year (profit)"), AccountKind.EQUITY),
        "legal_reserve": ("1061", gettext_noop("Legal reserve"), AccountKind.EQUITY),
        "statutory_reserve": ("1063", gettext_noop("Statutory reserves"), AccountKind.EQUITY),
        "free_reserve": ("1068", gettext_noop("Other reserves"), AccountKind.EQUITY),
        "share_interest": ("457", gettext_noop("Associates – dividends payable"), AccountKind.LIABILITY),
        "worker_share": ("424", gettext_noop("Employees – profit-sharing"), AccountKind.LIABILITY),
    },
    "BE": {
        "result": ("14", gettext_noop("Profit (loss) carried forward"), AccountKind.EQUITY),
        "legal_reserve": ("130", gettext_noop("Legal reserve"), AccountKind.EQUITY),
        "statutory_reserve": ("131", gettext_noop("Statutory reserves"), AccountKind.EQUITY),
        "free_reserve": ("133", gettext_noop("Available reserves"), AccountKind.EQUITY),
        "share_interest": ("471", gettext_noop("Dividends for the year"), AccountKind.LIABILITY),
        "worker_share": ("473", gettext_noop("Other allocations (workers' profit-sharing)"), AccountKind.LIABILITY),
    },
}
PART_LABELS = {
    "legal_reserve": gettext_noop("Legal reserve"),
    "statutory_reserve": gettext_noop("Statutory or development reserve"),
    "worker_share": gettext_noop("Workers' profit-sharing"),
    "share_interest": gettext_noop("Interest on shares"),
    "free_reserve": gettext_noop("Free reserve"),
}


def _round(x: Decimal) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(amount: Decimal, rate: Decimal) -> Decimal:
    return _round(amount * rate / HUNDRED)


def split(total: Decimal, weights: dict) -> dict:
    """``total`` cut in proportion to ``weights`` ({key: weight ≥ 0}), to the cent, summing to
    ``total`` exactly (largest remainder; ties go to the smaller key)."""
    weights = {k: Decimal(w) for k, w in weights.items() if w and Decimal(w) > 0}
    out = dict.fromkeys(weights, ZERO)
    base = sum(weights.values(), Decimal("0"))
    if not weights or total <= 0 or base <= 0:
        return out
    cents = int((total / CENT).to_integral_value())
    exact = {k: Decimal(cents) * w / base for k, w in weights.items()}
    floors = {k: int(v.to_integral_value(rounding=ROUND_DOWN)) for k, v in exact.items()}
    left = cents - sum(floors.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - floors[k]), str(k)))[:left]:
        floors[k] += 1
    return {k: Decimal(v) * CENT for k, v in floors.items()}


# --- reads -------------------------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def year_result(entity, year: int) -> Decimal:
    """Income − expenses of ``year`` (classes 7 and 6), one query."""
    start, end = _year_bounds(year)
    rows = (
        EntryLine.objects.filter(journal__entity=entity, date__gte=start, date__lte=end)
        .filter(Q(account__code__startswith="6") | Q(account__code__startswith="7"))
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    return _round(sum(((r["c"] or ZERO) - (r["d"] or ZERO) for r in rows), ZERO))


def _balance(entity, code: str) -> Decimal:
    """Credit balance of account ``code`` over every year (closing and opening cancel out)."""
    got = EntryLine.objects.filter(journal__entity=entity, account__code=code).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return _round((got["c"] or ZERO) - (got["d"] or ZERO))


def capital_days(entity, year: int) -> dict[int, Decimal]:
    """{associate id: paid-up capital weighted by the days it was held in ``year``} (one query)."""
    start, end = _year_bounds(year)
    days_in_year = Decimal(366 if calendar.isleap(year) else 365)
    changes: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    rows = ShareMovement.objects.filter(entity=entity, date__lte=end).values_list(
        "associate_id", "counterpart_id", "kind", "date", "amount"
    )
    for associate_id, counterpart_id, kind, date, amount in rows:
        if kind == K.PAYMENT:
            changes[associate_id].append((date, amount))
        elif kind in (K.WITHDRAWAL, K.TRANSFER):
            changes[associate_id].append((date, -amount))
            if kind == K.TRANSFER and counterpart_id:
                changes[counterpart_id].append((date, amount))
    out = {}
    for associate_id, moves in changes.items():
        balance, weighted, day = ZERO, Decimal("0"), start
        for date, amount in sorted(moves, key=lambda m: m[0]):
            if date > day:
                weighted += balance * (date - day).days
                day = date
            balance += amount
        weighted += balance * ((end - day).days + 1)
        average = weighted / days_in_year
        if average > 0:
            out[associate_id] = average
    return out


def worker_bases(entity, year: int, split_rule: str) -> tuple[str, dict[int, Decimal]]:
    """(split actually used, {member id: basis}). By salary when payroll knows the gross paid in
    the year; otherwise, or when the rules say so, equal parts among the members under contract
    or associates (and those who left during or after the year). Membership is not dated here:
    the administrator checks the list on the simulation before posting."""
    start, end = _year_bounds(year)
    if split_rule == WorkerSplit.SALARY and apps.is_installed("compagnon.payroll"):
        PayLine = apps.get_model("payroll", "PayLine")
        rows = (
            PayLine.objects.filter(entity=entity, month__gte=start, month__lte=end)
            .values("member_id")
            .annotate(g=Sum("gross"))
            .order_by()
        )
        bases = {r["member_id"]: r["g"] for r in rows if r["g"] and r["g"] > 0}
        if bases:
            return WorkerSplit.SALARY, bases
    members = Member.objects.filter(entity=entity).filter(
        Q(status__in=[MemberStatus.CONTRACT, MemberStatus.ASSOCIATE])
        | Q(status=MemberStatus.LEFT, status_since__gte=start)
    )
    return WorkerSplit.EQUAL, {pk: Decimal("1") for pk in members.values_list("pk", flat=True)}


def current_rules(entity) -> DistributionRules | None:
    return DistributionRules.objects.filter(entity=entity).select_related("resolution__assembly").first()


# --- rules -------------------------------------------------------------------------------------

RULE_FIELDS = (
    "name", "legal_reserve", "legal_reserve_until_capital", "statutory_reserve", "worker_share",
    "min_worker_share", "share_interest", "share_interest_cap", "interest_within_shares", "worker_split",
)


def check_rules(rules: DistributionRules) -> None:
    errors = {}
    for field in ("legal_reserve", "statutory_reserve", "worker_share", "min_worker_share", "share_interest", "share_interest_cap"):
        value = getattr(rules, field)
        if value is None or not ZERO <= value <= HUNDRED:
            errors[field] = _("Give a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    if rules.legal_reserve + rules.statutory_reserve + rules.worker_share > HUNDRED:
        errors["worker_share"] = _(
            "The reserves and the workers' share together may not exceed the whole result."
        )
    if rules.worker_share < rules.min_worker_share:
        errors["worker_share"] = _("The workers' share must be at least %(min)s.") % {
            "min": formatting.percent(rules.min_worker_share)
        }
    if rules.share_interest > rules.share_interest_cap:
        errors["share_interest"] = _("The interest on shares may not exceed the highest rate allowed (%(cap)s).") % {
            "cap": formatting.percent(rules.share_interest_cap)
        }
    if not (rules.name or "").strip():
        errors["name"] = _("Give the rules a name.")
    if errors:
        raise ValidationError(errors)


def adoptable_resolutions(entity):
    """Resolutions of the entity's closed assemblies that were adopted."""
    return (
        Resolution.objects.filter(assembly__entity=entity, adopted=True)
        .select_related("assembly")
        .order_by("-assembly__held_at", "number")
    )


@transaction.atomic
def save_rules(*, actor, entity, resolution=None, **values) -> DistributionRules:
    """Record a new set of rules (they become the entity's current rules)."""
    require(actor, "governance.manage_surplus", entity)
    if resolution is not None and not adoptable_resolutions(entity).filter(pk=resolution.pk).exists():
        raise ValidationError({"resolution": _("Choose a resolution of this entity that was adopted.")})
    rules = DistributionRules(entity=entity, resolution=resolution, created_by=actor, **values)
    check_rules(rules)
    rules.name = rules.name.strip()
    rules.save()
    record(
        actor=actor,
        action="governance.distribution_rules_saved",
        obj=rules,
        entity=entity,
        message=gettext_noop("Rules for sharing the surplus %(name)s recorded"),
        params={"name": rules.name},
        after={f: str(getattr(rules, f)) for f in RULE_FIELDS} | {"resolution": resolution.pk if resolution else None},
    )
    return rules


# --- simulation --------------------------------------------------------------------------------


def compute(entity, year: int, rules: DistributionRules) -> dict:
    """Every part in euros and their split; raises ValidationError for a loss or nothing."""
    result = year_result(entity, year)
    if result <= 0:
        if result < 0:
            message = _(
                "The result of %(year)s is a loss of %(amount)s: a loss cannot be distributed. "
                "The assembly carries it forward or charges it to the reserves."
            ) % {"year": year, "amount": format_money(-result)}
        else:
            message = _("The result of %(year)s is zero: there is nothing to distribute.") % {"year": year}
        raise ValidationError({"year": message})
    check_rules(rules)
    _start, end = _year_bounds(year)
    codes = ACCOUNTS.get(entity.jurisdiction, ACCOUNTS["FR"])
    nominal = register.settings_of(entity).share_nominal
    capital = sum((h.capital for h in register.holdings(entity=entity, until=end, nominal=nominal).values()), ZERO)
    legal_before = _balance(entity, codes["legal_reserve"][0])
    notes = []
    legal = _pct(result, rules.legal_reserve)
    if rules.legal_reserve_until_capital:
        room = max(ZERO, capital - legal_before)
        if legal > room:
            legal = room
            notes.append(gettext_noop("The legal reserve is capped: it now equals the capital."))
    statutory = _pct(result, rules.statutory_reserve)
    worker = _pct(result, rules.worker_share)
    # interest on paid-up shares, per associate, in proportion to the days held
    held = capital_days(entity, year)
    interest_each = {k: _pct(v, rules.share_interest) for k, v in held.items()} if rules.share_interest else {}
    interest_each = {k: v for k, v in interest_each.items() if v > 0}
    interest = sum(interest_each.values(), ZERO)
    ceiling = result - legal - statutory - worker
    if rules.interest_within_shares:
        # at most the workers' share, and at most the reserves (result − workers − interest)
        ceiling = min(ceiling, worker, ((result - worker) / 2).quantize(CENT, rounding=ROUND_DOWN))
    ceiling = max(ceiling, ZERO)
    if interest > ceiling:
        interest_each = split(ceiling, interest_each)
        interest = sum(interest_each.values(), ZERO)
        notes.append(gettext_noop("The interest on shares is reduced to the ceiling of the rules."))
    free = result - legal - statutory - worker - interest
    used_split, bases = worker_bases(entity, year, rules.worker_split)
    if rules.worker_split == WorkerSplit.SALARY and used_split == WorkerSplit.EQUAL:
        notes.append(gettext_noop("No salary is recorded for the year: the workers' share is split in equal parts."))
    worker_each = split(worker, bases)
    if worker and not worker_each:
        notes.append(gettext_noop("Nobody worked in the entity during the year: the workers' share is not split."))
    members = {
        m.pk: m for m in Member.objects.filter(pk__in=set(worker_each) | set(
            Associate.objects.filter(pk__in=interest_each).values_list("member_id", flat=True)
        )).select_related("user")
    }
    member_of = dict(Associate.objects.filter(pk__in=interest_each).values_list("pk", "member_id"))

    def person(member_id):
        m = members.get(member_id)
        return {"member": member_id, "name": str(m) if m else "", "number": m.number if m else ""}

    detail = {
        "split": used_split,
        "workers": sorted(
            ({**person(k), "basis": str(_round(bases[k])), "amount": str(v)} for k, v in worker_each.items()),
            key=lambda r: (r["number"], r["member"]),
        ),
        "associates": sorted(
            (
                {**person(member_of.get(k)), "associate": k, "capital": str(_round(held[k])), "amount": str(v)}
                for k, v in interest_each.items() if v > 0
            ),
            key=lambda r: (r["number"], r["associate"]),
        ),
        "notes": notes,
    }
    return {
        "result": result,
        "capital": _round(capital),
        "legal_reserve_before": legal_before,
        "legal_reserve": legal,
        "statutory_reserve": statutory,
        "worker_share": worker,
        "share_interest": interest,
        "free_reserve": free,
        "detail": detail,
    }


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Give a year.")}) from None
    if not 2000 <= year < timezone.localdate().year:
        raise ValidationError({"year": _("Choose a year that is over.")})
    return year


@transaction.atomic
def simulate(*, actor, entity, year: int, rules: DistributionRules | None = None) -> SurplusAllocation:
    """Compute (again) the allocation of ``year`` with ``rules`` (the current ones by default)."""
    require(actor, "governance.manage_surplus", entity)
    year = _check_year(year)
    rules = rules or current_rules(entity)
    if rules is None:
        raise ValidationError({"rules": _("Record the rules for sharing the surplus first.")})
    if rules.entity_id != entity.pk:
        raise ValidationError({"rules": _("Choose rules of this entity.")})
    existing = SurplusAllocation.objects.select_for_update().filter(entity=entity, year=year).first()
    if existing is not None and existing.posted:
        raise ValidationError({"year": _("The allocation of %(year)s is posted: it can no longer change.") % {"year": year}})
    parts = compute(entity, year, rules)
    allocation = existing or SurplusAllocation(entity=entity, year=year)
    for name, value in parts.items():
        setattr(allocation, name, value)
    allocation.rules, allocation.simulated_by = rules, actor
    allocation.save()
    record(
        actor=actor,
        action="governance.surplus_simulated",
        obj=allocation,
        entity=entity,
        message=gettext_noop("Allocation of the result of %(year)s simulated: %(amount)s"),
        params={"year": year, "amount": format_money(parts["result"])},
        after={k: str(v) for k, v in parts.items() if k != "detail"},
    )
    return allocation


# --- posting -----------------------------------------------------------------------------------


def _account(entity, name: str) -> Account:
    code, label, kind = ACCOUNTS.get(entity.jurisdiction, ACCOUNTS["FR"])[name]
    found = Account.objects.filter(entity=entity, code=code).first()
    if found is None:
        ensure_chart(entity)
        Account.objects.bulk_create([Account(entity=entity, code=code, name=label, kind=kind)], ignore_conflicts=True)
        found = Account.objects.get(entity=entity, code=code)
    return found


def lines_for(allocation: SurplusAllocation, label: str) -> list[LineSpec]:
    entity = allocation.entity
    lines = [LineSpec.dr(_account(entity, "result"), allocation.result, label=label)]
    for part in SurplusAllocation.PARTS:
        amount = getattr(allocation, part)
        if amount > 0:
            lines.append(LineSpec.cr(_account(entity, part), amount, label=_(PART_LABELS[part])))
    return lines


@transaction.atomic
def post(*, actor, allocation: SurplusAllocation, date: datetime.date | None = None) -> SurplusAllocation:
    """Post the simulated allocation: one balanced entry (misc journal), once; then immutable.
    The books of the year must be locked (closed), so its result can no longer change."""
    allocation = SurplusAllocation.objects.select_for_update().select_related("entity", "rules").get(pk=allocation.pk)
    entity = allocation.entity
    require(actor, "governance.manage_surplus", entity)
    if allocation.posted:
        raise ValidationError({"year": _("The allocation of %(year)s is already posted.") % {"year": allocation.year}})
    date = date or timezone.localdate()
    end = datetime.date(allocation.year, 12, 31)
    if not isinstance(date, datetime.date) or date <= end or date > timezone.localdate():
        raise ValidationError(
            {"date": _("Date the entry after the end of %(year)s and not in the future.") % {"year": allocation.year}}
        )
    lock = current_lock(entity)
    if lock is None or lock < end:
        raise ValidationError(
            {"year": _("The books of %(year)s are not closed yet: close the year first, so that its result can no longer change.") % {"year": allocation.year}}
        )
    fresh = compute(entity, allocation.year, allocation.rules)
    if fresh["result"] != allocation.result or any(fresh[p] != getattr(allocation, p) for p in SurplusAllocation.PARTS):
        raise ValidationError(
            {"year": _("The figures changed since the simulation: simulate again, check, then post.")}
        )
    label = _("Allocation of the result of %(year)s") % {"year": allocation.year}
    allocation.entry = post_entry(
        actor=actor,
        entity=entity,
        journal_code="misc",
        date=date,
        label=label,
        lines=lines_for(allocation, label),
        source=allocation,
        kind=ENTRY_KIND,
    )
    allocation.state, allocation.date = AllocationState.POSTED, date
    allocation.posted_by, allocation.posted_at = actor, timezone.now()
    allocation.save(update_fields=["entry", "state", "date", "posted_by", "posted_at"])
    record(
        actor=actor,
        action="governance.surplus_posted",
        obj=allocation,
        entity=entity,
        message=gettext_noop("Allocation of the result of %(year)s posted on %(date)s"),
        params={"year": allocation.year, "date": date},
        after={p: str(getattr(allocation, p)) for p in SurplusAllocation.PARTS},
    )
    return allocation
