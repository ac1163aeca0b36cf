"""Reads of advising for pages and the API, always from the user's permission scope.

* appointments, next steps and requests: the member's own, and those of the members the user
  follows (advisors of the member's office — a relay for the dates of an absence — and the
  entity's administrators); support agents and accountants see none;
* notes: only who follows the member, unless the advisor shared them (``visible_notes``);
* reviews: who follows the member; the member once the review is done (shared);
* templates and absences: the entity's administrators and advisors (absences also to the relay).
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from compagnon import permissions
from compagnon.core.collation import by_name
from compagnon.members.models import Member

from .models import (
    Absence,
    Appointment,
    AppointmentRequest,
    AppointmentState,
    NextStep,
    RequestState,
    Review,
    ReviewState,
    ReviewTemplate,
)
from .rules import staff_entity_ids


def _follow_q(user, prefix: str = "member__") -> Q:
    """The rows of the members ``user`` follows (``prefix`` leads to the member)."""
    s = permissions.scope_for(user)
    q = Q(**{f"{prefix}office_id__in": s.advisor_offices}) | Q(**{f"{prefix}entity_id__in": s.admin_entities})
    return q & ~Q(**{f"{prefix}user_id": user.pk})


def _own_q(user, prefix: str = "member_id") -> Q:
    s = permissions.scope_for(user)
    return Q(**{prefix: s.member_id}) if s.member_id is not None else Q(pk__in=[])


def follows_anyone(user) -> bool:
    s = permissions.scope_for(user)
    return bool(s.advisor_offices or s.admin_entities)


def followed_members(user) -> QuerySet[Member]:
    """The members ``user`` follows, from the permission layer's members."""
    if not follows_anyone(user):
        return Member.objects.none()
    return permissions.members(user).filter(_follow_q(user, prefix=""))


def followed_member(user, pk) -> Member:
    return followed_members(user).select_related("user", "office", "entity", "advisor").get(pk=pk)


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("user", "office", "entity", "advisor").filter(pk=s.member_id).first()


# --- appointments, steps, requests -----------------------------------------------------------


