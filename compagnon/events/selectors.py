"""Reads of the agenda and the trainings for pages and the API, always from the user's scope.

Who sees an event:
* a member — the published (or cancelled) events of their entity that are for the whole entity or
  for their own office; never another entity's; the events they proposed, train or registered for;
* administrators — every event of their entities, proposals included;
* advisors — every event of the offices they advise, and their entity's whole-cooperative events;
* support agents and accountants — the published events of their entities.
A proposal (or a declined one) is seen by its proposer and by those who validate it.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon import permissions
from compagnon.core.params import BadParameter
from compagnon.members.models import Member
from compagnon.organisation.models import Entity, Office

from .models import (
    Attendance,
    CalendarFeed,
    Event,
    EventKind,
    EventStatus,
    Level,
    Registration,
    RegistrationStatus,
    TrainingRequest,
    TrainingRequestStatus,
    TrainingTopic,
)
from .rules import staff_entity_ids

PUBLIC = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
MAX_EVENT_DAYS = 31  # services refuse longer events
NOTHING = Q(pk__in=[])


def own_member(user) -> Member | None:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return None
    return Member.objects.select_related("entity", "office", "user").filter(pk=s.member_id).first()


def _public_reach(s) -> Q:
    """Where a user reads published events (the agenda)."""
    q = NOTHING
    if s.member_entity_id is not None:
        q |= Q(entity_id=s.member_entity_id) & (Q(office__isnull=True) | Q(office_id=s.member_office_id))
    if s.entity_wide:
        q |= Q(entity_id__in=s.entity_wide)
    if s.advisor_offices:
        q |= Q(office_id__in=s.advisor_offices) | Q(entity_id__in=s.advisor_entities, office__isnull=True)
    return q


def _managed(s) -> Q:
    q = NOTHING
    if s.admin_entities:
        q |= Q(entity_id__in=s.admin_entities)
    if s.advisor_offices:
        q |= Q(office_id__in=s.advisor_offices)
    return q


def visibility(user) -> Q:
    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        return NOTHING
    q = (Q(status__in=PUBLIC) & _public_reach(s)) | _managed(s) | Q(proposed_by_id=user.pk) | Q(trainer_id=user.pk)
    if s.member_id is not None:
        q |= Q(id__in=Registration.objects.filter(member_id=s.member_id).values("event_id"))
    return q


def events(user) -> QuerySet[Event]:
    return Event.objects.filter(visibility(user)).select_related("entity", "office", "topic", "trainer")


def event(user, pk) -> Event:
    return events(user).get(pk=pk)


# --- the agenda -----------------------------------------------------------------------------------


def where_choices(user) -> list[tuple[str, str]]:
    """The "where" filter of the agenda: each office the user reads, and each entity's
    whole-cooperative events ("o12", "e3")."""
    s = permissions.scope_for(user)
    out = []
    offices = Office.objects.filter(
        Q(id=s.member_office_id) | Q(entity_id__in=s.entity_wide) | Q(id__in=s.advisor_offices)
    ).select_related("entity").order_by("entity__name", "name")
    entities = {}
    for o in offices:
        out.append((f"o{o.pk}", o.name))
        entities.setdefault(o.entity_id, o.entity)
    missing = {s.member_entity_id, *s.entity_wide, *s.advisor_entities} - {None} - set(entities)
    if missing:
        entities.update({e.pk: e for e in Entity.objects.filter(id__in=missing)})
    many = len(entities) > 1
    for pk, entity in sorted(entities.items(), key=lambda kv: kv[1].name):
        label = _("Whole cooperative") if not many else _("Whole cooperative: %(name)s") % {"name": entity.name}
        out.append((f"e{pk}", label))
    return out


def agenda(user, *, where: str = "", kind: str = "", now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Published events not over yet, in the user's reach, soonest first; ``where`` is one of
    :func:`where_choices` ("" for all), ``kind`` an :class:`EventKind` ("" for all)."""
    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        return Event.objects.none()
    now = now or timezone.now()
    # an event lasts at most MAX_DAYS: the lower bound on the start lets the (status, starts_at)
    # index begin near today instead of at the oldest event
    qs = Event.objects.filter(
        _public_reach(s), status=EventStatus.PUBLISHED, ends_at__gte=now,
        starts_at__gte=now - datetime.timedelta(days=MAX_EVENT_DAYS),
    )
    if where.startswith("o"):
        qs = qs.filter(office_id=int(where[1:]))
    elif where.startswith("e"):
        qs = qs.filter(entity_id=int(where[1:]), office__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("entity", "office", "topic").order_by("starts_at", "id")


def agenda_rows(user, **filters) -> QuerySet[Event]:
    """:func:`agenda` for a list page: the columns a row shows (no description, no entity)."""
    return agenda(user, **filters).select_related(None).select_related("office", "topic").defer("description")


def read_where(request, user) -> tuple[str, list[tuple[str, str]]]:
    from compagnon.core.params import raw_param

    choices = where_choices(user)
    value = raw_param(request, "where").strip()
    if value and value not in {c for c, _label in choices}:
        raise BadParameter("where", _("The parameter “where” must be one of the places offered in the list."))
    return value, choices


def read_kind(request) -> str:
    from compagnon.core.params import choice_param

    return choice_param(request, "kind", EventKind.values)


def my_registrations_by_event(user, event_ids) -> dict[int, Registration]:
    """{event id: the user's live registration} for the events of a page: one query."""
    s = permissions.scope_for(user)
    if s.member_id is None or not event_ids:
        return {}
    regs = Registration.objects.filter(member_id=s.member_id, event_id__in=list(event_ids)).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return {r.event_id: r for r in regs}


def my_registration(user, event: Event) -> Registration | None:
    return my_registrations_by_event(user, [event.pk]).get(event.pk)


def waiting_position(registration: Registration) -> int:
    """1 for the first person waiting."""
    ahead = Registration.objects.filter(event_id=registration.event_id, status=RegistrationStatus.WAITING).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def my_registrations(user) -> QuerySet[Registration]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return Registration.objects.none()
    return Registration.objects.filter(member_id=s.member_id).select_related(
        "event__entity", "event__office", "event__topic", "certificate"
    )


def registration(user, pk) -> Registration:
    """A registration of the user's own, or of a member the user follows as staff."""
    s = permissions.scope_for(user)
    if s is permissions.ANONYMOUS:
        raise Registration.DoesNotExist
    q = Q(member__entity_id__in=s.entity_wide) | Q(member__office_id__in=s.advisor_offices)
    if s.member_id is not None:
        q |= Q(member_id=s.member_id)
    return (
        Registration.objects.filter(q)
        .select_related("event__entity", "event__office", "event__topic", "event__trainer", "member__user",
                        "member__entity", "member__office")
        .get(pk=pk)
    )


def certificate_registration(user, pk) -> Registration:
    """A registration whose certificate the user may download: present at a training."""
    reg = registration(user, pk)
    if reg.attendance != Attendance.PRESENT or reg.status != RegistrationStatus.CONFIRMED or not reg.event.is_training:
        raise Registration.DoesNotExist
    return reg


# --- staff ------------------------------------------------------------------------------------------


def proposals(user) -> QuerySet[Event]:
    """Proposals the user validates."""
    s = permissions.scope_for(user)
    return (
        Event.objects.filter(_managed(s), status=EventStatus.PROPOSED)
        .select_related("entity", "office", "topic", "proposed_by")
        .order_by("starts_at", "id")
    )


def my_proposals(user) -> QuerySet[Event]:
    return (
        Event.objects.filter(proposed_by_id=user.pk)
        .select_related("entity", "office", "topic")
        .order_by("-created_at", "-id")
    )


def attendees(event: Event) -> list[Registration]:
    """Registered people, first come first; one query."""
    return list(
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("member__user", "member__office", "certificate")
        .order_by("registered_at", "id")
    )


def waiting_list(event: Event) -> list[Registration]:
    return list(
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("member__user")
        .order_by("registered_at", "id")
    )


def creatable_places(user) -> list:
    """Where the user may create an event directly: offices they advise or administer, and the
    entities they administer."""
    s = permissions.scope_for(user)
    places = list(
        Office.objects.filter(Q(entity_id__in=s.admin_entities) | Q(id__in=s.advisor_offices))
        .select_related("entity")
        .order_by("entity__name", "name")
    )
    places += list(Entity.objects.filter(id__in=s.admin_entities).order_by("name"))
    return places


def proposable_places(user) -> list:
    member = own_member(user)
    if member is None or not permissions.scope_for(user).member_active:
        return []
    return [member.office, member.entity]


# --- trainings ---------------------------------------------------------------------------------------


def training_history(member: Member) -> list[Registration]:
    """A member's trainings (registered, attended or not), newest first; one query."""
    return list(
        Registration.objects.filter(
            member=member, event__kind=EventKind.TRAINING, status=RegistrationStatus.CONFIRMED
        )
        .exclude(event__status__in=[EventStatus.CANCELLED, EventStatus.DECLINED])
        .select_related("event__topic", "event__office", "certificate")
        .order_by("-event__starts_at", "-id")
    )


def hours_trained(history: list[Registration]) -> Decimal:
    return sum((r.event.hours or Decimal("0") for r in history if r.attendance == Attendance.PRESENT), Decimal("0"))


def my_training_requests(user) -> QuerySet[TrainingRequest]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return TrainingRequest.objects.none()
    return TrainingRequest.objects.filter(member_id=s.member_id).select_related("topic", "fulfilled_by")


def training_requests(user) -> QuerySet[TrainingRequest]:
    """The user's own requests, and those of the entities where they organise trainings."""
    s = permissions.scope_for(user)
    q = Q(entity_id__in=staff_entity_ids(user))
    if s.member_id is not None:
        q |= Q(member_id=s.member_id)
    return TrainingRequest.objects.filter(q).select_related("topic", "member__user", "fulfilled_by")


def request_entities(user) -> QuerySet[Entity]:
    return Entity.objects.filter(id__in=staff_entity_ids(user)).order_by("name")


def request_summary(entity_ids) -> list[dict]:
    """Open requests grouped by topic with counts per level, most asked first; one query."""
    rows = (
        TrainingRequest.objects.filter(entity_id__in=list(entity_ids), status=TrainingRequestStatus.OPEN)
        .values("topic_id", "topic__name", "entity_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    topics: dict[int, dict] = OrderedDict()
    for r in rows:
        t = topics.setdefault(
            r["topic_id"],
            {"topic": r["topic_id"], "name": r["topic__name"], "entity": r["entity_id"], "total": 0,
             "levels": {lvl: 0 for lvl in ("beginner", "intermediate", "advanced")}},
        )
        t["levels"][r["level"]] = t["levels"].get(r["level"], 0) + r["n"]
        t["total"] += r["n"]
    for t in topics.values():
        t["by_level"] = [(Level(code).label, n) for code, n in t["levels"].items()]
    return sorted(topics.values(), key=lambda t: (-t["total"], t["name"].lower()))


def topics_of(entity_id) -> QuerySet[TrainingTopic]:
    return TrainingTopic.objects.filter(entity_id=entity_id).order_by("name")


# --- calendar feeds ------------------------------------------------------------------------------------


def feed_by_token(token: str) -> CalendarFeed:
    return CalendarFeed.objects.select_related("user").get(token=token, user__is_active=True)
