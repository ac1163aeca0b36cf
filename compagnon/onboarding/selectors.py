"""Reads of onboarding for pages and the API, from the reader's scope: a member reads their own
path; advisors the members of the offices they advise; administrators their entity's; the kit is
for the members and staff of its entity."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone

from compagnon import permissions
from compagnon.accounts.models import Role, RoleAssignment, SupportService
from compagnon.knowledge.rules import held_today
from compagnon.members.models import Member, MemberStatus

from .models import Assignment, Completion, KitContact, KitFile, Path, Signature, Step, StepKind


def stuck_after() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "ONBOARDING_STUCK_AFTER_DAYS", 14)))


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("user", "entity", "office").filter(pk=s.member_id).first()


def active_assignment(member: Member) -> Assignment | None:
    return (Assignment.objects.filter(member=member, active=True).select_related("path", "next_step").first())


@dataclass
class StepState:
    step: Step
    done: Completion | None
    signature: Signature | None
    is_next: bool


def steps_of(assignment: Assignment) -> list[StepState]:
    """The path's steps in order, each with whether (and when, by whom) it is done (3 queries)."""
    steps = list(Step.objects.filter(path_id=assignment.path_id, archived=False)
                 .select_related("article").order_by("position", "id"))
    done = {c.step_id: c for c in Completion.objects.filter(assignment=assignment).select_related("done_by")}
    signed = {}
    if any(s.kind == StepKind.SIGN for s in steps):
        for sig in Signature.objects.filter(member_id=assignment.member_id, step__path_id=assignment.path_id):
            signed.setdefault(sig.step_id, sig)
    return [StepState(s, done.get(s.pk), signed.get(s.pk), s.pk == assignment.next_step_id) for s in steps]


def my_step(user, pk) -> Step:
    member = own_member(user)
    if member is None:
        raise Step.DoesNotExist
    return Step.objects.filter(path__assignments__member=member, path__assignments__active=True,
                               archived=False).select_related("article").get(pk=pk)


# --- following new members -----------------------------------------------------------------------


def followed_members(user) -> QuerySet[Member]:
    s = permissions.scope_for(user)
    if not (s.advisor_offices or s.admin_entities):
        return Member.objects.none()
    return Member.objects.filter(Q(office_id__in=s.advisor_offices) | Q(entity_id__in=s.admin_entities))


def _stuck(now) -> Q:
    return Q(completed_at__isnull=True) & (Q(last_progress_at__lt=now - stuck_after())
                                           | Q(next_step__kind=StepKind.MEETING, next_step__meeting_at__lt=now))


def follow_list(user, *, office_id: int | None = None, show: str = "") -> QuerySet[Assignment]:
    """The current paths of the members the user follows, stuck first (no step done for
    ``ONBOARDING_STUCK_AFTER_DAYS`` or a meeting whose date has passed), then the least advanced;
    completed paths last. ``show``: "stuck", "open" (not completed) or "done".

    Ordered rows without their people: paginate it (``values_list("id")``) and read the page with
    ``follow_rows`` — the sort then touches the assignments and the followed members only, never
    the whole user table."""
    s = permissions.scope_for(user)
    if not (s.advisor_offices or s.admin_entities):
        return Assignment.objects.none()
    now = timezone.now()
    scope = Q(member__office_id__in=s.advisor_offices) | Q(member__entity_id__in=s.admin_entities)
    qs = Assignment.objects.filter(scope, active=True).exclude(member__status=MemberStatus.LEFT)
    if office_id:
        qs = qs.filter(member__office_id=office_id)
    stuck = _stuck(now)
    qs = qs.annotate(rank=Case(When(stuck, then=Value(0)), When(completed_at__isnull=True, then=Value(1)),
                               default=Value(2)))
    if show == "stuck":
        qs = qs.filter(stuck)
    elif show == "open":
        qs = qs.filter(completed_at__isnull=True)
    elif show == "done":
        qs = qs.filter(completed_at__isnull=False)
    return qs.order_by("rank", "last_progress_at", F("done_count").asc(), "id")


