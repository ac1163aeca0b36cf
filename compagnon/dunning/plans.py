"""The collection plans of an entity (its administrators): the recommended plan, plan and step
changes, and planning every open document of the entity on its active plan (``replan_entity``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.core.services import require
from compagnon.sales.models import DocumentCounter

from . import planning, texts
from .base import (
    REASON_PLAN,
    _audit,
    _recompute_approval,
    _today,
    _unblock,
    active_plan,
    next_announce_day,
)
from .models import (
    PENDING,
    ActionState,
    ActivityPreference,
    AutomatedAction,
    Channel,
    CollectionPlan,
    PlanningCursor,
    PlanStep,
    StepKind,
    StepTemplate,
)

DEFAULT_STEPS = [
    # (order, kind, label, delay, channel, requires approval, announce days)
    (1, StepKind.REMINDER, gettext_noop("First reminder"), 3, Channel.EMAIL, False, 3),
    (2, StepKind.REMINDER, gettext_noop("Second reminder"), 15, Channel.EMAIL, False, 3),
    (3, StepKind.FORMAL_NOTICE, gettext_noop("Formal notice"), 30, Channel.EMAIL, True, 5),
    (4, StepKind.LITIGATION, gettext_noop("Handover to the collections service"), 60, Channel.EMAIL, True, 5),
    (10, StepKind.QUOTE_FOLLOW_UP, gettext_noop("Quote follow-up"), 10, Channel.EMAIL, False, 2),
]


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
