"""Support requests: a member asks one of the cooperative's services for help and follows the answer.

``SupportRequest`` — one request to one service of the member's entity (accounting, legal,
collections, IT, HR and pay, client relations, communication), optionally about one of their
activities or documents. Its states:

    new ──► open ──► answered ──► closed ──► open (reopened within ``reopen_days``)
      │        │ ▲        │
      │        ▼ │        └──► open (the member writes again)
      └──► waiting for you (the service asked the member; the clock pauses)

A request of kind *collections case* mirrors a ``dunning.CollectionCase`` (one-to-one, created by
the receiver in ``cases.py``): its thread is the case's notes, its state follows the case's status.

``Message`` — one post of the thread: the member's, an answer of the service, a question of the
service to the member, or an internal note (never shown to the member).
``Attachment`` — a file of a message, read only by whoever may read that message.
``CannedAnswer`` — a ready-made answer of one service of one entity.
``SupportSettings`` and ``ResponseTarget`` — per entity: office hours (the clock runs in them),
how long a closed request may be reopened, and the response time per service and priority.

The clock (``clock.py``): ``due_at`` is when the next answer is due while the request waits for
the service (new, open); it is empty while the service waits for the member (``paused_at``, with
``paused_remaining`` the working seconds left then) and once answered or closed. ``queue_at`` is the
one column the queue sorts each tab by (due time, pause time, answer time, closing time), kept by
``SupportRequest.sync_queue_at``.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.accounts.models import SupportService


class Kind(models.TextChoices):
    QUESTION = "question", pgettext_lazy("support request kind", "question")
    COLLECTIONS_CASE = "collections_case", pgettext_lazy("support request kind", "collections case")


class State(models.TextChoices):
    NEW = "new", pgettext_lazy("support request state", "new")
    OPEN = "open", pgettext_lazy("support request state", "open")
    WAITING = "waiting", pgettext_lazy("support request state", "waiting for you")
    ANSWERED = "answered", pgettext_lazy("support request state", "answered")
    CLOSED = "closed", pgettext_lazy("support request state", "closed")


# the service has to act: the clock runs
TO_ANSWER = (State.NEW, State.OPEN)


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "low")
    NORMAL = "normal", pgettext_lazy("priority", "normal")
    HIGH = "high", pgettext_lazy("priority", "high")
    URGENT = "urgent", pgettext_lazy("priority", "urgent")


PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class SupportRequest(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    service = models.CharField(pgettext_lazy("support desk", "service"), max_length=20, choices=SupportService.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=pgettext_lazy("support request", "written by"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("activity"))
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("document"))
    case = models.OneToOneField("dunning.CollectionCase", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="support_request", verbose_name=_("collections case"))
    subject = models.CharField(_("subject"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned to"))
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    answered_at = models.DateTimeField(pgettext_lazy("support request", "answered on"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("support request", "closed on"), null=True, blank=True)
    # the clock (clock.py)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_for = models.PositiveIntegerField(default=0)  # working seconds paused in this clock
    paused_remaining = models.IntegerField(null=True, blank=True)  # working seconds left at the pause
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    queue_at = models.DateTimeField(null=True, blank=True)
    # the form's own key: sent twice (a double tap, a resend after a lost network), one request
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_key"], condition=Q(client_key__isnull=False),
                                    name="support_request_sent_once"),
            models.CheckConstraint(condition=Q(kind="question") | Q(case__isnull=False),
                                   name="support_case_kind_has_case"),
        ]
        indexes = [
            # the queue: one desk (service of an entity) or all of an entity's (administrators), one tab
            # (state), in the tab's order; "to answer" (two states) has its own partial indexes, so the
            # first page is an ordered index scan whatever the number of requests
            models.Index(fields=["entity", "service", "state", "queue_at", "id"], name="support_queue"),
            models.Index(fields=["entity", "state", "queue_at", "id"], name="support_queue_entity"),
            models.Index(fields=["entity", "service", "queue_at", "id"], condition=Q(state__in=["new", "open"]),
                         name="support_todo_desk"),
            models.Index(fields=["entity", "queue_at", "id"], condition=Q(state__in=["new", "open"]),
                         name="support_todo_entity"),
            models.Index(fields=["assigned_to", "state", "queue_at"], name="support_assigned"),
            # "My requests": the member's own, and the collections cases of their activities
            models.Index(fields=["member", "-last_activity_at"], name="support_member_recent"),
            models.Index(fields=["activity", "-last_activity_at"], condition=Q(case__isnull=False),
                         name="support_case_activity"),
        ]

    def __str__(self):
        return f"S-{self.pk:05d}" if self.pk else "S-new"

    @property
    def is_case(self) -> bool:
        return self.case_id is not None

    @property
    def is_closed(self) -> bool:
        return self.state == State.CLOSED

    @property
    def to_answer(self) -> bool:
        return self.state in TO_ANSWER

    def sync_queue_at(self) -> None:
        """The moment the queue sorts this request by, in its tab."""
        self.queue_at = {
            State.NEW: self.due_at, State.OPEN: self.due_at, State.WAITING: self.paused_at,
            State.ANSWERED: self.answered_at, State.CLOSED: self.closed_at,
        }.get(self.state)


class MessageKind(models.TextChoices):
    MEMBER = "member", pgettext_lazy("support message", "from the member")
    ANSWER = "answer", pgettext_lazy("support message", "answer")
    QUESTION = "question", pgettext_lazy("support message", "question to the member")
    NOTE = "note", pgettext_lazy("support message", "internal note")


PUBLIC_KINDS = (MessageKind.MEMBER, MessageKind.ANSWER, MessageKind.QUESTION)


class Message(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages",
                                verbose_name=_("request"))
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=pgettext_lazy("support message", "written by"))
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written on"), default=timezone.now)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_key"], condition=Q(client_key__isnull=False),
                                    name="support_message_sent_once"),
        ]
        indexes = [models.Index(fields=["request", "created_at"], name="support_message_thread")]

    def __str__(self):
        return self.body[:60]

    @property
    def is_internal(self) -> bool:
        return self.kind == MessageKind.NOTE


def attachment_path(instance, filename: str) -> str:
    """An unguessable folder per file, the original name kept for the download."""
    return f"support/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("request"))
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class CannedAnswer(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    service = models.CharField(pgettext_lazy("support desk", "service"), max_length=20, choices=SupportService.choices)
    title = models.CharField(pgettext_lazy("canned answer", "title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000,
                            help_text=_("{first_name} becomes the member's first name, {agent} your name."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["entity", "service", "title"], name="support_canned_desk")]

    def __str__(self):
        return self.title


class SupportSettings(models.Model):
    """Office hours of an entity's services (the clock counts only them) and how long a member may
    reopen a closed request. Without a row, the defaults below apply."""

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                                  primary_key=True, verbose_name=_("entity"))
    day_starts = models.TimeField(_("office hours start"), default=datetime.time(9, 0))
    day_ends = models.TimeField(_("office hours end"), default=datetime.time(17, 0))
    reopen_days = models.PositiveSmallIntegerField(
        _("a member may reopen a closed request within (days)"), default=14,
        validators=[MinValueValidator(0), MaxValueValidator(365)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support settings")
        verbose_name_plural = _("support settings")
        constraints = [
            models.CheckConstraint(condition=Q(day_ends__gt=models.F("day_starts")), name="support_day_ends_after_start"),
        ]

    def __str__(self):
        return str(self.entity_id)


class ResponseTarget(models.Model):
    """How many working hours a service of an entity has to answer a request of one priority.
    Without a row, ``clock.DEFAULT_TARGETS`` applies."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    service = models.CharField(pgettext_lazy("support desk", "service"), max_length=20, choices=SupportService.choices)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    hours = models.PositiveSmallIntegerField(_("working hours"), validators=[MinValueValidator(1),
                                                                            MaxValueValidator(2000)])

    class Meta:
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")
        constraints = [
            models.UniqueConstraint(fields=["entity", "service", "priority"], name="support_one_target"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="support_target_positive"),
        ]

    def __str__(self):
        return f"{self.service}/{self.priority}: {self.hours} h"
