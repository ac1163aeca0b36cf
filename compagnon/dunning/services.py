"""Every state change of collections: plans, preferences, the member's decisions, the daily run, the
execution of one action, and the litigation cases.

The daily run (``run_collections``) is set-based and idempotent:

1. **plan** — for each active plan, the documents numbered since the last run (a range of the
   numbering index past ``PlanningCursor``) get their actions in one ``INSERT … SELECT`` per step;
2. **announce** — the actions whose ``announce_on`` falls between the last announced day and today
   are announced to the activity's holders (one in-app notification per activity and day, one email
   digest per person with a one-click hold link per action); the day is then recorded as announced
   (``CollectionRun.announced``). An action never runs before being announced: whatever makes an
   action runnable later (unblocking, resuming, restoring) moves it past the next announcement;
3. **hand over** — the due runnable actions are selected by one range scan of the partial index
   ``RUNNABLE`` and handed in batches to ``tasks.execute_actions`` after commit. The day's run row
   is locked meanwhile and marked ``claimed``: two runs at the same time, or a second run the same
   day, hand nothing over twice. Nothing is written per action here, and the rows are not locked
   either: a PostgreSQL row lock writes the row (a dirty page and WAL for each of the day's
   actions), which tripled the cost of this step at a million invoices for no safety gain — the
   row lock that matters is taken by the task that carries the action out;
4. **execute** (the task) — each action is locked (``FOR UPDATE SKIP LOCKED``: another worker on the
   same action keeps it), checked (still runnable, still due, document still open), carried out
   (email with the PDF, letter PDF, handover to the collections service) and marked *executed* in
   one transaction: an action is carried out at most once. A hold given after the run but before
   its execution is still obeyed; a failure leaves it runnable for the next run.

Others call ``refresh_document(document)`` when a document changes outside collections (payments:
paid, or unpaid again; sales: a quote re-sent): pending actions are cancelled or reopened.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Case, Exists, Max, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.sales.models import Document, DocumentCounter, Kind, PaymentState, State

from . import law, planning, texts
from .models import (
    OPEN_CASE,
    PENDING,
    RUNNABLE,
    TO_ANNOUNCE,
    ActionState,
    ActivityPreference,
    AutomatedAction,
    CaseDocument,
    CaseEvent,
    CaseFile,
    CaseNote,
    CaseStatus,
    Channel,
    ClientPreference,
    CollectionCase,
    CollectionPlan,
    CollectionRun,
    PlanningCursor,
    PlanStep,
    StepKind,
    StepTemplate,
)

logger = logging.getLogger(__name__)

# why an action was cancelled or skipped
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
NOTICE_DAYS = 8  # days given by a formal notice

DEFAULT_STEPS = [
    # (order, kind, label, delay, channel, requires approval, announce days)
    (1, StepKind.REMINDER, gettext_noop("First reminder"), 3, Channel.EMAIL, False, 3),
    (2, StepKind.REMINDER, gettext_noop("Second reminder"), 15, Channel.EMAIL, False, 3),
    (3, StepKind.FORMAL_NOTICE, gettext_noop("Formal notice"), 30, Channel.EMAIL, True, 5),
    (4, StepKind.LITIGATION, gettext_noop("Handover to the collections service"), 60, Channel.EMAIL, True, 5),
    (10, StepKind.QUOTE_FOLLOW_UP, gettext_noop("Quote follow-up"), 10, Channel.EMAIL, False, 2),
]


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


# --- plans (entity administrators) --------------------------------------------------------------


def active_plan(entity_id: int) -> CollectionPlan | None:
    return CollectionPlan.objects.filter(entity_id=entity_id, active=True).first()


@transaction.atomic
def create_default_plan(*, actor, entity) -> CollectionPlan:
    """The recommended plan: two reminders, a formal notice and the handover (both with the
    member's OK), and a quote follow-up. Active unless the entity already has an active plan."""
    require(actor, "dunning.change_plan", entity)
    active = not CollectionPlan.objects.filter(entity_id=entity.pk, active=True).exists()
    with translation.override(entity.default_language or "fr"):
        plan = CollectionPlan.objects.create(entity=entity, name=_("Collection plan"), active=active)
        for order, kind, label, delay, channel, approval, announce in DEFAULT_STEPS:
            PlanStep.objects.create(plan=plan, order=order, kind=kind, label=_(label), delay_days=delay,
                                    channel=channel, requires_approval=approval, announce_days_before=announce)
    _audit(actor, plan, "plan_created", gettext_noop("Collection plan %(plan)s created"), entity=entity,
           plan=plan.name)
    if active:
        _replan_after_commit(plan)
    return plan


def _replan_after_commit(plan):
    from .tasks import replan_entity as task

    entity_id = plan.entity_id
    transaction.on_commit(lambda: task.enqueue(entity_id=entity_id))


@transaction.atomic
def save_plan(*, actor, plan: CollectionPlan, **fields) -> CollectionPlan:
    plan = CollectionPlan.objects.select_for_update().get(pk=plan.pk)
    require(actor, "dunning.change_plan", plan)
    allowed = {"name", "active", "rate_basis", "contract_rate", "consumer_clause"}
    before = {k: getattr(plan, k) for k in allowed}
    for key, value in fields.items():
        if key in allowed:
            setattr(plan, key, value)
    if plan.rate_basis == "contract" and plan.contract_rate is None:
        raise ValidationError({"contract_rate": _("Give the rate of your terms of sale.")})
    if plan.active and CollectionPlan.objects.filter(entity_id=plan.entity_id, active=True).exclude(pk=plan.pk).exists():
        raise ValidationError({"active": _("Another plan of this entity is active: deactivate it first.")})
    plan.full_clean()
    plan.save()
    _audit(actor, plan, "plan_changed", gettext_noop("Collection plan %(plan)s changed"), entity=plan.entity,
           plan=plan.name)
    if plan.active and not before["active"]:
        _replan_after_commit(plan)
    if not plan.active and before["active"]:
        pending = AutomatedAction.objects.filter(step__plan=plan, state__in=PENDING)
        pending.update(state=ActionState.CANCELLED, reason=REASON_PLAN, updated_at=timezone.now())
    return plan


@transaction.atomic
def save_step(*, actor, plan: CollectionPlan, step: PlanStep | None = None, texts_by_language: dict | None = None,
              **fields) -> PlanStep:
    """Add or change a step. ``texts_by_language``: {"fr": (subject, body), …}; an empty subject and
    body removes that language's text (the built-in one is used)."""
    plan = CollectionPlan.objects.select_for_update().get(pk=plan.pk)
    require(actor, "dunning.change_plan", plan)
    creating = step is None
    step = PlanStep(plan=plan) if creating else PlanStep.objects.select_for_update().get(pk=step.pk, plan=plan)
    before = {"requires_approval": step.requires_approval, "channel": step.channel}
    for key in ("order", "kind", "label", "delay_days", "channel", "requires_approval", "announce_days_before"):
        if key in fields:
            setattr(step, key, fields[key])
    if not creating and "kind" in fields and fields["kind"] != PlanStep.objects.get(pk=step.pk).kind \
            and step.actions.exists():
        raise ValidationError({"kind": _("This step already has actions: add a new step instead of changing its kind.")})
    if step.kind == StepKind.LITIGATION:
        step.requires_approval = True  # handing a client's file over is never automatic
    errors = {}
    if PlanStep.objects.filter(plan=plan, order=step.order).exclude(pk=step.pk).exists():
        errors["order"] = _("Another step already has this position.")
    for language, (subject, body) in (texts_by_language or {}).items():
        unknown = texts.unknown_placeholders(subject) + texts.unknown_placeholders(body)
        if unknown:
            errors[f"body_{language}"] = _("Unknown placeholders: %(names)s.") % {
                "names": ", ".join(f"{{{n}}}" for n in unknown)}
    if errors:
        raise ValidationError(errors)
    step.full_clean(exclude=["plan"])
    step.save()
    for language, (subject, body) in (texts_by_language or {}).items():
        if subject.strip() or body.strip():
            StepTemplate.objects.update_or_create(step=step, language=language,
                                                  defaults={"subject": subject.strip()[:200], "body": body.strip()})
        else:
            StepTemplate.objects.filter(step=step, language=language).delete()
    pending = AutomatedAction.objects.filter(step=step, state__in=PENDING)
    if not creating and before["channel"] != step.channel:
        pending.update(channel=step.channel)
    if not creating and before["requires_approval"] != step.requires_approval:
        for activity_id in pending.values_list("activity_id", flat=True).distinct():
            pref = ActivityPreference.objects.filter(activity_id=activity_id).first() or ActivityPreference()
            _recompute_approval(pending.filter(activity_id=activity_id), pref)
    _audit(actor, step, "step_saved", gettext_noop("Step %(step)s of the collection plan %(plan)s saved"),
           entity=plan.entity, step=str(step), plan=plan.name)
    if creating and plan.active and step.active:
        _replan_after_commit(plan)
    return step


@transaction.atomic
def remove_step(*, actor, step: PlanStep) -> PlanStep:
    """Take a step out of the plan: its pending actions are cancelled, the next steps move up."""
    step = PlanStep.objects.select_for_update().select_related("plan").get(pk=step.pk)
    require(actor, "dunning.change_plan", step.plan)
    step.active = False
    step.save(update_fields=["active"])
    pending = AutomatedAction.objects.filter(step=step, state__in=PENDING)
    documents = list(pending.values_list("document_id", flat=True))
    pending.update(state=ActionState.CANCELLED, reason=REASON_PLAN, updated_at=timezone.now())
    _unblock(AutomatedAction.objects.filter(document_id__in=documents))
    _audit(actor, step, "step_removed", gettext_noop("Step %(step)s removed from the collection plan %(plan)s"),
           entity=step.plan.entity, step=str(step), plan=step.plan.name)
    return step


def _unblock(queryset, today: datetime.date | None = None) -> None:
    """Recompute ``blocked``; the actions it frees are moved past the next announcement."""
    freed, blocked = _misblocked(queryset, freed=True), _misblocked(queryset, freed=False)
    _update_in_chunks(blocked, blocked=True)
    if freed:
        _update_in_chunks(freed, blocked=False)
        day = next_announce_day(today)
        for i in range(0, len(freed), 10000):
            _push_dates(AutomatedAction.objects.filter(pk__in=freed[i:i + 10000]), day)


def replan_entity(entity_id: int, *, today: datetime.date | None = None) -> int:
    """Plan every open document of the entity on its active plan (new plan, new step), then move
    the cursors to the current numbers. Set-based; planning twice inserts nothing more."""
    plan = active_plan(entity_id)
    if plan is None:
        return 0
    today = _today(today)
    steps = list(plan.steps.filter(active=True))
    orders = planning.first_orders(steps)
    earliest = next_announce_day(today)
    inserted = 0
    with transaction.atomic():
        cursors = _lock_cursors(entity_id)
        for step in steps:
            inserted += planning.insert_actions(step, first_order=orders[planning.group_of(step)],
                                                earliest=earliest, entity_id=entity_id)
        if inserted > 10000 and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics for what follows
                cursor.execute(f"ANALYZE {connection.ops.quote_name(AutomatedAction._meta.db_table)}")
        for counter in DocumentCounter.objects.filter(entity_id=entity_id, series__in=["invoice", "quote"]):
            cursor = cursors.get((counter.series, counter.year))
            if cursor is None:
                PlanningCursor.objects.create(entity_id=entity_id, series=counter.series, year=counter.year,
                                              last_sequence=counter.last)
            elif cursor.last_sequence < counter.last:
                cursor.last_sequence = counter.last
                cursor.save(update_fields=["last_sequence"])
        _unblock(AutomatedAction.objects.filter(entity_id=entity_id), today)
    return inserted


def _lock_cursors(entity_id: int) -> dict:
    return {(c.series, c.year): c for c in PlanningCursor.objects.select_for_update().filter(entity_id=entity_id)}


# --- preferences (the member) -------------------------------------------------------------------


@transaction.atomic
def set_activity_preferences(*, actor, activity, ask_before_formal_notice: bool, ask_before_every_step: bool,
                             paused: bool) -> ActivityPreference:
    pref = ActivityPreference.objects.select_for_update().filter(activity_id=activity.pk).first()
    pref = pref or ActivityPreference(activity=activity)
    require(actor, "dunning.decide_action", pref)
    was_paused = pref.paused
    before = {"ask_before_formal_notice": pref.ask_before_formal_notice,
              "ask_before_every_step": pref.ask_before_every_step, "paused": pref.paused}
    pref.ask_before_formal_notice, pref.ask_before_every_step, pref.paused = (
        ask_before_formal_notice, ask_before_every_step, paused)
    pref.updated_by = actor
    pref.save()
    pending = AutomatedAction.objects.filter(activity_id=activity.pk, state__in=PENDING)
    _recompute_approval(pending, pref)
    if was_paused != paused:
        pending.update(paused=paused)
        if not paused:  # what was due meanwhile is announced again before it runs
            _push_dates(pending, next_announce_day())
    record(actor=actor, action="collections.preferences_changed", obj=activity, activity=activity,
           entity=activity.entity, message=gettext_noop("Collection preferences of %(activity)s changed"),
           params={"activity": activity.name}, before=before,
           after={"ask_before_formal_notice": ask_before_formal_notice, "ask_before_every_step": ask_before_every_step,
                  "paused": paused})
    return pref


@transaction.atomic
def set_client_preference(*, actor, client, never_remind: bool) -> ClientPreference:
    require(actor, "dunning.decide_action", client)
    pref, _created = ClientPreference.objects.select_for_update().get_or_create(client=client)
    pref.never_remind, pref.updated_by = never_remind, actor
    pref.save()
    activity = client.activity
    documents = Document.objects.filter(client_id=client.pk).values("pk")
    _recompute_approval(AutomatedAction.objects.filter(document_id__in=documents, state__in=PENDING),
                        activity_preference(activity))
    record(actor=actor, action="collections.client_preference_changed", obj=client, activity=activity,
           entity=activity.entity,
           message=gettext_noop("%(client)s: never remind automatically") if never_remind
           else gettext_noop("%(client)s: reminders follow the plan again"),
           params={"client": client.name})
    return pref


# --- the member's decisions on one action -------------------------------------------------------

DECISIONS = {
    "hold": ({ActionState.SCHEDULED, ActionState.APPROVED}, ActionState.HELD,
             gettext_noop("%(step)s of %(document)s put on hold")),
    "approve": ({ActionState.SCHEDULED, ActionState.HELD}, ActionState.APPROVED,
                gettext_noop("%(step)s of %(document)s approved")),
    "cancel": (set(PENDING), ActionState.CANCELLED, gettext_noop("%(step)s of %(document)s cancelled")),
    "restore": ({ActionState.CANCELLED}, ActionState.SCHEDULED, gettext_noop("%(step)s of %(document)s restored")),
}


def _lock_action(action) -> AutomatedAction:
    return (AutomatedAction.objects.select_for_update(of=("self",))
            .select_related("document", "activity__entity", "step").get(pk=action.pk))


@transaction.atomic
def decide(*, actor, action: AutomatedAction, decision: str, today: datetime.date | None = None) -> AutomatedAction:
    """Hold, approve (OK), cancel or restore one action."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Unknown decision.")})
    action = _lock_action(action)
    require(actor, "dunning.decide_action", action)
    allowed, target, message = DECISIONS[decision]
    if action.state not in allowed or (decision == "restore" and action.reason not in (REASON_MEMBER, "")):
        raise ValidationError({"state": _("This action is %(state)s: it cannot be changed that way any more.")
                               % {"state": action.get_state_display()}})
    if decision == "restore" and closed_reason(action.document):
        raise ValidationError({"state": _("This document no longer needs collections.")})
    before = action.state
    action.state, action.decided_by, action.decided_at = target, actor, timezone.now()
    action.reason = REASON_MEMBER if decision == "cancel" else ""
    action.save(update_fields=["state", "decided_by", "decided_at", "reason", "updated_at"])
    _audit(actor, action.document, f"action_{decision}", message, activity=action.activity,
           entity=action.activity.entity, step=str(action.step), document=str(action.document))
    if decision in ("cancel", "restore"):
        _unblock(AutomatedAction.objects.filter(document_id=action.document_id), today)
    if decision == "restore":
        recompute_blocked(AutomatedAction.objects.filter(pk=action.pk))
        _push_dates(AutomatedAction.objects.filter(pk=action.pk), next_announce_day(today))
        action.refresh_from_db()
    logger.debug("action %s: %s -> %s", action.pk, before, target)
    return action


@transaction.atomic
def stop_document(*, actor, document) -> int:
    """No more automated actions on this document (every pending one is cancelled)."""
    require(actor, "dunning.decide_action", document)
    pending = AutomatedAction.objects.select_for_update().filter(document_id=document.pk, state__in=PENDING)
    n = pending.update(state=ActionState.CANCELLED, reason=REASON_MEMBER, decided_by=actor,
                       decided_at=timezone.now(), updated_at=timezone.now())
    if n:
        _audit(actor, document, "document_stopped",
               gettext_noop("Automated collections stopped for %(document)s"), activity=document.activity,
               entity=document.entity, document=str(document))
    return n


# --- what others call when a document changes ---------------------------------------------------


@transaction.atomic
def refresh_document(document, *, today: datetime.date | None = None) -> dict:
    """Bring the document's actions in line with it: cancel what is pending once it is paid (or the
    quote answered), reopen what was cancelled that way when it is open again, plan it if it never
    was. Idempotent; called by payments when a payment is matched or undone, and by the run."""
    today = _today(today)
    document = Document.objects.select_related("entity", "activity", "client").get(pk=document.pk)
    actions = AutomatedAction.objects.filter(document_id=document.pk)
    reason = closed_reason(document)
    out = {"cancelled": 0, "reopened": 0, "planned": 0}
    if reason:
        out["cancelled"] = _cancel_document(document, reason)
        return out
    auto_cancelled = actions.filter(state=ActionState.CANCELLED, reason__in=[REASON_PAID, REASON_CLOSED])
    ids = list(auto_cancelled.values_list("id", flat=True))
    if ids:
        out["reopened"] = AutomatedAction.objects.filter(pk__in=ids).update(
            state=ActionState.SCHEDULED, reason="", result={}, updated_at=timezone.now())
    plan = active_plan(document.entity_id)
    if plan is not None:
        steps = [s for s in plan.steps.filter(active=True)
                 if (s.kind == StepKind.QUOTE_FOLLOW_UP) == (document.kind == Kind.QUOTE)]
        orders = planning.first_orders(steps)
        earliest = next_announce_day(today)
        for step in steps:
            out["planned"] += planning.insert_actions(step, first_order=orders[planning.group_of(step)],
                                                      earliest=earliest, entity_id=document.entity_id,
                                                      document_id=document.pk)
    pending = actions.filter(state__in=PENDING)
    if out["reopened"] or out["planned"]:
        pref = activity_preference(document.activity)
        pending.update(paused=pref.paused)
        _recompute_approval(pending, pref)
        recompute_blocked(actions)
        if ids:
            _push_dates(AutomatedAction.objects.filter(pk__in=ids), next_announce_day(today))
    return out


def _cancel_document(document, reason: str) -> int:
    return _cancel_documents([document.pk], reason)


def documents_paid(document_ids, *, chunk: int = 5000) -> int:
    """Cancel the pending actions of documents that a payment has just settled, in a few queries
    whatever their number (the bank matcher settles thousands at once). Documents not paid in
    full are left alone."""
    ids = list(document_ids)
    cancelled = 0
    for start in range(0, len(ids), chunk):
        paid = Document.objects.filter(pk__in=ids[start:start + chunk], payment_state=PaymentState.PAID)
        cancelled += _cancel_documents(list(paid.values_list("pk", flat=True)), REASON_PAID)
    return cancelled


def _cancel_documents(ids: list[int], reason: str) -> int:
    """Cancel the pending actions of documents no longer open, set-based: an audit event for each
    document that had some, and, when they were paid, a timeline event on each open litigation
    case holding them (a case whose handover is done has no pending action left, and still hears
    of the payment)."""
    from compagnon.audit.models import AuditEvent
    from compagnon.audit.services import _param

    if not ids:
        return 0
    pending = AutomatedAction.objects.filter(document_id__in=ids, state__in=PENDING)
    touched = set(pending.order_by().values_list("document_id", flat=True).distinct())
    cancelled = 0
    if touched:
        cancelled = AutomatedAction.objects.filter(document_id__in=touched, state__in=PENDING).update(
            state=ActionState.CANCELLED, reason=reason, updated_at=timezone.now())
    links = list(CaseDocument.objects.filter(document_id__in=ids, case__status__in=OPEN_CASE)
                 .values_list("case_id", "document_id")) if reason == REASON_PAID else []
    wanted = touched | {document_id for _case, document_id in links}
    if not wanted:
        return cancelled
    documents = {d.pk: d for d in Document.objects.filter(pk__in=wanted).only(
        "pk", "number", "kind", "entity_id", "activity_id")}
    AuditEvent.objects.bulk_create([
        AuditEvent(action="collections.document_closed", object_type=Document._meta.label_lower,
                   object_id=str(pk), object_repr=str(documents[pk])[:200],
                   message=gettext_noop("Automated collections of %(document)s cancelled: %(reason)s"),
                   params={"document": str(documents[pk]), "reason": _param(REASONS[reason])},
                   entity_id=documents[pk].entity_id, activity_id=documents[pk].activity_id)
        for pk in sorted(touched)])
    CaseEvent.objects.bulk_create([
        CaseEvent(case_id=case_id, kind="document_paid", message=gettext_noop("%(document)s was paid"),
                  params={"document": str(documents[document_id])}, for_member=True)
        for case_id, document_id in links])
    return cancelled


# --- the daily run -----------------------------------------------------------------------------


@dataclass
class RunSummary:
    day: str
    planned: int = 0
    announced: int = 0
    claimed: int = 0
    timings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("day", "planned", "announced", "claimed", "timings")}


def run_collections(*, today: datetime.date | None = None, batch_size: int = EXECUTE_CHUNK,
                    inline: bool = False) -> dict:
    """The daily run (see the module docstring). Safe to run twice, or twice at the same time."""
    import time

    today = _today(today)
    summary = RunSummary(day=today.isoformat())
    CollectionRun.objects.get_or_create(day=today)
    t = time.perf_counter()
    summary.planned = plan_new_documents(today)
    summary.timings["plan"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    summary.announced, _written = announce(today)
    summary.timings["announce"] = round(time.perf_counter() - t, 4)
    t = time.perf_counter()
    summary.claimed = claim_due(today, batch_size=batch_size, inline=inline)
    summary.timings["claim"] = round(time.perf_counter() - t, 4)
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        previous = run.summary or {}
        run.summary = {k: (previous.get(k, 0) + v if isinstance(v, int) else v) for k, v in summary.as_dict().items()}
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "finished_at"])
    return summary.as_dict()


def plan_new_documents(today: datetime.date) -> int:
    """Actions for the invoices issued and quotes sent since the last run (numbering range scans)."""
    inserted = 0
    earliest = next_announce_day(today)
    for plan in CollectionPlan.objects.filter(active=True).prefetch_related("steps"):
        steps = [s for s in plan.steps.all() if s.active]
        if not steps:
            continue
        orders = planning.first_orders(steps)
        with transaction.atomic():
            cursors = _lock_cursors(plan.entity_id)
            for counter in DocumentCounter.objects.filter(entity_id=plan.entity_id, series__in=["invoice", "quote"]):
                cursor = cursors.get((counter.series, counter.year))
                done = cursor.last_sequence if cursor else 0
                if counter.last <= done:
                    continue
                group = "quote" if counter.series == "quote" else "invoice"
                for step in steps:
                    if planning.group_of(step) == group:
                        inserted += planning.insert_actions(
                            step, first_order=orders[group], earliest=earliest, entity_id=plan.entity_id,
                            series_range=(counter.series, counter.year, done, counter.last))
                if cursor is None:
                    PlanningCursor.objects.create(entity_id=plan.entity_id, series=counter.series,
                                                  year=counter.year, last_sequence=counter.last)
                else:
                    cursor.last_sequence = counter.last
                    cursor.save(update_fields=["last_sequence"])
    return inserted


def announce(today: datetime.date) -> tuple[int, int]:
    """Announce what falls between the last announced day and today, and record today as
    announced. The announcements themselves (one in-app notification per activity holder, one
    email per person) are written by ``tasks.announce_actions`` after commit, like every side
    effect. Returns (actions announced, 0)."""
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        if run.announced:
            return 0, 0
        since = announced_through()
        count = 0
        if since is None or since < today:
            qs = announcement_queryset(since, today)
            # announced late (no run on their day): they still get their whole notice period
            if since is None or since < today - datetime.timedelta(days=1):
                _push_dates(qs.filter(announce_on__lt=today), today)
            count = qs.count()
        run.announced = True
        run.save(update_fields=["announced"])
        if count:
            from .tasks import announce_actions

            since_iso = since.isoformat() if since else ""
            transaction.on_commit(lambda: announce_actions.enqueue(since=since_iso, until=today.isoformat()))
        return count, 0


def announcement_queryset(since: datetime.date | None, until: datetime.date):
    qs = AutomatedAction.objects.filter(TO_ANNOUNCE, announce_on__lte=until)
    return qs.filter(announce_on__gt=since) if since is not None else qs


def write_announcements(since: datetime.date | None, until: datetime.date) -> int:
    """The in-app notifications of the actions announced in (since, until], one per activity
    holder and activity (idempotent: keyed), then the email digests. Returns notifications written.
    One grouped, index-only read (how many, the first day, how many wait for an OK): the emails
    list the actions one by one."""
    from django.db.models import Count, Min

    rows = (announcement_queryset(since, until).order_by().values("activity_id")
            .annotate(total=Count("*"), first=Min("due_on"),
                      waiting=Count("needs_approval", filter=Q(needs_approval=True)))
            .values_list("activity_id", "total", "first", "waiting"))
    by_activity = {activity_id: {"total": total, "first": first, "waiting": waiting}
                   for activity_id, total, first, waiting in rows}
    notified, users = _notify_announcements(by_activity, until)
    if users:
        since_iso = since.isoformat() if since else ""
        chunks = [sorted(users)[i:i + 200] for i in range(0, len(users), 200)]
        _enqueue_digests(chunks, since_iso, until)
    return notified


def _enqueue_digests(chunks, since_iso: str, today: datetime.date) -> None:
    from contextlib import nullcontext

    from .tasks import send_announcement_digests

    with transaction.atomic() if send_announcement_digests.get_backend().supports_defer else nullcontext():
        for chunk in chunks:
            send_announcement_digests.enqueue(user_ids=chunk, since=since_iso, until=today.isoformat())


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


def _notify_announcements(by_activity: dict, today) -> tuple[int, set]:
    """One notification per activity holder and activity: what runs in the coming days."""
    if not by_activity:
        return 0, set()
    from compagnon.members.models import Activity

    holders = holders_by_activity(by_activity)
    users = {u.pk for people in holders.values() for u in people}
    if not notifications_installed():
        return 0, users
    from compagnon.notifications.services import Message, notify_many

    names = dict(Activity.objects.filter(pk__in=list(by_activity)).values_list("pk", "name"))
    messages = []
    for activity_id, entry in by_activity.items():
        url = reverse("collections-activity", args=[activity_id])
        name = names.get(activity_id, "")

        def title(n=entry["total"], name=name):
            return (_("Collections: %(n)s action planned for %(activity)s") if n == 1
                    else _("Collections: %(n)s actions planned for %(activity)s")) % {"n": n, "activity": name}

        def body(entry=entry):
            lines = [_("The first one goes on %(date)s unless you hold it.")
                     % {"date": date_format(entry["first"], "DATE_FORMAT")}]
            if entry["waiting"]:
                lines.append((_("%(n)s of them waits for your OK.") if entry["waiting"] == 1
                              else _("%(n)s of them wait for your OK.")) % {"n": entry["waiting"]})
            lines.append(_("Open the list to hold any of them with one tap; the email lists them one by one."))
            return "\n".join(lines)

        for user in holders.get(activity_id, []):
            messages.append(Message(user=user, title=title, body=body, url=url,
                                    key=f"dunning:announce:{activity_id}:{today.isoformat()}"))
    notify_many(messages)
    return len(messages), users


def claim_due(today: datetime.date, *, batch_size: int = EXECUTE_CHUNK, inline: bool = False) -> int:
    """Hand the due runnable actions over to execution, once per day (see the module docstring)."""
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(day=today)
        if run.claimed:
            return 0
        ids = select_due(today)
        run.claimed = True
        run.save(update_fields=["claimed"])
        chunks = [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]
        if chunks:
            transaction.on_commit(lambda: _dispatch(chunks, today, inline))
    return len(ids)


def select_due(today: datetime.date) -> list[int]:
    """The due runnable actions, soonest first: one range scan of the partial index RUNNABLE."""
    return list(AutomatedAction.objects.filter(RUNNABLE, due_on__lte=today).order_by("due_on", "id")
                .values_list("id", flat=True))


def _dispatch(chunks, today, inline: bool) -> None:
    """After the run's commit: carry the batches out here (``inline``) or enqueue them, in one
    transaction when the backend is a queue (one commit for all, not one per task)."""
    from contextlib import nullcontext

    from .tasks import execute_actions

    if inline:
        for chunk in chunks:
            execute_batch(chunk, today=today)
        return
    with transaction.atomic() if execute_actions.get_backend().supports_defer else nullcontext():
        for chunk in chunks:
            execute_actions.enqueue(ids=",".join(map(str, chunk)), day=today.isoformat())


# --- executing one action ----------------------------------------------------------------------


@dataclass
class Outcome:
    state: str
    result: dict
    reason: str = ""


def execute_batch(action_ids, *, today: datetime.date | None = None) -> dict:
    today = _today(today)
    counts: dict[str, int] = {}
    for pk in action_ids:
        state = execute_action(pk, today=today)
        counts[state] = counts.get(state, 0) + 1
    return counts


def is_runnable(action, today: datetime.date) -> bool:
    """The condition RUNNABLE, and due by ``today`` (checked again under the row lock)."""
    return (not action.blocked and not action.paused and action.due_on <= today
            and (action.state == ActionState.APPROVED
                 or (action.state == ActionState.SCHEDULED and not action.needs_approval)))


def execute_action(action_id: int, *, today: datetime.date | None = None) -> str:
    """Carry out one due action, at most once: locked (``SKIP LOCKED``: a worker already on it
    keeps it), checked, done and marked in one transaction."""
    today = _today(today)
    with transaction.atomic():
        action = (AutomatedAction.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("document__entity", "document__activity", "document__client", "document__created_by",
                                  "step__plan", "activity__entity", "client")
                  .filter(pk=action_id).first())
        if action is None:
            return "locked"
        if not is_runnable(action, today):
            return action.state
        document = action.document
        reason = closed_reason(document)
        if reason:
            _cancel_document(document, reason)
            AutomatedAction.objects.filter(pk=action.pk).update(state=ActionState.CANCELLED, reason=reason,
                                                                updated_at=timezone.now())
            return ActionState.CANCELLED
        try:
            with transaction.atomic():
                outcome = _perform(action, document, today)
        except Exception as exc:  # noqa: BLE001 - any failure: the action waits for the next run
            logger.exception("collections: action %s failed", action.pk)
            failures = int((action.result or {}).get("failures", 0)) + 1
            action.result = {"error": str(exc)[:500], "at": timezone.now().isoformat(), "failures": failures}
            if failures < MAX_FAILURES:
                action.save(update_fields=["result", "updated_at"])
                return "failed"
            action.state, action.reason = ActionState.SKIPPED, REASON_FAILED
            action.save(update_fields=["state", "reason", "result", "updated_at"])
            _audit(None, document, "action_failed", gettext_noop("%(step)s of %(document)s could not be carried out"),
                   activity=action.activity, entity=action.entity, step=str(action.step), document=str(document))
            _after_final(action, today)
            return ActionState.SKIPPED
        action.state, action.result, action.reason = outcome.state, outcome.result, outcome.reason
        action.executed_at, action.executed_on = timezone.now(), today
        action.save(update_fields=["state", "result", "reason", "executed_at", "executed_on", "letter", "updated_at"])
        _audit(None, document, f"action_{outcome.state}", gettext_noop("%(step)s of %(document)s: %(what)s"),
               activity=action.activity, entity=action.entity, step=str(action.step), document=str(document),
               what=outcome.result.get("summary", ""))
        _after_final(action, today)
        return outcome.state


def _history(action) -> dict:
    """The earlier steps of this document that were carried out: first contact and formal notice."""
    done = list(AutomatedAction.objects.filter(document_id=action.document_id, state=ActionState.EXECUTED)
                .exclude(pk=action.pk).exclude(kind=StepKind.QUOTE_FOLLOW_UP)
                .order_by("executed_on", "order", "id").values("kind", "channel", "executed_on", "result"))
    out = {"first_reminder_on": None, "first_reminder_channel": "email", "formal_notice_on": None}
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


def recipients(document) -> list[str]:
    from compagnon.clients.models import Contact

    client = document.client
    emails = [client.email] if client.email else []
    if not emails:
        primary = Contact.objects.filter(client_id=client.pk).exclude(email="").order_by("-is_primary", "id").first()
        if primary:
            emails = [primary.email]
    return emails


def _reply_to(document) -> list[str]:
    user = document.created_by
    if user is not None and user.email:
        return [user.email]
    return [document.entity.email] if document.entity.email else []


def _perform(action, document, today) -> Outcome:
    if action.kind == StepKind.LITIGATION:
        return _handover(action, document, today)
    history = _history(action)
    to = recipients(document)
    channel = action.channel if to else Channel.LETTER
    claim = None if action.kind == StepKind.QUOTE_FOLLOW_UP else claim_for(action, document, today,
                                                                              history=history, channel=channel)
    first = history["first_reminder_on"] is None
    subject, body = texts.render(action.step, action, document, claim, today=today, first=first)
    result = {"channel": channel, "subject": subject, "claim": claim.as_dict() if claim else None,
              "language": document.language}
    letter = None
    if channel == Channel.LETTER or action.kind == StepKind.FORMAL_NOTICE:
        from .letters import render_letter

        letter = render_letter(action, document, claim, subject=subject, body=body, today=today)
        name = f"{document.number or document.pk}-{action.kind}.pdf".replace("/", "-")
        action.letter.save(name, ContentFile(letter), save=False)
        result["letter"] = action.letter.name
        result["letter_sha256"] = _sha(letter)
    if channel == Channel.LETTER:
        result["fallback"] = "" if action.channel == Channel.LETTER else "no_email"
        result["summary"] = _("letter ready to post")
        _notify_letter(action, document, subject)
        return Outcome(ActionState.EXECUTED, result)
    from compagnon.portal.services import archived_pdf

    pdf, digest = archived_pdf(document)
    attachments = [(f"{document.number or document.pk}.pdf".replace("/", "-"), pdf)]
    if letter is not None:
        attachments.append((action.letter.name.rsplit("/", 1)[-1], letter))
    _send_email(to=to, subject=subject, body=body, reply_to=_reply_to(document), attachments=attachments)
    from compagnon.sales.models import DocumentEmail

    DocumentEmail.objects.create(document=document, to=", ".join(to), subject=subject, body=body, sent_by=None)
    result.update(to=to, attachments=[a[0] for a in attachments], pdf_sha256=digest,
                  summary=_("email sent to %(to)s") % {"to": ", ".join(to)})
    return Outcome(ActionState.EXECUTED, result)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _send_email(*, to, subject, body, reply_to=None, attachments=()) -> int:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    for name, data in attachments:
        message.attach(name, data, "application/pdf")
    return message.send()


def _document_url(document) -> str:
    return reverse("document-detail", args=[document.pk]) + "#collections"


def _notify_letter(action, document, subject) -> None:
    holders = holders_by_activity([action.activity_id]).get(action.activity_id, [])
    if notifications_installed():
        from compagnon.notifications.services import Message, notify_many

        notify_many([Message(
            user=u, url=_document_url(document), key=f"dunning:letter:{action.pk}",
            title=lambda: _("Letter to post: %(subject)s") % {"subject": subject},
            body=lambda: _("The letter for %(document)s is ready: download it from the document's collections "
                           "panel, print it and post it (by registered mail for a formal notice).")
            % {"document": document.number}) for u in holders])
    from .tasks import send_member_email

    user_ids = [u.pk for u in holders]
    transaction.on_commit(lambda: send_member_email.enqueue(user_ids=user_ids, action_id=action.pk, kind="letter"))


def _after_final(action, today) -> None:
    """The next step of the document may go now; it is announced before it runs, and for a Belgian
    private client, not before the end of the 14 days that follow the free first reminder."""
    following = (AutomatedAction.objects.select_for_update()
                 .filter(document_id=action.document_id, state__in=PENDING, order__gt=action.order)
                 .order_by("order", "id").first())
    if following is None:
        return
    if AutomatedAction.objects.filter(document_id=action.document_id, order__lt=following.order,
                                      state__in=PENDING).exists():
        return
    following.blocked = False
    day = next_announce_day(today)
    due = max(following.due_on, day + datetime.timedelta(days=following.announce_days))
    if action.state == ActionState.EXECUTED and action.kind != StepKind.QUOTE_FOLLOW_UP:
        document = action.document
        if (document.entity.jurisdiction, client_kind(document)) == ("BE", law.INDIVIDUAL):
            history = _history(following)
            if history["first_reminder_on"] is not None:
                due = max(due, law.be_consumer_period(history["first_reminder_on"],
                                                      history["first_reminder_channel"])[1])
    following.due_on = due
    following.announce_on = due - datetime.timedelta(days=following.announce_days)
    following.save(update_fields=["blocked", "due_on", "announce_on", "updated_at"])


# --- litigation: the collections service -------------------------------------------------------


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


def _handover(action, document, today) -> Outcome:
    claim = claim_for(action, document, today)
    case = (CollectionCase.objects.select_for_update()
            .filter(activity_id=action.activity_id, client_id=action.client_id, status__in=OPEN_CASE).first())
    created = case is None
    if created:
        case = CollectionCase.objects.create(entity_id=action.entity_id, activity_id=action.activity_id,
                                             client_id=action.client_id)
        _case_event(case, "opened", gettext_noop("Case opened: %(document)s handed over by the collection plan"),
                    document=str(document))
    _link, added = CaseDocument.objects.get_or_create(case=case, document=document, defaults={"action": action})
    if added and not created:
        _case_event(case, "document_added", gettext_noop("%(document)s added to the case"), document=str(document))
    if added:
        case.amount_due += claim.total
        case.save(update_fields=["amount_due", "updated_at"])
    url = reverse("collections-case", args=[case.pk])
    if notifications_installed():
        from compagnon.notifications.services import Message, notify_many

        agents = collections_agents(action.entity_id)
        members = holders_by_activity([action.activity_id]).get(action.activity_id, [])
        notify_many([Message(user=u, url=url, key=f"dunning:case:{case.pk}:{document.pk}",
                             title=lambda: _("New collections case: %(client)s") % {"client": document.client.name},
                             body=lambda: _("%(document)s (%(amount)s) was handed over by the collection plan.")
                             % {"document": document.number, "amount": texts.eur(claim.total)})
                     for u in agents]
                    + [Message(user=u, url=url, key=f"dunning:case-member:{case.pk}:{document.pk}",
                               title=lambda: _("%(document)s handed over to the collections service")
                               % {"document": document.number},
                               body=lambda: _("Follow the case and its notes from its page."))
                       for u in members])
    return Outcome(ActionState.EXECUTED, {"case": case.pk, "claim": claim.as_dict(), "channel": "case",
                                          "summary": _("handed over to the collections service (case %(case)s)")
                                          % {"case": str(case)}})


CASE_TRANSITIONS = {
    CaseStatus.NEW: [CaseStatus.IN_PROGRESS, CaseStatus.SETTLED, CaseStatus.CLOSED],
    CaseStatus.IN_PROGRESS: [CaseStatus.SETTLED, CaseStatus.CLOSED],
    CaseStatus.SETTLED: [CaseStatus.IN_PROGRESS, CaseStatus.CLOSED],
    CaseStatus.CLOSED: [CaseStatus.IN_PROGRESS],
}


def _lock_case(case) -> CollectionCase:
    return (CollectionCase.objects.select_for_update(of=("self",))
            .select_related("activity", "client", "entity").get(pk=case.pk))


def _notify_case_members(case, title, body, key) -> None:
    if not notifications_installed():
        return
    from compagnon.notifications.services import Message, notify_many

    members = holders_by_activity([case.activity_id]).get(case.activity_id, [])
    url = reverse("collections-case", args=[case.pk])
    notify_many([Message(user=u, url=url, key=key, title=title, body=body) for u in members])


@transaction.atomic
def change_case_status(*, actor, case: CollectionCase, status: str) -> CollectionCase:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if status not in CASE_TRANSITIONS.get(CaseStatus(case.status), []):
        raise ValidationError({"status": _("A case that is %(current)s cannot become %(target)s.")
                               % {"current": case.get_status_display(),
                                  "target": CaseStatus(status).label if status in CaseStatus.values else status}})
    previous = case.get_status_display()
    case.status = status
    case.closed_at = timezone.now() if status in (CaseStatus.SETTLED, CaseStatus.CLOSED) else None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    label = CaseStatus(status).label
    event = _case_event(case, "status", gettext_noop("Status: %(from)s → %(to)s"), actor=actor,
                        **{"from": previous, "to": str(label)})
    _audit(actor, case, "case_status", gettext_noop("Case %(case)s: %(to)s"), activity=case.activity,
           entity=case.entity, case=str(case), to=label)
    _notify_case_members(case, lambda: _("Case %(case)s (%(client)s): %(status)s")
                         % {"case": str(case), "client": case.client.name, "status": CaseStatus(status).label},
                         "", f"dunning:case-status:{event.pk}")
    return case


@transaction.atomic
def assign_case(*, actor, case: CollectionCase, agent) -> CollectionCase:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if agent is not None and case.entity_id not in permissions.collections_entities(agent):
        raise ValidationError({"assigned_to": _("This person does not work for the collections service of this entity.")})
    case.assigned_to = agent
    case.save(update_fields=["assigned_to", "updated_at"])
    _case_event(case, "assigned", gettext_noop("Assigned to %(agent)s") if agent else gettext_noop("Unassigned"),
                actor=actor, for_member=False, agent=str(agent or ""))
    return case


@transaction.atomic
def add_case_note(*, actor, case: CollectionCase, body: str, for_member: bool = False) -> CaseNote:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, body=body[:5000], for_member=for_member)
    case.save(update_fields=["updated_at"])
    if for_member:
        _notify_case_members(case, lambda: _("New note on case %(case)s (%(client)s)")
                             % {"case": str(case), "client": case.client.name}, body[:300], f"dunning:case-note:{note.pk}")
    return note


MAX_CASE_FILE = 10 * 1024 * 1024


@transaction.atomic
def add_case_file(*, actor, case: CollectionCase, upload, for_member: bool = False) -> CaseFile:
    case = _lock_case(case)
    require(actor, "dunning.work_case", case)
    if upload is None or not upload.size:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > MAX_CASE_FILE:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    data = upload.read()
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    item = CaseFile(case=case, name=name, sha256=_sha(data), uploaded_by=actor, for_member=for_member)
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    _case_event(case, "file", gettext_noop("File added: %(name)s"), actor=actor, for_member=for_member, name=name)
    return item


# --- one-click links in emails -----------------------------------------------------------------

ONE_CLICK_SALT = "compagnon.dunning.one-click"
ONE_CLICK_MAX_AGE = 60 * 60 * 24 * 30


def one_click_token(action_id: int, user_id: int, decision: str) -> str:
    from django.core import signing

    return signing.dumps({"a": action_id, "u": user_id, "d": decision}, salt=ONE_CLICK_SALT, compress=True)


def read_one_click_token(token: str) -> dict | None:
    from django.core import signing

    try:
        data = signing.loads(token, salt=ONE_CLICK_SALT, max_age=ONE_CLICK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("d") not in ("hold", "approve"):
        return None
    return data

