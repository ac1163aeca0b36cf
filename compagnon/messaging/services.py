"""Every change to messages: starting a conversation, writing in it, reading, archiving, blocking,
reporting, and each person's email preference. Moderation is in ``moderation.py``.

Sent twice, saved once: a message carries the form's ``client_key`` (unique per author); the same
key again returns the message already saved (``replayed`` set) and changes nothing.

What is NOT recorded in the audit log: who writes to whom and when (the entity's staff read the
audit log; messages are private). Blocks are recorded for their author alone; reports and
moderation decisions for the entity.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.notifications.models import Notification
from compagnon.notifications.services import Message as Notice
from compagnon.notifications.services import forget_unread, notify_many

from . import files, people
from .models import (
    Block,
    Conversation,
    EmailFrequency,
    Message,
    Participant,
    Preference,
    Report,
    ReportState,
    Suspension,
)

MAX_BODY = 10_000
MAX_RECIPIENTS = 20
MAX_SUBJECT = 150


def conversation_url(conversation_id: int) -> str:
    return reverse("messaging-conversation", args=[conversation_id])


def notice_key(conversation_id: int, last_read_id: int) -> str:
    """One notification per conversation and person while they have not read it: the key changes
    only when they read (their ``last_read_id`` moves)."""
    return f"messaging:{conversation_id}:{last_read_id}"


# --- what stops someone writing ------------------------------------------------------------------


def active_suspension(user, entity_id) -> Suspension | None:
    today = timezone.localdate()
    return (
        Suspension.objects.filter(user_id=user.pk, entity_id=entity_id, lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .order_by("-created_at")
        .first()
    )


def suspension_text(suspension: Suspension) -> str:
    if suspension.until:
        from django.utils.formats import date_format

        return _("The cooperative's administrators suspended your writing of messages until %(date)s: you can "
                 "still read your conversations.") % {"date": date_format(suspension.until, "DATE_FORMAT")}
    return _("The cooperative's administrators suspended your writing of messages: you can still read your "
             "conversations.")


def blockers_among(writer, user_ids) -> list:
    """The users among ``user_ids`` who blocked ``writer`` (their User rows)."""
    from compagnon.accounts.models import User

    ids = Block.objects.filter(blocked_id=writer.pk, blocker_id__in=list(user_ids)).values("blocker_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def blocked_text(blockers) -> str:
    names = ", ".join(str(u) for u in blockers)
    return ngettext(
        "%(names)s has blocked messages from you: you can no longer write to them. What was written before "
        "stays readable.",
        "%(names)s have blocked messages from you: you can no longer write to them. What was written before "
        "stays readable.",
        len(blockers),
    ) % {"names": names}


def _check_can_write(actor, entity_id, other_ids, field: str) -> None:
    suspension = active_suspension(actor, entity_id)
    if suspension is not None:
        raise ValidationError({field: suspension_text(suspension)})
    blockers = blockers_among(actor, other_ids)
    if blockers:
        raise ValidationError({field: blocked_text(blockers)})


def _clean_body(body: str, attachments) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body and not attachments:
        raise ValidationError({"body": _("Write your message (or attach a file).")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("A message holds at most %(max)s characters; this one has %(n)s: split "
                                         "it in two.") % {"max": f"{MAX_BODY:,}".replace(",", "\u202f"), "n": len(body)}})
    return body


def _replayed(actor, client_key) -> Message | None:
    if client_key is None:
        return None
    done = Message.objects.select_related("conversation").filter(author_id=actor.pk, client_key=client_key).first()
    if done is not None:
        done.replayed = True
    return done


# --- writing -------------------------------------------------------------------------------------


def _post(*, actor, conversation: Conversation, body: str, checked, client_key, others: list[Participant]) -> Message:
    """Save the message, its files, and every participant's row; tell the others after commit."""
    now = timezone.now()
    try:
        with transaction.atomic():  # the same key sent twice at once: the second finds the first
            message = Message.objects.create(
                conversation=conversation, author=actor, body=body, created_at=now, client_key=client_key
            )
    except IntegrityError:
        done = _replayed(actor, client_key)
        if done is None:
            raise
        return done
    files.store(message, checked)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message=message, last_message_at=now, message_count=F("message_count") + 1
    )
    Participant.objects.filter(conversation_id=conversation.pk).exclude(user_id=actor.pk).update(
        unread=F("unread") + 1, last_message_at=now, archived=False
    )
    Participant.objects.filter(conversation_id=conversation.pk, user_id=actor.pk).update(
        last_message_at=now, last_read_id=message.pk, unread=0, archived=False
    )
    conversation.last_message, conversation.last_message_at = message, now
    _announce(actor, conversation, message, others)
    return message


