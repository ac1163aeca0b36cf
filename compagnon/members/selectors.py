"""Reads of members and activities. Every function starts from the permission layer."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from compagnon import permissions
from compagnon.audit.models import AuditEvent
from compagnon.core.collation import by_name

from .models import Activity, ActivityMembership, ActivityStatus, Member, MemberStatus

MEMBER_LIST_RELATED = ["user", "office", "entity", "advisor"]


def member_list(
    user,
    *,
    search: str = "",
    status: str = "",
    office_id: int | None = None,
    maturity: str = "",
    entity_id: int | None = None,
) -> QuerySet[Member]:
    qs = permissions.members(user).select_related(*MEMBER_LIST_RELATED).prefetch_related("trades")
    if search:
        terms = Q()
        for word in search.split()[:5]:
            terms &= (
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(number__icontains=word)
                | Q(city__icontains=word)
            )
        qs = qs.filter(terms)
    if status:
        qs = qs.filter(status=status)
    if maturity:
        qs = qs.filter(maturity=maturity)
    if office_id:
        qs = qs.filter(office_id=office_id)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.order_by(*by_name("user__last_name", "user__first_name"), "id")


def member_detail(user, pk: int) -> Member:
    """The member if visible to ``user``; raises Member.DoesNotExist otherwise (views turn it into 404)."""
    return (
        permissions.members(user)
        .select_related(*MEMBER_LIST_RELATED)
        .prefetch_related(
            "trades",
            "status_changes__changed_by",
            Prefetch(
                "activity_memberships",
                queryset=ActivityMembership.objects.select_related("activity__trade"),
            ),
        )
        .get(pk=pk)
    )


def activity_list(user, *, search: str = "", status: str = "") -> QuerySet[Activity]:
    qs = (
        permissions.activities(user)
        .select_related("trade", "entity")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=ActivityMembership.objects.select_related("member__user")
            )
        )
    )
    if search:
        qs = qs.filter(name__icontains=search)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "id")


def activity_detail(user, pk: int) -> Activity:
    return (
        permissions.activities(user)
        .select_related("trade", "entity")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ActivityMembership.objects.select_related(
                    "member__user", "member__office"
                ),
            )
        )
        .get(pk=pk)
    )


def my_memberships(user) -> list[ActivityMembership]:
    scope = permissions.scope_for(user)
    if not scope.is_member:
        return []
    memberships = list(
        ActivityMembership.objects.filter(member_id=scope.member_id)
        .select_related("activity__trade")
        .annotate(colleagues=Count("activity__memberships"))
        .order_by("activity__status", "activity__name")
    )
    permissions.remember_memberships(user, memberships)  # all of them: not read again this request
    return memberships


def history(user, *, member=None, activity=None, limit: int = 20) -> list[AuditEvent]:
    qs = permissions.audit_events(user).select_related("actor")
    if member is not None:
        qs = qs.filter(member=member)
    if activity is not None:
        qs = qs.filter(activity=activity)
    return list(qs[:limit])


# --- home dashboards ---------------------------------------------------------------------------


def member_attention(user, member: Member, memberships: list[ActivityMembership]) -> list[dict]:
    """What needs this member's attention, most important first. Each item: text + link name + arg."""
    items = []
    if member.status == MemberStatus.APPLICANT:
        items.append(
            {
                "level": "info",
                "text": _(
                    "Your application is being reviewed by your advisor. Next step: your contract."
                ),
                "url": ("member-detail", member.pk),
            }
        )
    if not memberships:
        items.append(
            {
                "level": "action",
                "text": _("Open your first activity to start quoting and invoicing."),
                "url": ("activity-create", None),
            }
        )
    for m in memberships:
        a = m.activity
        if a.status != ActivityStatus.ACTIVE or m.role != "holder":
            continue
        if not a.logo or not a.letterhead:
            items.append(
                {
                    "level": "action",
                    "text": _(
                        "Add your logo and letterhead to %(name)s: they appear on your quotes and invoices."
                    )
                    % {"name": a.name},
                    "url": ("activity-settings", a.pk),
                }
            )
    if not member.user.phone or not member.city or not member.trades.exists():
        items.append(
            {
                "level": "action",
                "text": _(
                    "Complete your profile (phone, city, trades) so colleagues and advisors can reach you."
                ),
                "url": ("profile", None),
            }
        )
    return items


def counted_status(status: str, n: int) -> str:
    """A member status after a count, singular or plural as the language wants."""
    return {
        MemberStatus.APPLICANT: npgettext("members counted by status", "applicant", "applicants", n),
        MemberStatus.CONTRACT: npgettext("members counted by status", "under contract", "under contract", n),
        MemberStatus.ASSOCIATE: npgettext("members counted by status", "associate", "associates", n),
        MemberStatus.LEFT: npgettext("members counted by status", "left", "left", n),
    }[status]


def advisor_dashboard(user, *, search: str = "", status: str = "", page_size: int = 25) -> dict:
    scope = permissions.scope_for(user)
    mine = permissions.members(user).filter(office_id__in=scope.advisor_offices)
    counts = {
        row["status"]: row["n"] for row in mine.values("status").annotate(n=Count("id")).order_by()
    }
    stale = timezone.localdate() - datetime.timedelta(days=30)
    waiting = mine.filter(status=MemberStatus.APPLICANT, status_since__lte=stale).count()
    no_activity = (
        mine.exclude(status=MemberStatus.LEFT).filter(activity_memberships__isnull=True).count()
    )
    return {
        "counts": [(s.value, s.label, counts.get(s.value, 0)) for s in MemberStatus],
        # the same, labelled for the number before it ("6 candidat·es", "1 candidat·e")
        "counted": [(s.value, counted_status(s.value, counts.get(s.value, 0)), counts.get(s.value, 0))
                    for s in MemberStatus],
        "total": sum(counts.values()),
        "waiting": waiting,
        "no_activity": no_activity,
        "followed": member_list(user, search=search, status=status).filter(
            office_id__in=scope.advisor_offices
        ),
    }


def entity_dashboard(user) -> list[dict]:
    """For accountants and administrators: per entity, members by status, activities, offices."""
    scope = permissions.scope_for(user)
    ids = scope.accountant_entities | scope.admin_entities
    out = []
    entities = permissions.entities(user).filter(id__in=ids).order_by("name")
    active_activities = dict(
        Activity.objects.filter(entity_id__in=ids, status=ActivityStatus.ACTIVE)
        .values_list("entity_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    member_counts: dict[int, dict[str, int]] = {}
    for row in (
        Member.objects.filter(entity_id__in=ids)
        .values("entity_id", "status")
        .annotate(n=Count("*"))
        .order_by()
    ):
        member_counts.setdefault(row["entity_id"], {})[row["status"]] = row["n"]
    office_counts = {}
    for row in (
        Member.objects.filter(entity_id__in=ids)
        .exclude(status=MemberStatus.LEFT)
        .values("office_id")
        .annotate(n=Count("*"))
        .order_by()
    ):
        office_counts[row["office_id"]] = row["n"]
    offices = permissions.offices(user).filter(entity_id__in=ids)
    for e in entities:
        mc = member_counts.get(e.pk, {})
        out.append(
            {
                "entity": e,
                "members": [(s.label, mc.get(s.value, 0)) for s in MemberStatus],
                "active_activities": active_activities.get(e.pk, 0),
                "offices": [
                    (o, office_counts.get(o.pk, 0)) for o in offices if o.entity_id == e.pk
                ],
                "is_admin": e.pk in scope.admin_entities,
            }
        )
    return out
