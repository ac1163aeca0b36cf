"""Every state change of contracts, salary requests and payroll months. Keyword-only; one
transaction each; the permission checked again here (``require``); audited.

submitted --approve--> approved --cut-off--> frozen --journal posted--> posted --net paid--> paid
         \\--refuse--> refused      (the member may cancel while it waits for approval)

A request asks for an amount *taken from the activity's budget*, i.e. at employer cost; it must
fit in what the budget allows now (``budget.services.limit_for``: available year to date, the
member's share in a collective) minus the member's other requests on that activity not yet
posted. A salary needs an employment contract covering the month: in France a CESA (a CAPE pays
no salary), in Belgium an employment contract.
"""

from __future__ import annotations

import calendar
import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.budget.services import limit_for
from compagnon.core.services import require
from compagnon.members.models import Activity, Member

from . import rules, simulation  # noqa: F401 - rules registers the permissions
from .models import (
    KINDS_OF,
    OPEN_STATES,
    SALARIED,
    Contract,
    Employee,
    PayrollMonth,
    PayrollSettings,
    RequestState,
    SalaryRequest,
)

ZERO = Decimal("0")
MAX_AMOUNT = Decimal("1000000.00")
MONTHS_AHEAD = 2


def first_day(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def parse_month(value) -> datetime.date | None:
    """"2026-03" or a date → the first day of that month; None if it is not one."""
    if isinstance(value, datetime.date):
        return first_day(value)
    try:
        return datetime.date.fromisoformat(f"{str(value).strip()[:7]}-01")
    except (TypeError, ValueError):
        return None


def settings_for(entity) -> PayrollSettings:
    return PayrollSettings.objects.filter(entity=entity).first() or PayrollSettings(entity=entity)


def cutoff_date(entity, month: datetime.date) -> datetime.date:
    return month.replace(day=settings_for(entity).cutoff_day)


def is_frozen(entity, month: datetime.date) -> bool:
    return PayrollMonth.objects.filter(entity=entity, month=month, frozen_at__isnull=False).exists()


def employee_id_of(member: Member) -> str:
    found = Employee.objects.filter(member=member).values_list("employee_id", flat=True).first()
    return found or member.number


def _decimal(value, field, errors, *, minimum=ZERO, maximum=MAX_AMOUNT):
    if value in (None, ""):
        errors[field] = [_("This field is required.")]
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        errors[field] = [_("Type a number, e.g. 1500.00.")]
        return None
    if not number.is_finite() or number < minimum or number > maximum:
        errors[field] = [_("Type a number from %(min)s to %(max)s.") % {"min": minimum, "max": maximum}]
        return None
    if number != number.quantize(Decimal("0.01")):
        errors[field] = [_("At most 2 decimals.")]
        return None
    return number


# --- the employee ------------------------------------------------------------------------------


@transaction.atomic
def save_employee(*, actor, member: Member, employee_id: str | None = None, withholding_rate=None,
                  children=None) -> Employee:
    """The member sets their withholding rate and children; accountants also the employee id."""
    require(actor, "payroll.change_employee", member)
    employee = Employee.objects.select_for_update().filter(member=member).first() or Employee(
        member=member, entity_id=member.entity_id, employee_id=member.number)
    errors: dict = {}
    if employee_id is not None and employee_id.strip() != employee.employee_id:
        if member.entity_id not in permissions.money_entities(actor):
            errors["employee_id"] = [_("Only the bookkeeping staff change the employee id.")]
        elif Employee.objects.filter(entity_id=member.entity_id, employee_id=employee_id.strip()).exclude(
                member=member).exists():
            errors["employee_id"] = [_("Another employee already has the id %(id)s.") % {"id": employee_id.strip()}]
        elif not employee_id.strip():
            errors["employee_id"] = [_("This field is required.")]
        else:
            employee.employee_id = employee_id.strip()[:30]
    if withholding_rate not in (None, ""):
        rate = _decimal(withholding_rate, "withholding_rate", errors, maximum=Decimal("60"))
        if rate is not None:
            employee.withholding_rate = rate
    if children not in (None, ""):
        try:
            count = int(children)
        except (TypeError, ValueError):
            count = -1
        if not 0 <= count <= 20:
            errors["children"] = [_("Give a number of children from 0 to 20.")]
        else:
            employee.children = count
    if errors:
        raise ValidationError(errors)
    employee.save()
    record(actor=actor, action="payroll.employee_saved", obj=employee, entity=member.entity, member=member,
           message=gettext_noop("Payroll details of %(member)s saved (employee id %(id)s)."),
           params={"member": str(member), "id": employee.employee_id})
    return employee


# --- contracts ---------------------------------------------------------------------------------


@transaction.atomic
def add_contract(*, actor, member: Member, kind: str, start, end=None, activity: Activity | None = None,
                 reference: str = "", hours_per_month=None, note: str = "") -> Contract:
    require(actor, "payroll.manage_contract", member)
    Member.objects.select_for_update().filter(pk=member.pk).first()
    country = member.entity.jurisdiction
    errors: dict = {}
    if kind not in KINDS_OF.get(country, ()):
        errors["kind"] = [_("Choose a contract of this country: %(kinds)s.")
                          % {"kinds": ", ".join(str(k.label) for k in KINDS_OF.get(country, ()))}]
    if not isinstance(start, datetime.date):
        errors["start"] = [_("Give the first day of the contract.")]
    elif end is not None and end < start:
        errors["end"] = [_("The contract ends before it starts.")]
    if activity is not None and not activity.memberships.filter(member=member).exists():
        errors["activity"] = [_("%(member)s does not work in %(activity)s.") % {"member": member, "activity": activity}]
    hours = None
    if hours_per_month not in (None, ""):
        hours = _decimal(hours_per_month, "hours_per_month", errors, maximum=Decimal("400"))
    if not errors and kind in ("cape", "cesa"):
        # the French path: one contract at a time (a CESA ends the CAPE that was running)
        for other in Contract.objects.filter(member=member, kind__in=("cape", "cesa")):
            if other.end is None or other.end >= start:
                if other.kind == "cape" and kind == "cesa" and other.start < start:
                    other.end = start - datetime.timedelta(days=1)
                    other.save(update_fields=["end"])
                elif end is None or end >= other.start:
                    errors["start"] = [_("%(contract)s from %(start)s is still running: end it first.")
                                       % {"contract": other.get_kind_display(), "start": other.start.isoformat()}]
                    break
    if errors:
        raise ValidationError(errors)
    contract = Contract.objects.create(entity_id=member.entity_id, member=member, activity=activity, kind=kind,
                                       reference=(reference or "").strip()[:60], start=start, end=end,
                                       hours_per_month=hours, note=(note or "").strip()[:300], created_by=actor)
    record(actor=actor, action="payroll.contract_added", obj=contract, entity=member.entity, member=member,
           message=gettext_noop("%(contract)s of %(member)s recorded from %(start)s."),
           params={"contract": contract.get_kind_display(), "member": str(member), "start": start})
    return contract


@transaction.atomic
def end_contract(*, actor, contract: Contract, end: datetime.date) -> Contract:
    contract = Contract.objects.select_for_update().select_related("member").get(pk=contract.pk)
    require(actor, "payroll.manage_contract", contract.member)
    if not isinstance(end, datetime.date) or end < contract.start:
        raise ValidationError({"end": _("The contract ends before it starts.")})
    contract.end = end
    contract.save(update_fields=["end"])
    record(actor=actor, action="payroll.contract_ended", obj=contract, entity=contract.member.entity,
           member=contract.member, message=gettext_noop("%(contract)s of %(member)s ends on %(end)s."),
           params={"contract": contract.get_kind_display(), "member": str(contract.member), "end": end})
    return contract


def salaried_contract(member: Member, month: datetime.date) -> Contract | None:
    for contract in Contract.objects.filter(member=member, kind__in=SALARIED).order_by("-start"):
        if contract.covers(month, last_day(month)):
            return contract
    return None


# --- simulation and requests -------------------------------------------------------------------


def simulate_for(member: Member | None, entity, month: datetime.date, **amounts) -> simulation.Simulation:
    """The simulation with the member's own withholding rate and children (when known)."""
    employee = Employee.objects.filter(member=member).first() if member else None
    kw = dict(amounts)
    if employee is not None:
        kw.setdefault("withholding_rate", employee.withholding_rate)
        kw.setdefault("children", employee.children)
    kw = {k: v for k, v in kw.items() if v not in (None, "")}
    return simulation.simulate(entity.jurisdiction, month.year, **kw)


def room_for(member: Member, activity: Activity, *, excluding: int | None = None) -> Decimal:
    """What the member may still ask from ``activity``: the budget's limit minus their requests
    on it that are not in the books yet."""
    pending = SalaryRequest.objects.filter(member=member, activity=activity, state__in=OPEN_STATES)
    if excluding:
        pending = pending.exclude(pk=excluding)
    taken = pending.aggregate(s=Sum("employer_cost"))["s"] or ZERO
    return max(limit_for(member.pk, activity) - taken, ZERO)


def _audit(*, actor, request: SalaryRequest, action: str, message: str, params=None):
    record(actor=actor, action=f"salary_request.{action}", obj=request, message=message,
           params={"request": request.pk, "month": request.month.strftime("%Y-%m"),
                   "amount": str(request.employer_cost), **(params or {})},
           entity=request.entity, member=request.member, activity=request.activity)


@transaction.atomic
def request_salary(*, actor, activity: Activity, month, employer_cost=None, net=None, hours=None,
                   expenses=None, note: str = "") -> SalaryRequest:
    """Ask for a salary for ``month`` out of ``activity``'s budget: an amount taken from the
    budget (``employer_cost``) or a wanted ``net`` (turned into the employer cost by the
    simulation)."""
    require(actor, "payroll.request", activity)
    member = Member.objects.select_for_update().select_related("entity").filter(user_id=actor.pk).first()
    if member is None:
        raise ValidationError({"activity": _("Only members ask for a salary.")})
    errors: dict = {}
    month = parse_month(month)
    today = timezone.localdate()
    entity = activity.entity
    if month is None:
        errors["month"] = [_("Choose the month.")]
    else:
        this_month = first_day(today)
        if month < this_month:
            errors["month"] = [_("This month is over: ask for this month or a coming one.")]
        elif month > first_day(this_month + datetime.timedelta(days=31 * MONTHS_AHEAD)):
            errors["month"] = [_("Ask at most two months ahead.")]
        elif is_frozen(entity, month) or (month == this_month and today > cutoff_date(entity, month)):
            errors["month"] = [_("The payroll of %(month)s is closed (cut-off on the %(day)s): ask for next month.")
                               % {"month": month.strftime("%m/%Y"), "day": settings_for(entity).cutoff_day}]
        elif salaried_contract(member, month) is None:
            errors["month"] = [_("You have no employment contract for %(month)s (in France a CESA): ask your "
                                 "advisor.") % {"month": month.strftime("%m/%Y")}]
        elif SalaryRequest.objects.filter(member=member, activity=activity, month=month,
                                          state__in=[*OPEN_STATES, RequestState.POSTED, RequestState.PAID]).exists():
            errors["month"] = [_("You already asked for a salary from %(activity)s for this month: cancel that "
                                 "request to ask again.") % {"activity": activity.name}]
    if (employer_cost in (None, "")) == (net in (None, "")):
        errors["employer_cost"] = [_("Give the amount to take from your budget, or the net you want.")]
        cost = wanted = None
    else:
        cost = _decimal(employer_cost, "employer_cost", errors) if employer_cost not in (None, "") else None
        wanted = _decimal(net, "net", errors) if net not in (None, "") else None
    hours_value = _decimal(hours, "hours", errors, maximum=Decimal("400")) if hours not in (None, "") else None
    extra = _decimal(expenses, "expenses", errors) if expenses not in (None, "") else ZERO
    if errors:
        raise ValidationError(errors)
    sim = simulate_for(member, entity, month, employer_cost=cost, net=wanted, hours=hours_value)
    if sim.employer_cost <= 0:
        raise ValidationError({"employer_cost": _("The amount must be more than 0.")})
    room = room_for(member, activity)
    if sim.employer_cost > room:
        raise ValidationError({"employer_cost": _(
            "%(activity)s can pay at most %(room)s € of salary now (employer cost): what its budget allows, "
            "less your requests not yet paid.") % {"activity": activity.name, "room": f"{room:.2f}"}})
    request = SalaryRequest.objects.create(
        entity=entity, member=member, activity=activity, month=month, employer_cost=sim.employer_cost,
        gross=sim.gross, net=sim.net, hours=hours_value, expenses=extra, note=(note or "").strip()[:300],
        created_by=actor)
    _audit(actor=actor, request=request, action="submitted",
           message=gettext_noop("Salary request %(request)s for %(month)s: %(amount)s EUR from the budget."))
    return request


def _lock(request: SalaryRequest) -> SalaryRequest:
    return SalaryRequest.objects.select_for_update(of=("self",)).select_related(
        "member", "entity", "activity").get(pk=request.pk)


@transaction.atomic
def cancel_request(*, actor, request: SalaryRequest) -> SalaryRequest:
    request = _lock(request)
    if request.member.user_id != actor.pk:
        require(actor, "payroll.decide", request)
    if request.state not in (RequestState.SUBMITTED, RequestState.APPROVED) or is_frozen(request.entity, request.month):
        raise ValidationError({"state": _("This request is %(state)s: it can no longer be cancelled.")
                               % {"state": request.get_state_display()}})
    request.state = RequestState.CANCELLED
    request.save(update_fields=["state"])
    _audit(actor=actor, request=request, action="cancelled",
           message=gettext_noop("Salary request %(request)s for %(month)s cancelled."))
    return request


def _decidable(actor, request) -> SalaryRequest:
    request = _lock(request)
    require(actor, "payroll.decide", request)
    if request.state != RequestState.SUBMITTED:
        raise ValidationError({"state": _("This request is %(state)s: only a request waiting for approval can be "
                                          "decided.") % {"state": request.get_state_display()}})
    return request


@transaction.atomic
def approve_request(*, actor, request: SalaryRequest) -> SalaryRequest:
    request = _decidable(actor, request)
    if is_frozen(request.entity, request.month):
        raise ValidationError({"state": _("The payroll of %(month)s is frozen: the member asks again for next month.")
                               % {"month": request.month.strftime("%m/%Y")}})
    room = room_for(request.member, request.activity, excluding=request.pk)
    if request.employer_cost > room:
        raise ValidationError({"state": _("The budget of %(activity)s no longer allows %(amount)s € (at most "
                                          "%(room)s € now).") % {"activity": request.activity.name,
                                                                 "amount": f"{request.employer_cost:.2f}",
                                                                 "room": f"{room:.2f}"}})
    request.state, request.decided_at, request.decided_by = RequestState.APPROVED, timezone.now(), actor
    request.save(update_fields=["state", "decided_at", "decided_by"])
    _audit(actor=actor, request=request, action="approved",
           message=gettext_noop("Salary request %(request)s for %(month)s approved."))
    return request


@transaction.atomic
def refuse_request(*, actor, request: SalaryRequest, reason: str) -> SalaryRequest:
    request = _decidable(actor, request)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tell the member why, in a sentence they can act on.")})
    request.state, request.refusal_reason = RequestState.REFUSED, reason[:2000]
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save(update_fields=["state", "refusal_reason", "decided_at", "decided_by"])
    _audit(actor=actor, request=request, action="refused",
           message=gettext_noop("Salary request %(request)s refused: %(reason)s"), params={"reason": reason[:300]})
    return request


# --- the month: cut-off and variables ----------------------------------------------------------


@transaction.atomic
def freeze_month(*, actor, entity, month) -> PayrollMonth:
    """The cut-off: the month's approved requests become what the payroll provider is told.
    Idempotent (a second run freezes only what was approved since — nothing, once frozen)."""
    if actor is not None:
        require(actor, "payroll.run", entity)
    month = parse_month(month)
    payroll_month, _created = PayrollMonth.objects.select_for_update().get_or_create(entity=entity, month=month)
    if payroll_month.frozen_at is not None:
        return payroll_month
    count = SalaryRequest.objects.filter(entity=entity, month=month, state=RequestState.APPROVED).update(
        state=RequestState.FROZEN)
    payroll_month.frozen_at, payroll_month.frozen_by = timezone.now(), actor
    payroll_month.save(update_fields=["frozen_at", "frozen_by"])
    record(actor=actor, action="payroll.month_frozen", obj=payroll_month, entity=entity,
           message=gettext_noop("Payroll of %(month)s frozen: %(count)s salary requests sent to payroll."),
           params={"month": month.strftime("%Y-%m"), "count": count})
    return payroll_month


def freeze_due(today: datetime.date | None = None) -> list[PayrollMonth]:
    """The scheduler's job (``manage.py payroll_cutoff``): freeze every month whose cut-off day
    has passed. Idempotent."""
    from compagnon.organisation.models import Entity

    today = today or timezone.localdate()
    month = first_day(today)
    done = []
    for entity in Entity.objects.all():
        if today > cutoff_date(entity, month) and not is_frozen(entity, month):
            done.append(freeze_month(actor=None, entity=entity, month=month))
    return done


VARIABLE_COLUMNS = ["month", "employee_id", "member_number", "last_name", "first_name", "activity_id",
                    "activity_name", "contract", "request_id", "employer_cost", "gross", "hours", "expenses",
                    "note"]


def variables_rows(entity, month: datetime.date):
    """One row per frozen request (member and activity) of the month, by employee id."""
    employees = dict(Employee.objects.filter(entity=entity).values_list("member_id", "employee_id"))
    contracts: dict[int, str] = {}
    for member_id, kind, end in Contract.objects.filter(
            entity=entity, kind__in=SALARIED, start__lte=last_day(month)).values_list(
            "member_id", "kind", "end").order_by("start"):
        if end is None or end >= month:
            contracts[member_id] = kind
    qs = (SalaryRequest.objects.filter(entity=entity, month=month,
                                       state__in=[RequestState.FROZEN, RequestState.POSTED, RequestState.PAID])
          .values_list("pk", "member_id", "member__number", "member__user__last_name", "member__user__first_name",
                       "activity_id", "activity__name", "employer_cost", "gross", "hours", "expenses", "note")
          .order_by("member__number", "activity_id", "pk"))
    for pk, member_id, number, last, first, activity_id, activity_name, cost, gross, hours, extra, note in qs.iterator(
            chunk_size=2000):
        yield [month.strftime("%Y-%m"), employees.get(member_id) or number, number, last, first, activity_id,
               activity_name, contracts.get(member_id, ""), pk, f"{cost:.2f}", f"{gross:.2f}",
               f"{hours:.2f}" if hours is not None else "", f"{extra:.2f}", note]


@transaction.atomic
def export_variables(*, actor, entity, month) -> bytes:
    """The payroll variables file of the month (docs/payroll.md, "Variables file"); the month must
    be frozen first."""
    require(actor, "payroll.run", entity)
    month = parse_month(month)
    payroll_month = PayrollMonth.objects.select_for_update().filter(entity=entity, month=month).first()
    if payroll_month is None or payroll_month.frozen_at is None:
        raise ValidationError({"month": _("Freeze the payroll of %(month)s first (the cut-off).")
                               % {"month": month.strftime("%m/%Y")}})
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(VARIABLE_COLUMNS)
    count = 0
    for row in variables_rows(entity, month):
        writer.writerow(row)
        count += 1
    payroll_month.exported_at = timezone.now()
    payroll_month.save(update_fields=["exported_at"])
    record(actor=actor, action="payroll.variables_exported", obj=payroll_month, entity=entity,
           message=gettext_noop("Payroll variables of %(month)s exported: %(count)s lines."),
           params={"month": month.strftime("%Y-%m"), "count": count})
    return out.getvalue().encode("utf-8")
