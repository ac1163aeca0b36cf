"""Carrying out due actions: each one locked, checked, done and marked in its own transaction."""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import law, texts
from .base import (
    MAX_FAILURES,
    NO_HISTORY,
    REASON_FAILED,
    Outcome,
    _audit,
    _case_event,
    _document_url,
    _history,
    _sha,
    _today,
    claim_for,
    client_kind,
    closed_reason,
    collections_agents,
    holders_by_activity,
    next_announce_day,
    notifications_installed,
)
from .decisions import _cancel_document
from .models import (
    OPEN_CASE,
    PENDING,
    ActionState,
    AutomatedAction,
    CaseDocument,
    Channel,
    CollectionCase,
    CollectionRun,
    StepKind,
)

logger = logging.getLogger(__name__)


# --- executing due actions ---------------------------------------------------------------------


@dataclass
class Batch:
    """What a batch of actions needs, read before the first one is carried out, in a few queries
    whatever the number of actions: the actions with their document, client, activity, entity, step
    (and its texts) and plan; the earlier steps done on each document (``history``); the first
    contact's email of the clients without one. Nothing here is trusted for the decision: each
    action's state, and its document's payment, are read again under the action's row lock."""

    today: datetime.date
    actions: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)  # (step, language, first) -> (subject, body) templates


def load_batch(action_ids, today: datetime.date) -> Batch:
    from compagnon.clients.models import Contact

    batch = Batch(today=today)
    ids = list(action_ids)
    for start in range(0, len(ids), 1000):
        rows = (AutomatedAction.objects.filter(pk__in=ids[start:start + 1000])
                .select_related("document__entity", "document__activity", "document__client",
                                "document__created_by", "step__plan", "activity", "entity", "client")
                .prefetch_related("step__templates"))
        batch.actions.update((a.pk, a) for a in rows)
    documents = {a.document_id for a in batch.actions.values()}
    batch.history = {pk: dict(NO_HISTORY) for pk in documents}
    done = (AutomatedAction.objects.filter(document_id__in=documents, state=ActionState.EXECUTED)
            .exclude(kind=StepKind.QUOTE_FOLLOW_UP).order_by("document_id", "executed_on", "order", "id")
            .values_list("document_id", "kind", "channel", "executed_on", "result")) if documents else []
    for document_id, kind, channel, executed_on, result in done:
        history = batch.history[document_id]
        if history["first_reminder_on"] is None:
            history["first_reminder_on"] = executed_on
            history["first_reminder_channel"] = (result or {}).get("channel") or channel
        if kind == StepKind.FORMAL_NOTICE:
            history["formal_notice_on"] = executed_on
    no_email = {a.document.client_id for a in batch.actions.values() if not a.document.client.email}
    if no_email:
        for client_id, email in (Contact.objects.filter(client_id__in=no_email).exclude(email="")
                                 .order_by("client_id", "-is_primary", "id").values_list("client_id", "email")):
            batch.contacts.setdefault(client_id, email)
    return batch


def execute_batch(action_ids, *, today: datetime.date | None = None) -> dict:
    """Carry out the actions ``action_ids``: what they need is read once for all of them
    (``load_batch``), then each is locked, checked, done and marked in its own transaction."""
    today = _today(today)
    ids = list(action_ids)
    batch = load_batch(ids, today)
    counts: dict[str, int] = {}
    for pk in ids:
        state = execute_action(pk, today=today, batch=batch)
        counts[state] = counts.get(state, 0) + 1
    return counts


def is_runnable(action, today: datetime.date) -> bool:
    """The condition RUNNABLE, and due by ``today`` (checked again under the row lock)."""
    return (not action.blocked and not action.paused and action.due_on <= today
            and (action.state == ActionState.APPROVED
                 or (action.state == ActionState.SCHEDULED and not action.needs_approval)))


# read under the row lock: the action's current state and its document's payment (never the batch's copy)
_FRESH_ACTION = ("state", "blocked", "paused", "due_on", "needs_approval", "channel", "result")
_FRESH_DOCUMENT = ("state", "payment_state", "payable", "paid_amount")


def _lock_sql() -> str:
    from compagnon.sales.models import Document

    q = connection.ops.quote_name
    action_columns = [f"a.{q(AutomatedAction._meta.get_field(f).column)}" for f in _FRESH_ACTION]
    document_columns = [f"d.{q(Document._meta.get_field(f).column)}" for f in _FRESH_DOCUMENT]
    run = CollectionRun._meta
    watermark = (f"(SELECT MAX({q(run.get_field('day').column)}) FROM {q(run.db_table)} "  # noqa: S608
                 f"WHERE {q(run.get_field('announced').column)})")  # noqa: S608
    sql = (f"SELECT {', '.join(action_columns + document_columns)}, {watermark} "  # noqa: S608 - quoted names, bound value
           f"FROM {q(AutomatedAction._meta.db_table)} a JOIN {q(Document._meta.db_table)} d ON d.id = a.document_id "
           f"WHERE a.id = %s")
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE OF a SKIP LOCKED" if connection.features.has_select_for_update_of else " FOR UPDATE SKIP LOCKED"
    return sql