def _announce(actor, conversation, message, others: list[Participant]) -> None:
    name, url = str(actor), conversation_url(conversation.pk)
    notices = [
        Notice(user=p.user, title=lambda: _("New message from %(name)s") % {"name": name}, url=url,
               key=notice_key(conversation.pk, p.last_read_id))
        for p in others
    ]
    transaction.on_commit(lambda: notify_many(notices))
    at_once = set(
        Preference.objects.filter(user_id__in=[p.user_id for p in others], email_frequency=EmailFrequency.IMMEDIATELY)
        .values_list("user_id", flat=True)
    )
    if at_once:
        from .tasks import email_new_message

        message_id = message.pk
        transaction.on_commit(lambda: email_new_message.enqueue(message_id=message_id))


def _others(conversation_id, actor) -> list[Participant]:
    return list(
        Participant.objects.filter(conversation_id=conversation_id).exclude(user_id=actor.pk).select_related("user")
    )


@transaction.atomic
def start_conversation(*, actor, recipients, subject: str = "", body: str, attachments=(), client_key=None) -> Message:
    """``actor`` writes to ``recipients`` (people tied to one of their entities). Returns the first
    message; ``message.conversation`` is the new conversation."""
    done = _replayed(actor, client_key)
    if done is not None:
        return done
    require(actor, "messaging.use")
    recipients = list({u.pk: u for u in recipients if u is not None and u.pk != actor.pk}.values())
    if not recipients:
        raise ValidationError({"to": _("Choose at least one person to write to.")})
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError({"to": _("Write to at most %(n)s people at once.") % {"n": MAX_RECIPIENTS}})
    reachable = set(people.reachable(actor).filter(pk__in=[u.pk for u in recipients]).values_list("pk", flat=True))
    outside = [u for u in recipients if u.pk not in reachable]
    if outside:
        raise ValidationError({"to": _("You can write to the members and the staff of your cooperative only.")})
    entity_id = people.common_entity(actor, recipients)
    if entity_id is None:
        raise ValidationError({"to": _("These people are not all in the same cooperative: write to each "
                                       "cooperative's people separately.")})
    _check_can_write(actor, entity_id, [u.pk for u in recipients], "to")
    checked = files.check(attachments)
    body = _clean_body(body, checked)
    subject = " ".join((subject or "").split())[:MAX_SUBJECT]
    now = timezone.now()
    conversation = Conversation.objects.create(
        entity_id=entity_id, subject=subject, created_by=actor, created_at=now, last_message_at=now,
        people=len(recipients) + 1,
    )
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, user=u, joined_at=now, last_message_at=now)
         for u in [actor, *recipients]]
    )
    others = [Participant(conversation=conversation, user=u, last_read_id=0) for u in recipients]
    return _post(actor=actor, conversation=conversation, body=body, checked=checked, client_key=client_key,
                 others=others)


@transaction.atomic
def send_message(*, actor, conversation: Conversation, body: str, attachments=(), client_key=None) -> Message:
    """``actor``, a participant, writes in ``conversation``."""
    done = _replayed(actor, client_key)
    if done is not None:
        return done
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    others = _others(conversation.pk, actor)
    conversation.participant_ids = {p.user_id for p in others}
    if Participant.objects.filter(conversation_id=conversation.pk, user_id=actor.pk).exists():
        conversation.participant_ids.add(actor.pk)
    if not actor.has_perm("messaging.write", conversation):
        raise PermissionDenied(_("You can no longer write in this conversation."))
    _check_can_write(actor, conversation.entity_id, [p.user_id for p in others], "body")
    checked = files.check(attachments)
    body = _clean_body(body, checked)
    return _post(actor=actor, conversation=conversation, body=body, checked=checked, client_key=client_key,
                 others=others)


# --- reading and sorting -----------------------------------------------------------------------------


