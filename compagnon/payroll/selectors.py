"""Reads of salaries for pages and the API, always scoped: a salary, a payslip or a contract is
seen by its member, the advisors of the member's office and the accountants and administrators of
the member's entity (``people_q``) — never by the other members of a collective activity."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from compagnon import permissions
from compagnon.members.models import Activity, Member

from .models import (
    Contract,
    Employee,
    JournalImport,
    PayLine,
    PayrollMonth,
    PayrollSettings,
    Payslip,
    PayslipBatch,
    RequestState,
    SalaryRequest,
)


def people_q(user, prefix: str = "member__") -> Q:
    scope = permissions.scope_for(user)
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}user_id": user.pk})
    if scope.advisor_offices:
        q |= Q(**{f"{prefix}office_id__in": scope.advisor_offices})
    money = permissions.money_entities(user)
    if money:
        q |= Q(**{f"{prefix}entity_id__in": money})
    return q


def requests(user) -> QuerySet[SalaryRequest]:
    return SalaryRequest.objects.filter(people_q(user)).select_related("activity", "member__user", "entity")


def request_list(user, *, mine=False, state=None, month=None) -> QuerySet[SalaryRequest]:
    qs = requests(user)
    if mine:
        qs = qs.filter(member__user_id=user.pk)
    if state:
        qs = qs.filter(state=state)
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("-month", "-id")


def request_detail(user, pk: int) -> SalaryRequest:
    return requests(user).select_related("decided_by").get(pk=pk)


def to_decide(user) -> QuerySet[SalaryRequest]:
    """Requests this user may approve: their offices' members (advisors), their entities'
    (administrators); their own never."""
    scope = permissions.scope_for(user)
    q = Q(member__office_id__in=scope.advisor_offices) | Q(entity_id__in=scope.admin_entities)
    return (requests(user).filter(q, state=RequestState.SUBMITTED).exclude(member__user_id=user.pk)
            .select_related("member__office").order_by("month", "member__office__name", "id"))


def payslips(user) -> QuerySet[Payslip]:
    return Payslip.objects.filter(people_q(user)).select_related("member__user")


def my_payslips(user) -> QuerySet[Payslip]:
    return payslips(user).filter(member__user_id=user.pk).order_by("-month", "-id")


def contracts(user) -> QuerySet[Contract]:
    return Contract.objects.filter(people_q(user)).select_related("activity", "member__user")


def contracts_of(user, member: Member) -> QuerySet[Contract]:
    return contracts(user).filter(member=member).order_by("-start", "-id")


def pay_lines(user) -> QuerySet[PayLine]:
    return PayLine.objects.filter(people_q(user)).select_related("activity", "member__user", "payout_line__batch")


def my_activities(user) -> QuerySet[Activity]:
    scope = permissions.scope_for(user)
    return (permissions.activities(user).filter(memberships__member_id=scope.member_id)
            .select_related("entity").distinct().order_by("name"))


def activity(user, pk: int) -> Activity:
    return permissions.activities(user).select_related("entity").get(pk=pk)


def member_of(user) -> Member | None:
    return Member.objects.filter(user_id=user.pk).select_related("entity").first()


def employee_of(member: Member) -> Employee | None:
    return Employee.objects.filter(member=member).first()


def run_entities(user):
    """Entities whose payroll this user runs (accountants, administrators)."""
    from compagnon.organisation.models import Entity

    return Entity.objects.filter(pk__in=permissions.money_entities(user)).order_by("name")


def run_entity(user, pk: int):
    return run_entities(user).get(pk=pk)


def month_of(entity, month: datetime.date) -> PayrollMonth | None:
    return PayrollMonth.objects.filter(entity=entity, month=month).first()


def settings_for(entity) -> PayrollSettings:
    return PayrollSettings.objects.filter(entity=entity).first() or PayrollSettings(entity=entity)


def journals(user) -> QuerySet[JournalImport]:
    return JournalImport.objects.filter(entity_id__in=permissions.money_entities(user))


def payslip_batches(user) -> QuerySet[PayslipBatch]:
    return PayslipBatch.objects.filter(entity_id__in=permissions.money_entities(user))
