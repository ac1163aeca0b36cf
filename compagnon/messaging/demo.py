"""Demo data: in each entity, a few conversations between demo members and with the first member's
advisor, one of them with an attachment (a sketch, as a PNG); the last messages left unread, so
the inbox and the bell have something to show. Everything goes through the services, written by
the people concerned; texts in the entity's language."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.core.demo import logo_png
from compagnon.members.models import Member, MemberStatus

from . import services
from .models import Conversation, Message, Participant

DEMO_FIRST = ["member1@demo.coop", "member2@demo.coop", "lea.rousseau@demo.coop"]


def _people(entity) -> list[Member]:
    rows = list(
        Member.objects.filter(entity=entity, user__isnull=False, user__is_active=True)
        .exclude(status=MemberStatus.LEFT)
        .select_related("user", "advisor")
        .order_by("number")[:40]
    )
    rows.sort(key=lambda m: (m.user.email not in DEMO_FIRST,
                             DEMO_FIRST.index(m.user.email) if m.user.email in DEMO_FIRST else 0))
    return rows[:3]


def _advisor(entity, member):
    if member.advisor_id and RoleAssignment.objects.filter(user_id=member.advisor_id, entity=entity).exists():
        return member.advisor
    ra = RoleAssignment.objects.filter(entity=entity, role=Role.ADVISOR).select_related("user").order_by("id").first()
    return ra.user if ra else None


def _write(thread, start, out):
    """``thread``: [(author, text, files)], the first message starts the conversation."""
    (author, text, attached), rest = thread[0], thread[1:]
    conversation = start(author, text, attached)
    out["conversations"] += 1
    out["messages"] += 1
    for author, text, attached in rest:
        services.send_message(actor=author, conversation=conversation, body=text, attachments=attached)
        out["messages"] += 1
    return conversation


def seed_demo_messaging(entities) -> dict:
    """Idempotent: an entity that already has conversations is left alone."""
    out = {"conversations": 0, "messages": 0}
    for entity in entities:
        if Conversation.objects.filter(entity=entity).exists():
            continue
        people = _people(entity)
        if len(people) < 2:
            continue
        with translation.override(entity.default_language):
            _seed(entity, people, out)
    return out


def _starter(recipients, subject):
    def start(author, text, attached):
        message = services.start_conversation(actor=author, recipients=recipients, subject=subject, body=text,
                                              attachments=attached)
        return message.conversation
    return start


def _seed(entity, people, out) -> None:
    a, b = people[0].user, people[1].user
    c = people[2].user if len(people) > 2 else None
    _write([
        (a, _("Hello! A client of mine asks for a small website for her garden centre. Would you have time "
              "to look at it with me next week?"), ()),
        (b, _("Hello, yes with pleasure. Tuesday afternoon suits me; send me what she wants beforehand."), ()),
        (a, _("Perfect, I will forward her email to you tonight. Thank you!"), ()),
    ], _starter([b], _("A website for a client")), out)
    advisor = _advisor(entity, people[0])
    if advisor is not None and advisor.pk != a.pk:
        sketch = SimpleUploadedFile(_("garden-plan") + ".png", logo_png("JP", "#3f7d3a"), content_type="image/png")
        _write([
            (a, _("Good morning, here is the plan of the shared garden project we talked about. Could we go "
                  "through the quote together before I send it?"), [sketch]),
            (advisor, _("Good morning, thank you for the plan. Let us meet on Thursday at 10 at the office; bring "
                        "the supplier prices."), ()),
        ], _starter([advisor], _("Shared garden project")), out)
    if c is not None:
        _write([
            (b, _("Who needs the van next week? I can lend it on Wednesday and Friday."), ()),
            (c, _("Friday morning would help me a lot, for a delivery of plants."), ()),
            (b, _("Noted for Friday morning."), ()),
        ], _starter([a, c], _("Sharing the van")), out)
    # spread the demo over the last days, as if written over time
    now = timezone.now()
    messages = list(Message.objects.filter(conversation__entity=entity).order_by("id"))
    for i, m in enumerate(messages):
        m.created_at = now - datetime.timedelta(hours=6 * (len(messages) - i))
    Message.objects.bulk_update(messages, ["created_at"])
    first, last = {}, {}
    for m in messages:
        first.setdefault(m.conversation_id, m.created_at)
        last[m.conversation_id] = m.created_at
    for pk, when in last.items():
        Conversation.objects.filter(pk=pk).update(last_message_at=when, created_at=first[pk])
        Participant.objects.filter(conversation_id=pk).update(last_message_at=when, joined_at=first[pk])
