"""Reads of expense claims for pages and the API, always from the permission layer: a claim
exists for a user only through an activity they may see (members: their activities; advisors:
their offices' members; accountants, support and administrators: their entities)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from compagnon import permissions
from compagnon.members.models import Activity, Member

from .models import ClaimState, ExpenseClaim, ExpenseVat, MemberBankAccount


def claims(user) -> QuerySet[ExpenseClaim]:
    return permissions.scoped_by_activity(user, ExpenseClaim.objects.all())


def claim_list(user, *, activity_id=None, state=None, mine=False) -> QuerySet[ExpenseClaim]:
    qs = claims(user).select_related("activity", "member__user", "payout_line__batch", "client")
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    if mine:
        qs = qs.filter(member__user_id=user.pk)
    if state == ClaimState.PAID:
        qs = qs.filter(state=ClaimState.APPROVED, payout_line__active=True, payout_line__batch__state="sent")
    elif state == ClaimState.APPROVED:
        qs = qs.filter(state=ClaimState.APPROVED).exclude(payout_line__active=True, payout_line__batch__state="sent")
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-date", "-id")


def claim_detail(user, pk: int) -> ExpenseClaim:
    return (claims(user).select_related("activity", "entity", "member__user", "client", "payout_line__batch",
                                        "duplicate_of", "decided_by", "entry__journal")
            .prefetch_related(Prefetch("vat_lines", queryset=ExpenseVat.objects.order_by("-rate")))
            .get(pk=pk))


def review_queue(user, *, office_id=None) -> QuerySet[ExpenseClaim]:
    """Submitted claims this user may decide: their offices' members (advisors), their entities'
    (accountants, administrators); their own claims never."""
    scope = permissions.scope_for(user)
    q = Q(member__office_id__in=scope.advisor_offices) | Q(entity_id__in=permissions.money_entities(user))
    qs = (claims(user).filter(q, state=ClaimState.SUBMITTED).exclude(member__user_id=user.pk)
          .select_related("activity", "member__user", "member__office", "duplicate_of")
          .prefetch_related("vat_lines"))
    if office_id is not None:
        qs = qs.filter(member__office_id=office_id)
    return qs.order_by("member__office__name", "submitted_at", "id")


def review_offices(user):
    return permissions.offices(user).order_by("name")


def my_activities(user) -> QuerySet[Activity]:
    scope = permissions.scope_for(user)
    return permissions.activities(user).filter(memberships__member_id=scope.member_id).distinct().order_by("name")


def activity(user, pk: int) -> Activity:
    return permissions.activities(user).select_related("entity").get(pk=pk)


def clients_of(user, activity_id: int):
    from compagnon.clients.models import Client

    return permissions.scoped_by_activity(user, Client.objects.filter(activity_id=activity_id)).order_by("name")


def my_bank_account(user) -> MemberBankAccount | None:
    return MemberBankAccount.objects.filter(member__user_id=user.pk).select_related("member").first()


def bank_accounts_to_validate(user) -> QuerySet[MemberBankAccount]:
    scope = permissions.scope_for(user)
    q = Q(member__office_id__in=scope.advisor_offices) | Q(member__entity_id__in=permissions.money_entities(user))
    return (MemberBankAccount.objects.filter(q, member__in=permissions.members(user), validated_at__isnull=True)
            .exclude(member__user_id=user.pk).select_related("member__user"))


def member_of(user) -> Member | None:
    return Member.objects.filter(user_id=user.pk).select_related("entity").first()
