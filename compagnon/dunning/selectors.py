"""Reads of collections for pages and the API, always from the permission layer.

Automated actions and preferences belong to an activity: ``permissions.scoped_by_activity``. Cases
are read by two audiences: the collections service and administrators of the case's entity
(``permissions.collections_entities``: everything), and whoever sees the case's activity (the
member: the timeline and the notes meant for them). Anything else answers DoesNotExist (404).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnon import permissions
from compagnon.organisation.models import Entity

from .models import (
    FINAL,
    PENDING,
    ActionState,
    AutomatedAction,
    CaseDocument,
    CaseEvent,
    CaseFile,
    CaseNote,
    CaseStatus,
    ClientPreference,
    CollectionCase,
    CollectionPlan,
    PlanStep,
    StepKind,
)


def _actions(user) -> QuerySet[AutomatedAction]:
    return permissions.scoped_by_activity(user, AutomatedAction.objects.all())


def actions(user) -> QuerySet[AutomatedAction]:
    return _actions(user).select_related("document", "client", "step", "activity").order_by("due_on", "order", "id")


def action_detail(user, pk: int) -> AutomatedAction:
    return (_actions(user).select_related("document__entity", "document__activity", "document__client",
                                          "activity__entity", "step__plan", "client").get(pk=pk))


def document_actions(user, document) -> list[AutomatedAction]:
    return list(_actions(user).filter(document_id=document.pk).select_related("step__plan", "decided_by")
                .order_by("order", "id"))


def upcoming_actions(user, activity, *, limit: int = 20) -> list[AutomatedAction]:
    return list(_actions(user).filter(activity_id=activity.pk, state__in=PENDING)
                .select_related("document", "client", "step").order_by("due_on", "order", "id")[:limit])


def recent_actions(user, activity, *, limit: int = 10) -> list[AutomatedAction]:
    return list(_actions(user).filter(activity_id=activity.pk, state__in=FINAL)
                .select_related("document", "client", "step").order_by("-updated_at", "-id")[:limit])


def activity(user, pk: int):
    return permissions.activities(user).select_related("entity").get(pk=pk)


def never_remind_clients(user, activity) -> list:
    from compagnon.clients.models import Client

    ids = ClientPreference.objects.filter(client__activity_id=activity.pk, never_remind=True).values("client_id")
    return list(permissions.scoped_by_activity(user, Client.objects.filter(pk__in=ids)).order_by("name", "id"))


def never_remind(client) -> bool:
    return ClientPreference.objects.filter(client_id=client.pk, never_remind=True).exists()


# --- plans -------------------------------------------------------------------------------------


def plan_entities(user) -> QuerySet[Entity]:
    """The entities whose collection plan this user sets (administrators)."""
    return Entity.objects.filter(pk__in=permissions.scope_for(user).admin_entities).order_by("name")


def plan_entity(user, pk: int) -> Entity:
    return plan_entities(user).get(pk=pk)


def plans(entity) -> list[CollectionPlan]:
    return list(CollectionPlan.objects.filter(entity=entity).prefetch_related(
        Prefetch("steps", queryset=PlanStep.objects.filter(active=True).prefetch_related("templates"))))


def plan_step(entity, pk: int) -> PlanStep:
    return PlanStep.objects.select_related("plan").prefetch_related("templates").get(pk=pk, plan__entity=entity)


# --- cases -------------------------------------------------------------------------------------


def _cases_base() -> QuerySet[CollectionCase]:
    return (CollectionCase.objects.select_related("client", "activity", "assigned_to", "entity")
            .annotate(n_documents=Count("case_documents")).order_by("-opened_at", "-id"))


def case_queue(user, *, status: str = "") -> QuerySet[CollectionCase]:
    """The collections service's queue: cases of the entities it works for."""
    qs = _cases_base().filter(entity_id__in=permissions.collections_entities(user))
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    return qs


def member_cases(user, *, activity_id: int | None = None) -> QuerySet[CollectionCase]:
    qs = permissions.scoped_by_activity(user, _cases_base())
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    return qs


def case_detail(user, pk: int) -> tuple[CollectionCase, bool]:
    """(case, as_agent): agents see everything, members what is meant for them."""
    agent_entities = permissions.collections_entities(user)
    case = (CollectionCase.objects.select_related("client", "activity", "assigned_to", "entity")
            .filter(pk=pk).filter(Q(entity_id__in=agent_entities) | Q(activity__in=permissions.activities(user)))
            .get())
    return case, case.entity_id in agent_entities


def case_documents(case) -> list[CaseDocument]:
    return list(CaseDocument.objects.filter(case=case).select_related("document", "action"))


def case_files(case, *, as_agent: bool) -> list[CaseFile]:
    qs = CaseFile.objects.filter(case=case).select_related("uploaded_by")
    return list(qs if as_agent else qs.filter(for_member=True))


def case_file(case, pk: int, *, as_agent: bool) -> CaseFile:
    qs = CaseFile.objects.filter(case=case)
    return (qs if as_agent else qs.filter(for_member=True)).get(pk=pk)


