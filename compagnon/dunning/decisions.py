"""What members decide and what other contexts tell collections: the activity's and the client's
preferences, hold / OK / cancel / restore of one action, stopping a document, the one-click links
of the emails, and bringing a document's actions in line when it is paid or reopened
(``refresh_document``, ``documents_paid``)."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.sales.models import Document, Kind, PaymentState

from . import planning
from .base import (
    REASON_CLOSED,
    REASON_MEMBER,
    REASON_PAID,
    REASONS,
    _audit,
    _push_dates,
    _recompute_approval,
    _today,
    _unblock,
    active_plan,
    activity_preference,
    closed_reason,
    next_announce_day,
    recompute_blocked,
)
from .models import (
    OPEN_CASE,
    PENDING,
    ActionState,
    ActivityPreference,
    AutomatedAction,
    CaseDocument,
    CaseEvent,
    ClientPreference,
    StepKind,
)

logger = logging.getLogger(__name__)


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
