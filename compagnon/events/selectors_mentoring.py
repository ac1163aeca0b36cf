"""Reads of mentoring, from the user's scope.

* offers — the open offers of the user's entity (members), all offers of the entities where they
  organise (administrators, advisors), and their own;
* requests — their own; the open ones in a trade they offer to mentor in (same entity); for the
  entity's administrators and the advisors of the asker's office, all of them;
* pairs — those they are part of; for the entity's administrators and the advisors of the
  mentee's office (who follow them), all of them.
"""

from __future__ import annotations

import calendar
import datetime

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from compagnon import permissions
from compagnon.members.models import Member, MemberStatus

from .models import MentorMeeting, MentorOffer, MentorPair, MentorRequest, MentorRequestStatus
from .rules import staff_entity_ids

NOTHING = Q(pk__in=[])


def offers(user) -> QuerySet[MentorOffer]:
    s = permissions.scope_for(user)
    q = Q(entity_id__in=staff_entity_ids(user))
    if s.member_id is not None:
        q |= Q(entity_id=s.member_entity_id, active=True) | Q(member_id=s.member_id)
    return MentorOffer.objects.filter(q).select_related("member__user", "trade")


def my_offers(user) -> QuerySet[MentorOffer]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return MentorOffer.objects.none()
    return MentorOffer.objects.filter(member_id=s.member_id).select_related("trade").order_by("-active", "-id")


def _mentor_trades(s):
    return MentorOffer.objects.filter(member_id=s.member_id, active=True).values("trade_id")


def requests(user) -> QuerySet[MentorRequest]:
    s = permissions.scope_for(user)
    q = Q(entity_id__in=s.admin_entities) | Q(mentee__office_id__in=s.advisor_offices)
    if s.member_id is not None:
        q |= Q(mentee_id=s.member_id)
        if s.member_active:
            q |= Q(entity_id=s.member_entity_id, status=MentorRequestStatus.OPEN, trade_id__in=_mentor_trades(s))
    return MentorRequest.objects.filter(q).select_related("mentee__user", "mentee__office", "trade")


def request(user, pk) -> MentorRequest:
    return requests(user).get(pk=pk)


def requests_to_take(user) -> QuerySet[MentorRequest]:
    """Open requests the user could take: as a mentor of the trade, or as staff."""
    s = permissions.scope_for(user)
    q = Q(entity_id__in=s.admin_entities) | Q(mentee__office_id__in=s.advisor_offices)
    if s.member_active:
        q |= Q(entity_id=s.member_entity_id, trade_id__in=_mentor_trades(s))
    qs = MentorRequest.objects.filter(q, status=MentorRequestStatus.OPEN)
    if s.member_id is not None:
        qs = qs.exclude(mentee_id=s.member_id)
    return qs.select_related("mentee__user", "mentee__office", "trade").order_by("created_at", "id")


def my_requests(user) -> QuerySet[MentorRequest]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return MentorRequest.objects.none()
    return MentorRequest.objects.filter(mentee_id=s.member_id).select_related("trade").order_by("-created_at", "-id")


def with_last_contact(qs: QuerySet[MentorPair]) -> QuerySet[MentorPair]:
    return qs.annotate(last_meeting=Max("meetings__date"), last_contact=Coalesce(Max("meetings__date"), "since"))


def pairs(user) -> QuerySet[MentorPair]:
    s = permissions.scope_for(user)
    q = Q(entity_id__in=s.admin_entities) | Q(mentee__office_id__in=s.advisor_offices)
    if s.member_id is not None:
        q |= Q(mentor_id=s.member_id) | Q(mentee_id=s.member_id)
    return with_last_contact(
        MentorPair.objects.filter(q).select_related("mentor__user", "mentee__user", "mentee__office", "trade")
    )


def pair(user, pk) -> MentorPair:
    return pairs(user).get(pk=pk)


def my_pairs(user) -> QuerySet[MentorPair]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return MentorPair.objects.none()
    return pairs(user).filter(Q(mentor_id=s.member_id) | Q(mentee_id=s.member_id)).order_by("ended_on", "-since", "-id")


def two_months_before(day: datetime.date) -> datetime.date:
    month, year = day.month - 2, day.year
    if month < 1:
        month, year = month + 12, year - 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def followed_pairs(user, *, office_id: int | None = None) -> QuerySet[MentorPair]:
    """The running pairs the user follows as staff (advisors: mentees of their offices;
    administrators: their entities), the longest without news first."""
    s = permissions.scope_for(user)
    q = Q(entity_id__in=s.admin_entities) | Q(mentee__office_id__in=s.advisor_offices)
    qs = MentorPair.objects.filter(q, ended_on__isnull=True)
    if office_id:
        qs = qs.filter(mentee__office_id=office_id)
    return with_last_contact(
        qs.select_related("mentor__user", "mentee__user", "mentee__office", "trade")
    ).order_by("last_contact", "id")


def no_news_since(today: datetime.date | None = None) -> datetime.date:
    return two_months_before(today or timezone.localdate())


def meetings(pair: MentorPair) -> QuerySet[MentorMeeting]:
    return pair.meetings.select_related("logged_by").order_by("-date", "-id")


def possible_mentors(req: MentorRequest) -> list[Member]:
    """Members who offer to mentor in the request's trade (not the asker), for staff to choose."""
    return list(
        Member.objects.filter(
            mentor_offers__trade_id=req.trade_id, mentor_offers__entity_id=req.entity_id, mentor_offers__active=True
        )
        .exclude(pk=req.mentee_id)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "id")
    )


def follows(user) -> bool:
    s = permissions.scope_for(user)
    return bool(s.admin_entities or s.advisor_offices)
