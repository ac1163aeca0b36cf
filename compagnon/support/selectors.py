"""Reads of support for pages and the API, always from the user's reach (rules.py).

Two audiences: the **member** (their own requests, and the collections cases of the activities
they work in) and the **desk's staff** (support agents of the request's service in its entity,
and the entity's administrators). Anything else answers DoesNotExist (404). Internal notes and
internal files are read only on the staff side (``as_agent``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from compagnon import permissions
from compagnon.accounts.models import Role, RoleAssignment, SupportService, User
from compagnon.members.models import Activity, ActivityMembership
from compagnon.organisation.models import Entity

from . import clock
from .models import (
    PUBLIC_KINDS,
    Attachment,
    CannedAnswer,
    Message,
    ResponseTarget,
    State,
    SupportRequest,
    SupportSettings,
)
from .rules import my_activity_ids, support_desks

_LIST_RELATED = ("member__user", "activity", "assigned_to", "case__client", "entity")


# --- policies (calendar and targets of an entity) -------------------------------------------------


def policies(entity_ids) -> dict[int, clock.Policy]:
    """{entity id: Policy}: two queries whatever the number of entities."""
    ids = set(entity_ids)
    rows = {s.entity_id: s for s in SupportSettings.objects.filter(entity_id__in=ids)}
    targets: dict[int, dict] = {pk: {} for pk in ids}
    for t in ResponseTarget.objects.filter(entity_id__in=ids):
        targets[t.entity_id][(t.service, t.priority)] = t.hours
    out = {}
    for pk in ids:
        s = rows.get(pk)
        calendar = clock.Calendar(s.day_starts, s.day_ends) if s else clock.Calendar()
        out[pk] = clock.Policy(calendar, targets[pk], s.reopen_days if s else 14)
    return out


def policy(entity_id: int) -> clock.Policy:
    return policies([entity_id])[entity_id]


# --- the member's side ---------------------------------------------------------------------------


def my_requests(user) -> QuerySet[SupportRequest]:
    """The member's own requests, and the collections cases of the activities they work in."""
    s = permissions.scope_for(user)
    if s.member_id is None:
        return SupportRequest.objects.none()
    q = Q(member_id=s.member_id)
    activities = sorted(my_activity_ids(user))  # a short list of numbers: the partial index answers
    if activities:
        q |= Q(case__isnull=False, activity_id__in=activities)
    return SupportRequest.objects.filter(q)


def my_list(user, *, state: str = "") -> QuerySet[SupportRequest]:
    qs = my_requests(user).select_related("case__client", "activity")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-last_activity_at", "-id")


def my_activities(user) -> QuerySet[Activity]:
    s = permissions.scope_for(user)
    if s.member_id is None:
        return Activity.objects.none()
    return Activity.objects.filter(memberships__member_id=s.member_id).order_by("name", "id")


def my_documents(user, *, limit: int = 40, include: int | None = None) -> list:
    """The most recent documents of the member's activities (and ``include`` if it is one of them)."""
    from compagnon.sales.models import Document

    s = permissions.scope_for(user)
    if s.member_id is None:
        return []
    mine = ActivityMembership.objects.filter(member_id=s.member_id).values("activity_id")
    qs = Document.objects.filter(activity_id__in=mine).select_related("client").order_by("-id")
    rows = list(qs[:limit])
    if include and all(d.pk != include for d in rows):
        extra = qs.filter(pk=include).first()
        if extra is not None:
            rows.insert(0, extra)
    return rows


# --- the staff side ----------------------------------------------------------------------------


def desk_q(user) -> Q | None:
    """The condition of the requests the user works as staff (None: none)."""
    s = permissions.scope_for(user)
    parts = [Q(entity_id__in=sorted(s.admin_entities))] if s.admin_entities else []
    by_entity: dict[int, list[str]] = {}
    for e, svc in sorted(support_desks(user)):
        if e not in s.admin_entities:
            by_entity.setdefault(e, []).append(svc)
    # one condition per entity (service IN …): the entity's index keeps the queue's order
    parts += [Q(entity_id=e, service=svcs[0]) if len(svcs) == 1 else Q(entity_id=e, service__in=svcs)
              for e, svcs in by_entity.items()]
    return reduce(or_, parts) if parts else None


def staff_requests(user) -> QuerySet[SupportRequest]:
    q = desk_q(user)
    return SupportRequest.objects.filter(q) if q is not None else SupportRequest.objects.none()


def staff_services(user) -> list[tuple[str, str]]:
    """The services (value, label) whose queue the user works, in the order of the choices."""
    s = permissions.scope_for(user)
    if s.admin_entities:
        return list(SupportService.choices)
    mine = {svc for _e, svc in support_desks(user)}
    return [(v, label) for v, label in SupportService.choices if v in mine]


def staff_entities(user) -> list[Entity]:
    s = permissions.scope_for(user)
    ids = set(s.admin_entities) | {e for e, _svc in support_desks(user)}
    return list(Entity.objects.filter(pk__in=ids).order_by("name", "id")) if ids else []


TABS = {
    "todo": (State.NEW, State.OPEN),
    "waiting": (State.WAITING,),
    "answered": (State.ANSWERED,),
    "closed": (State.CLOSED,),
}
ASCENDING_TABS = ("todo", "waiting")


@dataclass
class QueueFilter:
    tab: str = "todo"
    service: str = ""
    entity: int | None = None
    who: str = ""  # "mine", "unassigned" or ""
    late: bool = False
    priority: str = ""
    now: datetime.datetime = field(default_factory=timezone.now)


