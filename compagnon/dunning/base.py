"""What every part of collections shares: why actions end, whether a document still needs
collections, the announcement watermark, the set-based ``blocked`` / ``needs_approval`` upkeep,
the people who hear about an activity's collections, and the claim the law allows at a step."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Case, Exists, Max, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from compagnon.audit.services import record
from compagnon.sales.models import Kind, PaymentState, State

from . import law, planning
from .models import (
    PENDING,
    ActionState,
    ActivityPreference,
    AutomatedAction,
    CaseEvent,
    ClientPreference,
    CollectionPlan,
    CollectionRun,
    PlanStep,
    StepKind,
)

REASON_PAID = "paid"  # the invoice got paid
REASON_CLOSED = "closed"  # the quote was answered or withdrawn, the invoice is no longer open
REASON_MEMBER = "member"  # the member said "not this one"
REASON_PLAN = "plan_changed"  # the step left the plan
REASON_FAILED = "failed"  # it could not be carried out three times
MAX_FAILURES = 3
REASONS = {
    REASON_PAID: gettext_lazy("the invoice was paid"),
    REASON_CLOSED: gettext_lazy("the document is no longer open"),
    REASON_MEMBER: gettext_lazy("cancelled by a member"),
    REASON_PLAN: gettext_lazy("the step was removed from the plan"),
    REASON_FAILED: gettext_lazy("it could not be carried out (three attempts)"),
}
EXECUTE_CHUNK = 2000  # actions per execution task (tasks run in parallel on the workers)
NO_HISTORY = {"first_reminder_on": None, "first_reminder_channel": "email", "formal_notice_on": None}
NOTICE_DAYS = 8  # days given by a formal notice


def _today(today: datetime.date | None = None) -> datetime.date:
    return today or timezone.localdate()


def _audit(actor, obj, action: str, message: str, *, activity=None, entity=None, **params):
    record(actor=actor, action=f"collections.{action}", obj=obj, message=message, params=params,
           activity=activity, entity=entity)


# --- documents: open or not ---------------------------------------------------------------------


def outstanding(document) -> law.Decimal:
    return max(document.payable - document.paid_amount, law.ZERO)


def closed_reason(document) -> str:
    """Why a document no longer needs collections ("" while it does)."""
    if document.kind == Kind.QUOTE:
        return "" if document.state == State.SENT else REASON_CLOSED
    if document.kind not in planning.INVOICE_DOCUMENT_KINDS or document.state != State.ISSUED:
        return REASON_CLOSED
    if document.payment_state == PaymentState.PAID or (document.payment_state in planning.OPEN_PAYMENT
                                                       and outstanding(document) <= 0):
        return REASON_PAID
    if document.payment_state not in planning.OPEN_PAYMENT:
        return REASON_CLOSED
    return ""


def client_kind(document) -> str:
    return (document.frozen or {}).get("buyer", {}).get("kind") or document.client.kind


# --- the announcement watermark -----------------------------------------------------------------


def announced_through() -> datetime.date | None:
    """The last day whose announcements went out."""
    return CollectionRun.objects.filter(announced=True).aggregate(day=Max("day"))["day"]


def next_announce_day(today: datetime.date | None = None) -> datetime.date:
    """The first day an action made runnable now can still be announced on."""
    today = _today(today)
    done = announced_through()
    return max(today, done + datetime.timedelta(days=1)) if done else today


def _push_dates(queryset, day: datetime.date) -> int:
    """Move the actions of ``queryset`` so they are announced on ``day`` at the earliest and run at
    least their announce days after it (one UPDATE)."""
    ids_sql, params = queryset.values("id").query.sql_with_params()
    table = connection.ops.quote_name(AutomatedAction._meta.db_table)
    earliest_due = planning._add_days("%s", connection.ops.quote_name("announce_days"))
    new_due = planning._greatest(connection.ops.quote_name("due_on"), earliest_due)
    sql = (f"UPDATE {table} SET {connection.ops.quote_name('due_on')} = {new_due}, "  # noqa: S608 - quoted names, bound values
           f"{connection.ops.quote_name('announce_on')} = "
           f"{planning._add_days(new_due, '-' + connection.ops.quote_name('announce_days'))} "
           f"WHERE id IN ({ids_sql})")
    day_param = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(sql, [day_param, day_param, *params])
        return max(cursor.rowcount, 0)


def _misblocked(queryset, *, freed: bool) -> list[int]:
    """Pending actions (of the documents of ``queryset``) whose ``blocked`` flag is wrong: a pending
    action is blocked iff it is not its document's first pending step. One grouped pass (linear),
    ``freed=True``: blocked ones to free; ``False``: free ones to block."""
    q = connection.ops.quote_name
    table, order, state = q(AutomatedAction._meta.db_table), q("order"), q("state")
    scope_sql, scope_params = queryset.values("document_id").query.sql_with_params()
    states = ", ".join(["%s"] * len(PENDING))
    condition = f"t.blocked AND t.{order} <= m.first" if freed else f"NOT t.blocked AND t.{order} > m.first"
    sql = (f"SELECT t.id FROM {table} t JOIN (SELECT document_id, MIN({order}) AS first FROM {table} "  # noqa: S608
           f"WHERE {state} IN ({states}) AND document_id IN ({scope_sql}) GROUP BY document_id) m "
           f"ON m.document_id = t.document_id WHERE t.{state} IN ({states}) AND {condition}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*PENDING, *scope_params, *PENDING])
        return [row[0] for row in cursor.fetchall()]


def _update_in_chunks(ids, **values) -> None:
    for i in range(0, len(ids), 10000):
        AutomatedAction.objects.filter(pk__in=ids[i:i + 10000]).update(**values)


def recompute_blocked(queryset) -> int:
    """Make ``blocked`` true again for the documents of ``queryset`` (only wrong flags are written)."""
    freed, blocked = _misblocked(queryset, freed=True), _misblocked(queryset, freed=False)
    _update_in_chunks(freed, blocked=False)
    _update_in_chunks(blocked, blocked=True)
    return len(freed) + len(blocked)


def _recompute_approval(queryset, preference: ActivityPreference) -> int:
    """needs_approval of pending actions from the step, the activity's and the clients' preferences."""
    if preference.ask_before_every_step:
        return queryset.filter(state__in=PENDING).update(needs_approval=True)
    condition = (Q(kind=StepKind.LITIGATION)
                 | Q(Exists(PlanStep.objects.filter(pk=OuterRef("step_id"), requires_approval=True)))
                 | Q(Exists(ClientPreference.objects.filter(client_id=OuterRef("client_id"), never_remind=True))))
    if preference.ask_before_formal_notice:
        condition |= Q(kind=StepKind.FORMAL_NOTICE)
    return queryset.filter(state__in=PENDING).update(
        needs_approval=Case(When(condition, then=Value(True)), default=Value(False)))


def activity_preference(activity) -> ActivityPreference:
    """The activity's preferences (the defaults when never saved)."""
    pref = ActivityPreference.objects.filter(activity_id=activity.pk).first()
    return pref or ActivityPreference(activity=activity)


