"""Reads of messages for pages and the API.

A conversation is read through the reader's own participant row (``participation``): anybody
else — other members, staff, the entity's administrators — gets DoesNotExist, so a 404. The one
other way in is a report, for the administrators of its entity, and only up to the message it was
reported at (``report``, ``report_messages``).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet, Sum

from compagnon.permissions import scope_for

from .models import (
    Attachment,
    Block,
    Conversation,
    Message,
    Participant,
    Report,
    ReportState,
    Suspension,
)

PAGE = 30


def my_participations(user) -> QuerySet[Participant]:
    if user is None or not user.is_authenticated:
        return Participant.objects.none()
    return Participant.objects.filter(user_id=user.pk)


def inbox(user, *, archived: bool = False) -> QuerySet[Participant]:
    """The reader's conversations, newest activity first: one indexed query (``messaging_inbox``),
    with the conversation, its last message and that message's author joined."""
    return (
        my_participations(user)
        .filter(archived=archived)
        .select_related("conversation", "conversation__last_message", "conversation__last_message__author")
        .order_by("-last_message_at", "-id")
    )


def participation(user, conversation_pk) -> Participant:
    return my_participations(user).select_related("conversation", "conversation__entity").get(
        conversation_id=conversation_pk
    )


def conversation(user, pk) -> Conversation:
    return participation(user, pk).conversation


class Person:
    """A participant as pages and the API show them: id and name (no User row built)."""

    __slots__ = ("pk", "name", "blocked_by_me", "may_block")

    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name
        self.blocked_by_me, self.may_block = False, False

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.name


def people_of(conversation_ids) -> dict[int, list[Person]]:
    """{conversation id: its participants}, one query of plain values."""
    out = defaultdict(list)
    for conversation_id, pk, first, last, email in (
        Participant.objects.filter(conversation_id__in=list(conversation_ids))
        .order_by("conversation_id", "joined_at", "id")
        .values_list("conversation_id", "user_id", "user__first_name", "user__last_name", "user__email")
    ):
        out[conversation_id].append(Person(pk, f"{first} {last}".strip() or email))
    return out


def messages(conversation_id, *, before: int | None = None, up_to: int | None = None) -> QuerySet[Message]:
    """Messages of a conversation, newest first (index ``messaging_latest``)."""
    qs = Message.objects.filter(conversation_id=conversation_id)
    if before:
        qs = qs.filter(id__lt=before)
    if up_to is not None:
        qs = qs.filter(id__lte=up_to)
    return qs.select_related("author").prefetch_related("attachments").order_by("-id")


def page_of(qs, size: int = PAGE) -> tuple[list[Message], int | None]:
    """One page of ``messages(...)``: (its messages oldest first, the id to ask for earlier ones or None)."""
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows[::-1], (rows[-1].pk if more and rows else None)


def unread(user) -> dict:
    """{"messages": unread messages, "conversations": conversations with some}: one indexed query."""
    row = my_participations(user).filter(unread__gt=0).aggregate(messages=Sum("unread"), conversations=Count("id"))
    return {"messages": row["messages"] or 0, "conversations": row["conversations"] or 0}


def blocks_between(user, other_ids) -> tuple[set[int], set[int]]:
    """(people among ``other_ids`` whom ``user`` blocked, people among them who blocked ``user``)."""
    ids = list(other_ids)
    mine, theirs = set(), set()
    if not ids:
        return mine, theirs
    for blocker, blocked in Block.objects.filter(
        Q(blocker_id=user.pk, blocked_id__in=ids) | Q(blocked_id=user.pk, blocker_id__in=ids)
    ).values_list("blocker_id", "blocked_id"):
        if blocker == user.pk:
            mine.add(blocked)
        else:
            theirs.add(blocker)
    return mine, theirs


def blocked_by_me(user) -> QuerySet[Block]:
    return Block.objects.filter(blocker_id=user.pk).select_related("blocked").order_by("-created_at", "-id")


def attachment(user, pk) -> Attachment:
    """An attachment of a conversation ``user`` takes part in."""
    mine = my_participations(user).values("conversation_id")
    return Attachment.objects.select_related("message").get(pk=pk, message__conversation_id__in=mine)


def existing_pair(user, other) -> Participant | None:
    """``user``'s row in a two-person conversation with ``other``, the most recent one."""
    if other is None:
        return None
    return (
        my_participations(user)
        .filter(conversation__people=2, conversation__participants__user_id=other.pk)
        .order_by("-last_message_at", "-id")
        .first()
    )


# --- moderation ----------------------------------------------------------------------------------


def reports(user, *, state: str = "") -> QuerySet[Report]:
    """Reports of the entities ``user`` administers (nothing for anybody else)."""
    admin = scope_for(user).admin_entities
    qs = Report.objects.filter(entity_id__in=admin).select_related("entity", "reporter", "reported", "conversation")
    if state == ReportState.OPEN:
        qs = qs.filter(state=ReportState.OPEN)
    elif state:
        qs = qs.exclude(state=ReportState.OPEN)
    return qs.order_by("-created_at", "-id")


def report(user, pk) -> Report:
    return reports(user).get(pk=pk)


def report_messages(report: Report, *, before: int | None = None) -> QuerySet[Message]:
    return messages(report.conversation_id, before=before, up_to=report.up_to_message_id)


def report_attachment(user, report_pk, pk) -> Attachment:
    r = report(user, report_pk)
    return Attachment.objects.select_related("message").get(
        pk=pk, message__conversation_id=r.conversation_id, message_id__lte=r.up_to_message_id
    )


def suspensions(user) -> QuerySet[Suspension]:
    """Writing suspensions still in force (not lifted) in the entities ``user`` administers."""
    admin = scope_for(user).admin_entities
    return (
        Suspension.objects.filter(entity_id__in=admin, lifted_at__isnull=True)
        .select_related("user", "entity")
        .order_by("-created_at", "-id")
    )


def suspension(user, pk) -> Suspension:
    return suspensions(user).get(pk=pk)


def moderates(user) -> bool:
    return bool(scope_for(user).admin_entities)