def queue(user, f: QueueFilter) -> QuerySet[SupportRequest]:
    """One tab of the queue, filtered, in the tab's order (the most urgent first for "to answer")."""
    qs = staff_requests(user).filter(state__in=TABS.get(f.tab, TABS["todo"]))
    if f.service:
        qs = qs.filter(service=f.service)
    if f.entity:
        qs = qs.filter(entity_id=f.entity)
    if f.who == "mine":
        qs = qs.filter(assigned_to_id=user.pk)
    elif f.who == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.late:  # to answer, queue_at is the due time: a range of the "to answer" index
        qs = qs.filter(state__in=TABS["todo"], queue_at__lt=f.now)
    order = ("queue_at", "id") if f.tab in ASCENDING_TABS else ("-queue_at", "-id")
    return qs.select_related(*_LIST_RELATED).order_by(*order)


def colleagues(entity_id: int, service: str) -> list[User]:
    """Who may be given a request of this desk: its agents and the entity's administrators."""
    ids = RoleAssignment.objects.filter(entity_id=entity_id).filter(
        Q(role=Role.SUPPORT, service=service) | Q(role=Role.ADMIN)).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "email"))


def desk_people(entity_id: int, service: str) -> list[User]:
    """Who hears about a new request of this desk: its agents, or the administrators when the
    desk has none."""
    agents = list(User.objects.filter(
        is_active=True, pk__in=RoleAssignment.objects.filter(entity_id=entity_id, role=Role.SUPPORT, service=service)
        .values("user_id")).order_by("pk"))
    if agents:
        return agents
    return list(User.objects.filter(
        is_active=True, pk__in=RoleAssignment.objects.filter(entity_id=entity_id, role=Role.ADMIN).values("user_id"))
        .order_by("pk"))


# --- one request ------------------------------------------------------------------------------------


def request_for(user, pk: int) -> tuple[SupportRequest, bool]:
    """(request, as_agent): the desk's staff read everything, the member what is meant for them."""
    q = desk_q(user)
    base = SupportRequest.objects.select_related(
        "member__user", "author", "activity", "document__client", "assigned_to", "entity",
        "case__client", "case__activity", "case__assigned_to")
    if q is not None:
        found = base.filter(q).filter(pk=pk).first()
        if found is not None:
            return found, True
    return my_requests(user).select_related(
        "member__user", "author", "activity", "document__client", "assigned_to", "entity",
        "case__client", "case__activity").get(pk=pk), False


def messages(request: SupportRequest, *, as_agent: bool) -> list[Message]:
    qs = Message.objects.filter(request=request).select_related("author")
    attachments = Attachment.objects.order_by("created_at", "id")
    if not as_agent:
        qs = qs.filter(kind__in=PUBLIC_KINDS)
        attachments = attachments.filter(internal=False)
    return list(qs.prefetch_related(Prefetch("attachments", queryset=attachments)).order_by("created_at", "id"))


def thread(request: SupportRequest, *, as_agent: bool) -> list[dict]:
    """The thread, oldest first. A collections case's thread is the case's (notes and events meant
    for the reader, from dunning) with the member's own messages."""
    items = [{"at": m.created_at, "kind": m.kind, "text": m.body, "author": m.author, "message": m,
              "internal": m.is_internal, "attachments": list(m.attachments.all()), "event": False}
             for m in messages(request, as_agent=as_agent)]
    if request.case_id is not None:
        from compagnon.dunning.selectors import case_timeline

        for item in case_timeline(request.case, as_agent=as_agent):
            if item["note"]:
                kind = "answer" if item["for_member"] else "note"
            else:
                kind = "event"
            items.append({"at": item["at"], "kind": kind, "text": item["text"], "author": item["author"],
                          "message": None, "internal": not item["for_member"], "attachments": [],
                          "event": not item["note"]})
    return sorted(items, key=lambda i: i["at"])


def case_files(request: SupportRequest, *, as_agent: bool) -> list:
    if request.case_id is None:
        return []
    from compagnon.dunning.selectors import case_files as files

    return files(request.case, as_agent=as_agent)


def attachment_for(user, pk: int) -> Attachment:
    """An attachment, if its request is visible to the user (internal ones: staff only)."""
    item = Attachment.objects.select_related("request").get(pk=pk)
    request, as_agent = request_for(user, item.request_id)
    if item.internal and not as_agent:
        raise Attachment.DoesNotExist
    return item


def my_client_keys(request: SupportRequest, user) -> list[str]:
    """The form keys this user's posts of the request were sent with (the phone drops its copies)."""
    keys = [str(k) for k in Message.objects.filter(request=request, author_id=user.pk, client_key__isnull=False)
            .values_list("client_key", flat=True)]
    if request.author_id == user.pk and request.client_key:
        keys.append(str(request.client_key))
    return keys


# --- canned answers -----------------------------------------------------------------------------------


def canned(user, *, service: str = "", entity: int | None = None) -> QuerySet[CannedAnswer]:
    q = desk_q(user)
    if q is None:
        return CannedAnswer.objects.none()
    qs = CannedAnswer.objects.filter(q).select_related("entity")
    if service:
        qs = qs.filter(service=service)
    if entity:
        qs = qs.filter(entity_id=entity)
    return qs.order_by("service", "title", "id")


def canned_for(request: SupportRequest) -> list[CannedAnswer]:
    return list(CannedAnswer.objects.filter(entity_id=request.entity_id, service=request.service)
                .order_by("title", "id"))


def canned_answer(user, pk: int) -> CannedAnswer:
    return canned(user).get(pk=pk)


def settings_entity(user, pk: int) -> Entity:
    return Entity.objects.filter(pk__in=permissions.scope_for(user).admin_entities).get(pk=pk)