def active_plan(entity_id: int) -> CollectionPlan | None:
    return CollectionPlan.objects.filter(entity_id=entity_id, active=True).first()


def _unblock(queryset, today: datetime.date | None = None) -> None:
    """Recompute ``blocked``; the actions it frees are moved past the next announcement."""
    freed, blocked = _misblocked(queryset, freed=True), _misblocked(queryset, freed=False)
    _update_in_chunks(blocked, blocked=True)
    if freed:
        _update_in_chunks(freed, blocked=False)
        day = next_announce_day(today)
        for i in range(0, len(freed), 10000):
            _push_dates(AutomatedAction.objects.filter(pk__in=freed[i:i + 10000]), day)


def holders_by_activity(activity_ids) -> dict[int, list]:
    """The people who hear about an activity's collections: its holders who have not left."""
    from compagnon.members.models import ActivityMembership, ActivityRole, MemberStatus

    out: dict[int, list] = {}
    rows = (ActivityMembership.objects.filter(activity_id__in=list(activity_ids), role=ActivityRole.HOLDER,
                                              member__user__is_active=True)
            .exclude(member__status=MemberStatus.LEFT)
            .values_list("activity_id", "member__user_id", "member__user__language", "member__user__email"))
    for activity_id, user_id, language, email in rows:
        out.setdefault(activity_id, []).append(SimpleNamespace(pk=user_id, language=language, email=email))
    return out


def notifications_installed() -> bool:
    return apps.is_installed("compagnon.notifications")


@dataclass
class Outcome:
    state: str
    result: dict
    reason: str = ""


def _history(action) -> dict:
    """The earlier steps of this document that were carried out: first contact and formal notice."""
    done = list(AutomatedAction.objects.filter(document_id=action.document_id, state=ActionState.EXECUTED)
                .exclude(pk=action.pk).exclude(kind=StepKind.QUOTE_FOLLOW_UP)
                .order_by("executed_on", "order", "id").values("kind", "channel", "executed_on", "result"))
    out = dict(NO_HISTORY)
    if done:
        first = done[0]
        out["first_reminder_on"] = first["executed_on"]
        out["first_reminder_channel"] = (first["result"] or {}).get("channel") or first["channel"]
    for row in done:
        if row["kind"] == StepKind.FORMAL_NOTICE:
            out["formal_notice_on"] = row["executed_on"]
    return out


def claim_for(action, document, on: datetime.date, *, history: dict | None = None, channel: str | None = None):
    """What the law allows to claim at this step on ``on`` (see law.legal_claim)."""
    history = history if history is not None else _history(action)
    days_late = (on - document.due_date).days if document.due_date else 0
    return law.legal_claim(
        jurisdiction=document.entity.jurisdiction, client_kind=client_kind(document), amount=outstanding(document),
        days_late=days_late, step=action.kind, on=on, channel=channel or action.channel,
        terms=action.step.plan.terms, **history)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _document_url(document) -> str:
    return reverse("document-detail", args=[document.pk]) + "#collections"


def _case_event(case, kind: str, message: str, *, actor=None, for_member: bool = True, **params) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, message=message, params=params,
                                    for_member=for_member)


def collections_agents(entity_id: int) -> list:
    from compagnon.accounts.models import Role, RoleAssignment

    rows = (RoleAssignment.objects.filter(entity_id=entity_id, role=Role.SUPPORT, service="collections",
                                          user__is_active=True)
            .values_list("user_id", "user__language", "user__email").distinct())
    agents = [SimpleNamespace(pk=u, language=lang, email=email) for u, lang, email in rows]
    if not agents:  # no collections service yet: the administrators hear about it
        rows = (RoleAssignment.objects.filter(entity_id=entity_id, role=Role.ADMIN, user__is_active=True)
                .values_list("user_id", "user__language", "user__email").distinct())
        agents = [SimpleNamespace(pk=u, language=lang, email=email) for u, lang, email in rows]
    return agents