def _lock(action_id: int, action=None):
    """Lock the action's row (``SKIP LOCKED``: None when another worker holds it, or when it is
    gone) and bring ``action`` up to date from it, with the announcement watermark (the last day
    announced, ``action.announced_through``) that the next step's dates depend on. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [action_id])
        row = cursor.fetchone()
    if row is None:
        return None
    if action is None:
        action = (AutomatedAction.objects.select_related("document__entity", "document__activity", "document__client",
                                                         "document__created_by", "step__plan", "activity", "entity",
                                                         "client")
                  .get(pk=action_id))
    *row, announced = row
    action.announced_through = datetime.date.fromisoformat(announced) if isinstance(announced, str) else announced
    fresh = dict(zip(_FRESH_ACTION + tuple(f"document.{f}" for f in _FRESH_DOCUMENT), row, strict=True))
    for name in _FRESH_ACTION:
        value = fresh[name]
        if name == "result" and isinstance(value, str):
            value = json.loads(value or "{}")
        elif name == "due_on" and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        elif name in ("blocked", "paused", "needs_approval"):
            value = bool(value)
        setattr(action, name, value)
    for name in _FRESH_DOCUMENT:
        value = fresh[f"document.{name}"]
        if name in ("payable", "paid_amount"):
            value = law.Decimal(str(value))
        setattr(action.document, name, value)
    return action


def execute_action(action_id: int, *, today: datetime.date | None = None, batch: Batch | None = None) -> str:
    """Carry out one due action, at most once: locked (``SKIP LOCKED``: a worker already on it
    keeps it), checked, done and marked in one transaction."""
    today = _today(today)
    batch = batch or load_batch([action_id], today)
    with transaction.atomic():
        action = _lock(action_id, batch.actions.get(action_id))
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
                outcome = _perform(action, document, today, batch)
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
        if action.kind != StepKind.QUOTE_FOLLOW_UP and action.document_id in batch.history:
            history = batch.history[action.document_id]  # a later action of the same document in this batch
            if history["first_reminder_on"] is None:
                history.update(first_reminder_on=today, first_reminder_channel=outcome.result.get("channel") or action.channel)
            if action.kind == StepKind.FORMAL_NOTICE:
                history["formal_notice_on"] = today
        return outcome.state


def recipients(document, contacts: dict | None = None) -> list[str]:
    from compagnon.clients.models import Contact

    client = document.client
    if client.email:
        return [client.email]
    if contacts is not None:
        return [contacts[client.pk]] if client.pk in contacts else []
    primary = Contact.objects.filter(client_id=client.pk).exclude(email="").order_by("-is_primary", "id").first()
    return [primary.email] if primary else []


def _reply_to(document) -> list[str]:
    user = document.created_by
    if user is not None and user.email:
        return [user.email]
    return [document.entity.email] if document.entity.email else []


def _perform(action, document, today, batch: Batch | None = None) -> Outcome:
    if action.kind == StepKind.LITIGATION:
        return _handover(action, document, today)
    history = batch.history.get(action.document_id) if batch is not None else None
    history = dict(history) if history is not None else _history(action)
    to = recipients(document, batch.contacts if batch is not None else None)
    channel = action.channel if to else Channel.LETTER
    claim = None if action.kind == StepKind.QUOTE_FOLLOW_UP else claim_for(action, document, today,
                                                                              history=history, channel=channel)
    first = history["first_reminder_on"] is None
    subject, body = texts.render(action.step, action, document, claim, today=today, first=first,
                                 cache=batch.texts if batch is not None else None)
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

    pdf, digest = archived_pdf(document)  # the archived file, read and checked; rendered only if never archived
    attachments = [(f"{document.number or document.pk}.pdf".replace("/", "-"), pdf)]
    if letter is not None:
        attachments.append((action.letter.name.rsplit("/", 1)[-1], letter))
    _send_email(to=to, subject=subject, body=body, reply_to=_reply_to(document), attachments=attachments)
    from compagnon.sales.models import DocumentEmail

    DocumentEmail.objects.create(document=document, to=", ".join(to), subject=subject, body=body, sent_by=None)
    result.update(to=to, attachments=[a[0] for a in attachments], pdf_sha256=digest,
                  summary=_("email sent to %(to)s") % {"to": ", ".join(to)})
    return Outcome(ActionState.EXECUTED, result)


def _send_email(*, to, subject, body, reply_to=None, attachments=()) -> int:
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    for name, data in attachments:
        message.attach(name, data, "application/pdf")
    return message.send()


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
    # the document's other pending steps, locked, in one read: the next one, and whether an earlier
    # one (held, waiting for an OK) still stands before it
    pending = list(AutomatedAction.objects.select_for_update()
                   .filter(document_id=action.document_id, state__in=PENDING).exclude(pk=action.pk)
                   .order_by("order", "id").only("id", "order", "due_on", "announce_days", "blocked", "document_id"))
    following = next((a for a in pending if a.order > action.order), None)
    if following is None or any(a.order < following.order for a in pending):
        return
    following.blocked = False
    if hasattr(action, "announced_through"):  # read with the lock (see _lock): no query
        done = action.announced_through
        day = max(today, done + datetime.timedelta(days=1)) if done else today
    else:
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
