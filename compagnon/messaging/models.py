"""Private messages between the people of one entity: members and the entity's staff.

A ``Conversation`` belongs to one entity and has two or more ``Participant`` rows. Each participant
row carries everything the person's inbox shows and sorts on (last activity, how many messages
they have not read, archived, up to which message an email already told them), so the inbox is one
indexed query on ``(user, archived, last_message_at)`` whatever the number of messages.

Nobody but the participants reads a ``Message`` — not the entity's administrators, not the Django
admin (nothing of this app is registered there). The one exception is a ``Report``: a participant
hands the conversation, up to the message they reported, to the entity's administrators, who may
warn the person or suspend their writing (``Suspension``). A ``Block`` stops one person writing to
another. ``Preference`` holds how each person wants to hear of new messages by email.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Conversation(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    subject = models.CharField(_("subject"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started on"), default=timezone.now)
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    people = models.PositiveSmallIntegerField(_("participants"), default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]

    def __str__(self):
        return self.subject or f"#{self.pk}"


class Participant(models.Model):
    """One person in one conversation: what their inbox shows and sorts on."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants", db_index=False,
        verbose_name=_("conversation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False,
        verbose_name=_("person"),
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_read_id = models.BigIntegerField(default=0, help_text="The newest message this person has read.")
    unread = models.PositiveIntegerField(_("unread messages"), default=0)
    archived = models.BooleanField(_("archived"), default=False)
    digested_up_to = models.BigIntegerField(
        default=0, help_text="The newest message an email already told this person about."
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="messaging_participant_once"),
        ]
        indexes = [
            # the inbox: one person's conversations, newest activity first
            models.Index(fields=["user", "archived", "-last_message_at", "-id"], name="messaging_inbox"),
            # the unread count, and the digests: only rows with something unread
            models.Index(fields=["user"], condition=Q(unread__gt=0), name="messaging_unread"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False,
        verbose_name=_("conversation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False,
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["conversation", "-id"], name="messaging_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"], condition=Q(client_key__isnull=False), name="messaging_sent_once"
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"


def attachment_path(instance, filename):
    """A path nobody can guess; the name the person gave is kept in ``name``."""
    return f"messages/{timezone.now():%Y%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Block(models.Model):
    """``blocker`` no longer receives anything from ``blocked``."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked person")
        verbose_name_plural = _("blocked people")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="messaging_block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ReportState(models.TextChoices):
    OPEN = "open", pgettext_lazy("message report state", "waiting for a decision")
    CLOSED = "closed", pgettext_lazy("message report state", "closed without action")
    WARNED = "warned", pgettext_lazy("message report state", "closed: the person was warned")
    SUSPENDED = "suspended", pgettext_lazy("message report state", "closed: writing suspended")


class Report(models.Model):
    """A participant hands a conversation to the entity's administrators. They read it up to
    ``up_to_message_id`` (the newest message when it was reported), nothing after."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+", db_index=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reported by")
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("person reported"),
    )
    reason = models.TextField(_("reason"))
    up_to_message_id = models.BigIntegerField(default=0)
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(_("reported on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reported conversation")
        verbose_name_plural = _("reported conversations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["entity", "state", "-created_at"], name="messaging_report_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "reporter"], condition=Q(state="open"), name="messaging_report_open_once"
            ),
        ]

    def __str__(self):
        return f"report {self.pk}"


class Suspension(models.Model):
    """``user`` may not write messages in ``entity`` (until ``until`` included, or until lifted)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension of writing")
        verbose_name_plural = _("suspensions of writing")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "entity"], condition=Q(lifted_at__isnull=True), name="messaging_suspended"),
            models.Index(fields=["entity"], condition=Q(lifted_at__isnull=True), name="messaging_suspended_entity"),
        ]

    def __str__(self):
        return f"{self.user_id} suspended in {self.entity_id}"


class EmailFrequency(models.TextChoices):
    NONE = "none", pgettext_lazy("message emails", "never")
    IMMEDIATELY = "immediately", pgettext_lazy("message emails", "at once, for each new message")
    DAILY = "daily", pgettext_lazy("message emails", "once a day, a digest")


class Preference(models.Model):
    """How a person hears of new messages by email (no row: the default, a daily digest)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                primary_key=True)
    email_frequency = models.CharField(
        _("emails about new messages"), max_length=12, choices=EmailFrequency.choices, default=EmailFrequency.DAILY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self):
        return f"{self.user_id}: {self.email_frequency}"