def follow_rows(ids) -> list[Assignment]:
    """The assignments ``ids`` (a page of ``follow_list``) with their member, office, next step and
    whether they are stuck, in the same order (one query)."""
    ids = list(ids)
    rows = (Assignment.objects.filter(id__in=ids)
            .annotate(stuck=ExpressionWrapper(_stuck(timezone.now()), output_field=BooleanField()))
            .select_related("member__user", "member__office", "next_step", "path"))
    by_id = {a.pk: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


def followed_assignment(user, member_pk) -> Assignment:
    member = followed_members(user).get(pk=member_pk)
    assignment = active_assignment(member)
    if assignment is None:
        raise Assignment.DoesNotExist
    assignment.member = Member.objects.select_related("user", "office", "entity").get(pk=member.pk)
    return assignment


def signatures_of(member: Member) -> list[Signature]:
    return list(Signature.objects.filter(member=member).select_related("step").order_by("-signed_at", "-id"))


# --- building paths ------------------------------------------------------------------------------


def managed_paths(user) -> QuerySet[Path]:
    return (Path.objects.filter(entity_id__in=permissions.scope_for(user).admin_entities)
            .select_related("entity").order_by("entity__name", "maturity"))


def managed_path(user, pk) -> Path:
    return managed_paths(user).get(pk=pk)


def path_steps(path: Path) -> list[Step]:
    return list(Step.objects.filter(path=path, archived=False).select_related("article").order_by("position", "id"))


# --- the kit ---------------------------------------------------------------------------------------


def kit_entity_ids(user) -> set[int]:
    s = permissions.scope_for(user)
    ids = set(s.entity_wide | s.advisor_entities)
    if s.member_entity_id:
        ids.add(s.member_entity_id)
    return ids


def kit_files(user, entity_id: int) -> list[KitFile]:
    return list(KitFile.objects.filter(entity_id=entity_id).order_by("position", "id"))


def kit_file(user, pk) -> KitFile:
    return KitFile.objects.filter(entity_id__in=kit_entity_ids(user)).get(pk=pk)


def kit_contacts(user, entity_id: int) -> list[KitContact]:
    s = permissions.scope_for(user)
    qs = KitContact.objects.filter(entity_id=entity_id).select_related("office")
    if not (entity_id in s.entity_wide or s.advisor_offices):
        qs = qs.filter(Q(office__isnull=True) | Q(office_id=s.member_office_id))
    return list(qs.order_by("position", "id"))


@dataclass
class ChartService:
    code: str
    label: str
    people: list


def org_chart(user, entity_id: int) -> dict:
    """Who does what for the members of ``entity_id`` (one query): the services of support with
    their agents, the advisors of the reader's office (of every office for staff), the accountants
    and the administrators."""
    s = permissions.scope_for(user)
    rows = list(RoleAssignment.objects.filter(held_today(), entity_id=entity_id, user__is_active=True)
                .select_related("user", "office").order_by("user__last_name", "user__first_name", "id"))
    services = [ChartService(code, label, []) for code, label in SupportService.choices]
    by_code = {svc.code: svc for svc in services}
    advisors, accountants, admins, seen = [], [], [], set()
    for ra in rows:
        key = (ra.role, ra.user_id, ra.service, ra.office_id)
        if key in seen:
            continue
        seen.add(key)
        if ra.role == Role.SUPPORT and ra.service in by_code:
            by_code[ra.service].people.append(ra.user)
        elif ra.role == Role.ADVISOR:
            if s.member_office_id == ra.office_id or entity_id in s.entity_wide or ra.office_id in s.advisor_offices:
                advisors.append(ra)
        elif ra.role == Role.ACCOUNTANT and ra.user not in accountants:
            accountants.append(ra.user)
        elif ra.role == Role.ADMIN and ra.user not in admins:
            admins.append(ra.user)
    return {"services": services, "advisors": advisors, "accountants": accountants, "admins": admins}
