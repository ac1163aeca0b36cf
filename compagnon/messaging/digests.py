"""Emails about new messages: at once (one email per new message, for people who chose it) or a
daily digest (the default), never for people who chose none.

Each participant row keeps ``digested_up_to``: the newest message an email already told the person
about. An email includes only messages of others newer than that marker and than what the person
already read in the app, and moves the marker in the same transaction that enqueues the email, so a
message is in at most one email however often ``send_message_digests`` runs, on however many
machines (rows being written are skipped, ``SKIP LOCKED``, and caught on the next run).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from compagnon.accounts.models import User
from compagnon.core.tasks import send_email

from .models import EmailFrequency, Message, Participant, Preference

SHOWN_PER_CONVERSATION = 3
EXCERPT = 300
# "at once" emails are sent by a task right after the message; the command catches up only on
# messages older than this (the task may still be on its way)
CATCH_UP_AFTER = datetime.timedelta(minutes=5)


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def email_user(user, *, conversation_ids=None, daily: bool = False) -> int:
    """Email ``user`` the messages of others they have neither read nor been emailed (in these
    conversations, or all); returns how many messages the email tells (0: no email)."""
    with transaction.atomic():
        rows = Participant.objects.select_for_update(of=("self",), skip_locked=True).filter(
            user_id=user.pk, unread__gt=0
        )
        if conversation_ids is not None:
            rows = rows.filter(conversation_id__in=list(conversation_ids))
        sections, changed, total = [], [], 0
        for p in rows.select_related("conversation").order_by("-last_message_at", "-id"):
            last = p.conversation.last_message_id or 0
            start = max(p.digested_up_to, p.last_read_id)
            if last <= start:
                continue
            new = Message.objects.filter(conversation_id=p.conversation_id, id__gt=start, id__lte=last).exclude(
                author_id=user.pk
            )
            latest = list(new.select_related("author").prefetch_related("attachments").order_by("-id")[
                :SHOWN_PER_CONVERSATION
            ])
            count = len(latest) if len(latest) < SHOWN_PER_CONVERSATION else new.count()
            p.digested_up_to = last
            changed.append(p)
            if count:
                sections.append({"conversation": p.conversation, "count": count, "latest": latest[::-1]})
                total += count
        if changed:
            Participant.objects.bulk_update(changed, ["digested_up_to"])
        if daily and total:  # the day's digest is spent only when one was sent
            Preference.objects.update_or_create(user_id=user.pk, defaults={"last_digest_at": timezone.now()})
        if total:
            message = _compose(user, sections, total)
            transaction.on_commit(lambda: send_email.enqueue(**message))
    return total


def _compose(user, sections, total) -> dict:
    ids = [s["conversation"].pk for s in sections]
    names = defaultdict(list)
    for p in Participant.objects.filter(conversation_id__in=ids).exclude(user_id=user.pk).select_related("user"):
        names[p.conversation_id].append(str(p.user))
    base = base_url()
    with translation.override(user.language or None):
        for s in sections:
            conv = s["conversation"]
            s["title"] = conv.subject or ", ".join(sorted(names[conv.pk]))
            s["url"] = base + reverse("messaging-conversation", args=[conv.pk])
            s["more"] = s["count"] - len(s["latest"])
            s["lines"] = [
                {"author": str(m.author) if m.author else "", "when": date_format(timezone.localtime(m.created_at),
                                                                                   "SHORT_DATETIME_FORMAT"),
                 "text": _excerpt(m.body), "files": [a.name for a in m.attachments.all()]}
                for m in s["latest"]
            ]
        subject = ngettext("%(n)s new message on Compagnon", "%(n)s new messages on Compagnon", total) % {"n": total}
        body = render_to_string("messaging/email/new_messages.txt", {
            "user": user, "sections": sections, "total": total,
            "inbox": base + reverse("messaging-inbox"), "settings_url": base + reverse("messaging-settings"),
        })
    return {"to": [user.email], "subject": subject, "body": body}


def pending_users(frequency: str, now=None):
    """Active users of ``frequency`` with messages of others neither read nor emailed yet."""
    now = now or timezone.now()
    waiting = Participant.objects.filter(unread__gt=0, digested_up_to__lt=F("conversation__last_message_id"))
    users = User.objects.filter(is_active=True)
    immediate = Preference.objects.filter(email_frequency=EmailFrequency.IMMEDIATELY).values("user_id")
    if frequency == EmailFrequency.IMMEDIATELY:
        waiting = waiting.filter(conversation__last_message_at__lt=now - CATCH_UP_AFTER)
        return users.filter(pk__in=waiting.values("user_id"), id__in=immediate)
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    not_daily = Preference.objects.exclude(email_frequency=EmailFrequency.DAILY).values("user_id")
    done_today = Preference.objects.filter(last_digest_at__gte=start_of_day).values("user_id")
    return users.filter(pk__in=waiting.values("user_id")).exclude(pk__in=not_daily).exclude(pk__in=done_today)


def send_digests(now=None) -> dict:
    """What ``manage.py send_message_digests`` does: the daily digests not sent yet today, and the
    "at once" emails a task missed. Returns {"daily": emails, "immediately": emails}."""
    out = {"daily": 0, "immediately": 0}
    for frequency in (EmailFrequency.DAILY, EmailFrequency.IMMEDIATELY):
        for user in pending_users(frequency, now).order_by("pk").iterator(chunk_size=500):
            if email_user(user, daily=frequency == EmailFrequency.DAILY):
                out[frequency] += 1
    return out


def email_new_message(message_id: int) -> int:
    """The "at once" emails of one new message (the task's work): its conversation's participants
    who chose them. Returns how many emails."""
    message = Message.objects.filter(pk=message_id).values("conversation_id", "author_id").first()
    if message is None:
        return 0
    people = User.objects.filter(
        is_active=True,
        pk__in=Preference.objects.filter(email_frequency=EmailFrequency.IMMEDIATELY).values("user_id"),
    ).filter(pk__in=Participant.objects.filter(conversation_id=message["conversation_id"]).exclude(
        user_id=message["author_id"]).values("user_id"))
    return sum(1 for u in people if email_user(u, conversation_ids=[message["conversation_id"]]))