def _forget_notices(user, conversation_ids) -> None:
    q = Q()
    for pk in conversation_ids:
        q |= Q(key__startswith=f"messaging:{pk}:")
    if not q:
        return
    Notification.objects.filter(q, user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
    forget_unread([user.pk])


@transaction.atomic
def mark_read(*, actor, conversation: Conversation) -> bool:
    """Everything in ``conversation`` read by ``actor`` (and its notification). False when there
    was nothing to mark."""
    last = conversation.last_message_id or 0
    done = (
        Participant.objects.filter(conversation_id=conversation.pk, user_id=actor.pk)
        .filter(Q(unread__gt=0) | Q(last_read_id__lt=last))
        .update(unread=0, last_read_id=Greatest(F("last_read_id"), last))
    )
    if done:
        _forget_notices(actor, [conversation.pk])
    return bool(done)


@transaction.atomic
def mark_all_read(*, actor) -> int:
    """Every conversation of ``actor`` read (one statement), and their notifications."""
    newest = Conversation.objects.filter(pk=OuterRef("conversation_id")).values("last_message_id")[:1]
    done = Participant.objects.filter(user_id=actor.pk, unread__gt=0).update(
        unread=0, last_read_id=Greatest(F("last_read_id"), Coalesce(Subquery(newest), F("last_read_id")))
    )
    if done:
        Notification.objects.filter(user_id=actor.pk, key__startswith="messaging:", read_at__isnull=True).exclude(
            key__startswith="messaging:report:"
        ).update(read_at=timezone.now())
        forget_unread([actor.pk])
    return done


@transaction.atomic
def set_archived(*, actor, conversation: Conversation, archived: bool) -> bool:
    """Archived conversations leave the inbox until a new message arrives."""
    return bool(
        Participant.objects.filter(conversation_id=conversation.pk, user_id=actor.pk).update(archived=bool(archived))
    )


# --- blocking --------------------------------------------------------------------------------------


@transaction.atomic
def block_person(*, actor, user) -> Block:
    """``user`` can no longer write to ``actor``; conversations already there stay readable."""
    require(actor, "messaging.use")
    if user is None or user.pk == actor.pk:
        raise ValidationError({"user": _("You cannot block yourself.")})
    staff = RoleAssignment.objects.filter(user_id=user.pk, entity_id__in=list(people.entities_of(actor)))
    if staff.exists():
        raise ValidationError({"user": _("The staff of your cooperative cannot be blocked: if their messages are "
                                         "a problem, report the conversation to the administrators.")})
    block, made = Block.objects.get_or_create(blocker=actor, blocked=user)
    if made:
        record(actor=actor, action="messaging.blocked", obj=block,
               message=gettext_noop("Blocked messages from %(name)s"), params={"name": str(user)})
    return block


@transaction.atomic
def unblock_person(*, actor, user) -> bool:
    block = Block.objects.filter(blocker_id=actor.pk, blocked_id=user.pk).first()
    if block is None:
        return False
    record(actor=actor, action="messaging.unblocked", obj=block,
           message=gettext_noop("Messages from %(name)s accepted again"), params={"name": str(user)})
    block.delete()
    return True


# --- reporting ---------------------------------------------------------------------------------------


@transaction.atomic
def report_conversation(*, actor, conversation: Conversation, reason: str, reported=None) -> Report:
    """``actor`` hands ``conversation`` (up to its newest message) to the entity's administrators.
    Reporting it again while the report is open updates the report."""
    require(actor, "messaging.report", conversation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say in a few words what the problem is.")})
    others = {p.user_id: p.user for p in _others(conversation.pk, actor)}
    if reported is not None and reported.pk not in others:
        raise ValidationError({"reported": _("Choose one of the people in this conversation.")})
    if reported is None and len(others) == 1:
        reported = next(iter(others.values()))
    up_to = Conversation.objects.filter(pk=conversation.pk).values_list("last_message_id", flat=True).first() or 0
    report = Report.objects.select_for_update().filter(
        conversation_id=conversation.pk, reporter_id=actor.pk, state=ReportState.OPEN
    ).first()
    if report is None:
        report = Report.objects.create(conversation=conversation, entity_id=conversation.entity_id, reporter=actor,
                                       reported=reported, reason=reason[:2000], up_to_message_id=up_to)
    else:
        report.reason, report.reported, report.up_to_message_id = reason[:2000], reported, up_to
        report.save(update_fields=["reason", "reported", "up_to_message_id"])
    record(actor=actor, action="messaging.reported", obj=report, entity=conversation.entity,
           message=gettext_noop("Conversation reported to the administrators"))
    admins = [ra.user for ra in RoleAssignment.objects.filter(entity_id=conversation.entity_id, role=Role.ADMIN)
              .select_related("user") if ra.user_id != actor.pk]
    url = reverse("messaging-report", args=[report.pk])
    notices = [Notice(user=u, title=lambda: _("A conversation was reported: please decide"), url=url,
                      key=f"messaging:report:{report.pk}:{up_to}") for u in admins]
    transaction.on_commit(lambda: notify_many(notices))
    return report


# --- email preference --------------------------------------------------------------------------------


@transaction.atomic
def set_email_frequency(*, actor, frequency: str) -> Preference:
    if frequency not in EmailFrequency.values:
        raise ValidationError({"email_frequency": _("Choose one of the options.")})
    pref, _made = Preference.objects.get_or_create(user_id=actor.pk)
    if pref.email_frequency != frequency:
        pref.email_frequency = frequency
        pref.save(update_fields=["email_frequency"])
    return pref


def email_frequency(user) -> str:
    value = Preference.objects.filter(user_id=user.pk).values_list("email_frequency", flat=True).first()
    return value or EmailFrequency.DAILY
