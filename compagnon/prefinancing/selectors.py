"""Reads of advances for pages and the API, always from the permission layer: an advance exists
for a user only through an activity they may see (members: their activities; advisors: their
offices' members; accountants, support and administrators: their entities)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from compagnon import permissions
from compagnon.ledger.models import EntryLine
from compagnon.organisation.models import Entity
from compagnon.sales.models import Document, State

from . import accounts, policy
from .models import Advance, AdvanceState


def advances(user) -> QuerySet[Advance]:
    return permissions.scoped_by_activity(user, Advance.objects.all())


def advance_list(user, *, mine=False, state=None, activity_id=None) -> QuerySet[Advance]:
    qs = advances(user).select_related("activity", "member__user", "document__client", "payout_line__batch")
    if mine:
        qs = qs.filter(member__user_id=user.pk)
    if state:
        qs = qs.filter(state=state)
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-requested_at", "-id")


def advance_detail(user, pk: int) -> Advance:
    return (advances(user).select_related("activity", "entity", "member__user", "document__client",
                                          "payout_line__batch", "decided_by", "entry__journal", "loss_entry__journal")
            .prefetch_related("settlements").get(pk=pk))


def review_queue(user, *, office_id=None) -> QuerySet[Advance]:
    """Requests this user may decide: their offices' members (advisors), their entities'
    (accountants, administrators); their own never."""
    scope = permissions.scope_for(user)
    q = Q(member__office_id__in=scope.advisor_offices) | Q(entity_id__in=permissions.money_entities(user))
    qs = (advances(user).filter(q, state=AdvanceState.REQUESTED).exclude(member__user_id=user.pk)
          .select_related("activity", "member__user", "member__office", "document__client"))
    if office_id is not None:
        qs = qs.filter(member__office_id=office_id)
    return qs.order_by("member__office__name", "requested_at", "id")


def eligible_invoices(user) -> list[Document]:
    """Issued, unpaid invoices of the activities the user works in, without an advance yet."""
    scope = permissions.scope_for(user)
    if not scope.member_id:
        return []
    mine = permissions.activities(user).filter(memberships__member_id=scope.member_id)
    return list(Document.objects.filter(activity__in=mine, kind__in=policy.ELIGIBLE_KINDS, state=State.ISSUED,
                                        payment_state__in=policy.OPEN)
                .exclude(advances__state__in=[s for s in AdvanceState.values if s != AdvanceState.REFUSED])
                .select_related("client", "activity", "entity").order_by("due_date", "id")[:100])


def invoice_for(user, pk: int) -> Document:
    scope = permissions.scope_for(user)
    mine = permissions.activities(user).filter(memberships__member_id=scope.member_id)
    return Document.objects.select_related("client", "activity", "entity").get(pk=pk, activity__in=mine)


def money_entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(pk__in=permissions.money_entities(user)).order_by("name")


def fund(entity) -> dict:
    """The guarantee fund of an entity as its bookkeepers see it (the caller checked they may)."""
    lines = (EntryLine.objects.filter(entry__entity=entity, account__role=accounts.FUND)
             .select_related("entry", "account").order_by("-entry__date", "-id")[:50])
    live = Advance.objects.filter(entity=entity)
    return {
        "entity": entity,
        "balance": accounts.fund_balance(entity),
        "outstanding": accounts.outstanding_balance(entity),
        "open_count": live.filter(state=AdvanceState.APPROVED).count(),
        "lines": list(lines),
        "policy": policy.policy_for(entity),
    }


def open_advances(entity) -> QuerySet[Advance]:
    return (Advance.objects.filter(entity=entity, state=AdvanceState.APPROVED)
            .select_related("activity", "member__user", "document__client").order_by("document__due_date", "id"))


def member_for(user):
    from compagnon.members.models import Member

    return Member.objects.filter(user_id=user.pk).first()