def appointments(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(_own_q(user) | _follow_q(user))


def appointment(user, pk) -> Appointment:
    return appointments(user).select_related("member__user", "member__office", "advisor", "entity").get(pk=pk)


def visible_notes(user, appointment: Appointment) -> str | None:
    """The notes this reader may read: all of them for who follows the member; the shared ones
    for the member; ``None`` when hidden."""
    if user.has_perm("advising.follow_member", appointment.member) or appointment.notes_shared:
        return appointment.notes
    return None


def steps(user) -> QuerySet[NextStep]:
    return NextStep.objects.filter(_own_q(user) | _follow_q(user))


def step(user, pk) -> NextStep:
    return steps(user).select_related("member__user", "appointment").get(pk=pk)


def requests(user) -> QuerySet[AppointmentRequest]:
    return AppointmentRequest.objects.filter(_own_q(user) | _follow_q(user))


def request(user, pk) -> AppointmentRequest:
    return requests(user).select_related("member__user", "member__advisor", "appointment").get(pk=pk)


def open_requests_for(user) -> QuerySet[AppointmentRequest]:
    """Requests waiting for an answer from the members ``user`` follows, oldest first."""
    return (AppointmentRequest.objects.filter(_follow_q(user), state=RequestState.OPEN)
            .select_related("member__user", "member__advisor").order_by("created_at", "id"))


def upcoming_for(user, *, relayed: list[int] | None = None, limit: int = 50) -> list[Appointment]:
    """The planned appointments, from today on, that ``user`` holds or that the advisors they
    stand in for today hold (``relayed``, read when not given)."""
    since = timezone.now() - datetime.timedelta(hours=12)
    advisors = [user.pk, *(relayed_advisor_ids(user) if relayed is None else relayed)]
    qs = Appointment.objects.filter(_follow_q(user), advisor_id__in=advisors, state=AppointmentState.PLANNED,
                                    starts_at__gte=since)
    return list(qs.select_related("member__user", "advisor").order_by("starts_at")[:limit])


# --- reviews and templates ---------------------------------------------------------------------


def reviews(user) -> QuerySet[Review]:
    return Review.objects.filter((_own_q(user) & Q(state=ReviewState.DONE)) | _follow_q(user))


def review(user, pk) -> Review:
    return reviews(user).select_related("member__user", "member__entity", "advisor", "appointment").get(pk=pk)


def templates(user) -> QuerySet[ReviewTemplate]:
    return ReviewTemplate.objects.filter(entity_id__in=staff_entity_ids(user)).select_related("entity")


def template(user, pk) -> ReviewTemplate:
    return templates(user).prefetch_related("questions").get(pk=pk)


def templates_for_member(user, member: Member) -> QuerySet[ReviewTemplate]:
    return templates(user).filter(entity_id=member.entity_id, active=True).order_by("name", "id")


# --- absences and relays -----------------------------------------------------------------------


def absences(user) -> QuerySet[Absence]:
    return (Absence.objects.filter(Q(entity_id__in=staff_entity_ids(user)) | Q(advisor_id=user.pk)
                                   | Q(relay_id=user.pk))
            .select_related("advisor", "relay", "entity"))


def absence(user, pk) -> Absence:
    return absences(user).get(pk=pk)


def relaying(user) -> list[Absence]:
    """The absences ``user`` stands in for, now or to come."""
    return list(Absence.objects.filter(relay_id=user.pk, ends_on__gte=timezone.localdate())
                .select_related("advisor").order_by("starts_on", "id"))


def relayed_advisor_ids(user, day: datetime.date | None = None) -> list[int]:
    """The advisors ``user`` stands in for on ``day`` (today)."""
    day = day or timezone.localdate()
    return list(Absence.objects.filter(relay_id=user.pk, starts_on__lte=day, ends_on__gte=day)
                .values_list("advisor_id", flat=True).distinct())


def advisors_of_entities(entity_ids):
    """The people who advise an office of these entities in their own right (not as a relay)."""
    from compagnon.accounts.models import Role, RoleAssignment, User

    ids = RoleAssignment.objects.filter(role=Role.ADVISOR, entity_id__in=list(entity_ids), relay_for__isnull=True,
                                        starts_on__isnull=True, ends_on__isnull=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by(*by_name("last_name", "first_name"), "id")


def away(advisor_id: int | None, *, today: datetime.date | None = None) -> Absence | None:
    """The advisor's absence going on today, else the next one within 30 days."""
    if advisor_id is None:
        return None
    today = today or timezone.localdate()
    return (Absence.objects.filter(advisor_id=advisor_id, ends_on__gte=today,
                                   starts_on__lte=today + datetime.timedelta(days=30))
            .select_related("relay").order_by("starts_on", "id").first())


# --- the member's page ---------------------------------------------------------------------------


def my_advisor(user) -> dict | None:
    """Everything of the "My advisor" page, in a fixed number of queries (7)."""
    member = own_member(user)
    if member is None:
        return None
    now = timezone.now()
    today = timezone.localdate()
    since = now - datetime.timedelta(hours=12)
    mine = Appointment.objects.filter(member=member)
    return {
        "member": member,
        "advisor": member.advisor,
        "absence": away(member.advisor_id, today=today),
        "today": today,
        "upcoming": list(mine.filter(state=AppointmentState.PLANNED, starts_at__gte=since)
                         .select_related("advisor", "member__user").order_by("starts_at", "id")[:10]),
        "steps": list(NextStep.objects.filter(member=member, done_at__isnull=True)
                      .select_related("appointment").order_by("due_on", "id")[:50]),
        "shared": list(mine.filter(state=AppointmentState.HELD, notes_shared=True).exclude(notes="")
                       .select_related("advisor", "member__user").order_by("-starts_at", "-id")[:10]),
        "requests": list(AppointmentRequest.objects.filter(member=member, state=RequestState.OPEN)
                         .order_by("-created_at", "-id")[:10]),
        "reviews": list(Review.objects.filter(member=member, state=ReviewState.DONE).order_by("-year")[:5]),
    }


def member_file(user, member: Member) -> dict:
    """The follow-up of one member for who follows them: appointments, steps, requests, reviews."""
    return {
        "appointments": list(Appointment.objects.filter(member=member).select_related("advisor")
                             .prefetch_related(Prefetch("steps", queryset=NextStep.objects.order_by("due_on", "id")))
                             .order_by("-starts_at", "-id")[:30]),
        "open_steps": list(NextStep.objects.filter(member=member, done_at__isnull=True).order_by("due_on", "id")),
        "requests": list(AppointmentRequest.objects.filter(member=member, state=RequestState.OPEN)
                         .order_by("created_at", "id")),
        "reviews": list(Review.objects.filter(member=member).select_related("advisor").order_by("-year")),
        "absence": away(member.advisor_id),
    }