def case_timeline(case, *, as_agent: bool) -> list[dict]:
    """Events and notes, oldest first; a member sees what is meant for them."""
    events = CaseEvent.objects.filter(case=case).select_related("actor")
    notes = CaseNote.objects.filter(case=case).select_related("author")
    if not as_agent:
        events, notes = events.filter(for_member=True), notes.filter(for_member=True)
    items = [{"at": e.created_at, "kind": e.kind, "text": e.text, "author": str(e.actor) if e.actor else "",
              "note": False, "for_member": e.for_member} for e in events]
    items += [{"at": n.created_at, "kind": "note", "text": n.body, "author": str(n.author) if n.author else "",
               "note": True, "for_member": n.for_member} for n in notes]
    return sorted(items, key=lambda item: item["at"])


def agents(entity_id: int) -> list:
    from compagnon.accounts.models import Role, RoleAssignment, User

    ids = RoleAssignment.objects.filter(entity_id=entity_id).filter(
        Q(role=Role.SUPPORT, service="collections") | Q(role=Role.ADMIN)).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "last_name", "email"))


# --- the client's timeline (registered in apps.py) ----------------------------------------------


def client_timeline(user, client, *, limit: int = 50) -> list[dict]:
    """Collection actions of the client's documents: done ones on their day, upcoming ones on the
    day they are planned for."""
    from compagnon.sales.models import Document

    documents = Document.objects.filter(client_id=client.pk).values("pk")
    rows = (_actions(user).filter(document_id__in=documents)
            .exclude(state=ActionState.CANCELLED).select_related("document", "step").order_by("-due_on", "-id")[:limit])
    items = []
    for a in rows:
        done = a.state in FINAL
        day = a.executed_on or a.due_on
        items.append({
            "date": day, "kind": "collection", "kind_label": str(a.get_kind_display()).capitalize(),
            "title": f"{a.step} · {a.document.number}",
            "body": a.get_state_display() if done else (
                f"{a.get_state_display()} · " + (str(_("waits for your OK")) if a.waits_for_ok else str(_("planned")))),
            "url": reverse("document-detail", args=[a.document_id]) + "#collections",
        })
    return items


# --- the document's collections panel -----------------------------------------------------------


def panel(user, document, *, today: datetime.date | None = None) -> dict:
    """Past and upcoming actions of the document, with what the law allows to claim at each."""
    from . import base, law

    today = today or timezone.localdate()
    rows = document_actions(user, document)
    executed = sorted((a for a in rows if a.state == ActionState.EXECUTED and a.kind != StepKind.QUOTE_FOLLOW_UP),
                      key=lambda a: (a.executed_on or today, a.order))
    first_on = executed[0].executed_on if executed else None
    first_channel = (executed[0].result or {}).get("channel", executed[0].channel) if executed else "email"
    notice_on = next((a.executed_on for a in executed if a.kind == StepKind.FORMAL_NOTICE), None)
    is_open = not base.closed_reason(document)
    items = []
    for a in rows:
        claim = None
        if a.state in PENDING and is_open and a.kind != StepKind.QUOTE_FOLLOW_UP and document.due_date:
            on = max(a.due_on, today)
            claim = base.claim_for(a, document, on, history={
                "first_reminder_on": first_on, "first_reminder_channel": first_channel, "formal_notice_on": notice_on})
            if first_on is None:
                first_on, first_channel = on, a.channel
            if a.kind == StepKind.FORMAL_NOTICE and notice_on is None:
                notice_on = on
        elif a.state == ActionState.EXECUTED:
            claim = (a.result or {}).get("claim")
        items.append({"action": a, "claim": claim, "is_dict": isinstance(claim, dict),
                      "reason": base.REASONS.get(a.reason, "")})
    now_claim = None
    if is_open and document.due_date and document.kind != "quote" and document.due_date < today:
        now_claim = law.legal_claim(jurisdiction=document.entity.jurisdiction, client_kind=base.client_kind(document),
                                    amount=base.outstanding(document), days_late=(today - document.due_date).days,
                                    step=StepKind.REMINDER if first_on is None else StepKind.LITIGATION, on=today,
                                    first_reminder_on=first_on if first_on and first_on <= today else None,
                                    first_reminder_channel=first_channel,
                                    formal_notice_on=notice_on if notice_on and notice_on <= today else None,
                                    terms=rows[0].step.plan.terms if rows else None)
    return {"items": items, "is_open": is_open, "closed_reason": base.REASONS.get(base.closed_reason(document), ""),
            "has_pending": any(a.state in PENDING for a in rows), "now_claim": now_claim,
            # shown only next to a scheduled or approved step: no query for the others
            "announced_through": (base.announced_through() if any(
                a.state in (ActionState.SCHEDULED, ActionState.APPROVED) for a in rows) else None)}


def actions_awaiting_ok(user, activity_ids) -> QuerySet[AutomatedAction]:
    """Collection steps (formal notices, reminders the member asked to approve) of ``activity_ids``
    (those the user sees) that wait for the member's OK before they can run, the soonest first."""
    return (
        _actions(user)
        .filter(activity_id__in=list(activity_ids), state=ActionState.SCHEDULED, needs_approval=True,
                blocked=False, paused=False)
        .select_related("document", "client", "step", "activity")
        .order_by("due_on", "order", "id")
    )
