"""After-sales: a client reports a problem about a past job, the cooperative routes and answers it.

``Case`` — one problem reported by a client from the portal (about an issued invoice) or from a
request's tracking page (about a visit), without an account. Its states:

    reported ──► with the member ──► in progress ──► resolved ──► closed
       ▲  (queue)     │    (accepted)      │
       └── declined ◄─┘                    └──► rejected (reason) ──► closed

A new case goes *with the member(s)* of the activity that did the job (``assigned_member`` empty:
any of them may accept). A member who cannot take it declines with a reason: the case is back to
*reported* and waits in the after-sales queue of its trade (``in_queue``), where the desk gives it
to a qualified colleague (``assigned_member``), who accepts or declines in turn.

``first_answer_at`` / ``resolved_at`` (resolved or rejected) with their working time in seconds
(``first_answer_seconds`` / ``resolution_seconds``, counted with support's office-hours clock).

``Message`` — one post of the thread between the client and the member or the desk (the client
reads every message). ``Photo`` — a photo sent by the client (JPEG kept at most 1600 px), served
only through the case's signed link or to whoever may see the case.

``WarrantyRule`` — per entity: how many days after the invoice or the visit a job of a trade, or
of one catalogue service (more precise, it wins), stays under warranty.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("after-sales case state", "reported")
    WITH_MEMBER = "with_member", pgettext_lazy("after-sales case state", "with the member")
    IN_PROGRESS = "in_progress", pgettext_lazy("after-sales case state", "in progress")
    RESOLVED = "resolved", pgettext_lazy("after-sales case state", "resolved")
    REJECTED = "rejected", pgettext_lazy("after-sales case state", "rejected")
    CLOSED = "closed", pgettext_lazy("after-sales case state", "closed")


OPEN_STATES = (State.REPORTED, State.WITH_MEMBER, State.IN_PROGRESS)
DECIDED_STATES = (State.RESOLVED, State.REJECTED)


class Origin(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("after-sales origin", "invoice")
    VISIT = "visit", pgettext_lazy("after-sales origin", "visit")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def photo_path(instance, filename) -> str:
    return f"aftersales/{instance.case.entity_id}/{uuid.uuid4().hex}.jpg"


class Case(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    trade = models.ForeignKey("members.Trade", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("trade"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("activity"))
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+", verbose_name=_("client"))
    origin = models.CharField(pgettext_lazy("after-sales case", "reported from"), max_length=8, choices=Origin.choices)
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("invoice"))
    visit = models.ForeignKey("fieldwork.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("visit"))
    service = models.ForeignKey("fieldwork.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    description = models.TextField(pgettext_lazy("after-sales case", "the problem"), max_length=4000)
    reporter_name = models.CharField(_("name"), max_length=120)
    reporter_email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REPORTED)
    in_queue = models.BooleanField(pgettext_lazy("after-sales case", "waiting for a colleague"), default=False)
    assigned_member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=pgettext_lazy("after-sales case", "given to"))
    decline_reason = models.TextField(pgettext_lazy("after-sales case", "why the member cannot take it"),
                                      blank=True, max_length=2000)
    resolution = models.TextField(pgettext_lazy("after-sales case", "resolution"), blank=True, max_length=4000)
    rejection_reason = models.TextField(pgettext_lazy("after-sales case", "reason of the rejection"), blank=True,
                                        max_length=2000)
    under_warranty = models.BooleanField(_("under warranty"), default=False)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("after-sales case", "reported on"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    first_answer_at = models.DateTimeField(pgettext_lazy("after-sales case", "first answer"), null=True, blank=True)
    first_answer_seconds = models.PositiveIntegerField(null=True, blank=True)  # working seconds
    resolved_at = models.DateTimeField(pgettext_lazy("after-sales case", "decided on"), null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(null=True, blank=True)  # working seconds
    closed_at = models.DateTimeField(pgettext_lazy("after-sales case", "closed on"), null=True, blank=True)
    nonce = models.CharField(max_length=40, default=new_nonce, editable=False)

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(document__isnull=False) | Q(visit__isnull=False),
                                   name="aftersales_case_about_a_job"),
        ]
        indexes = [
            models.Index(fields=["activity", "created_at"], name="aftersales_activity"),
            models.Index(fields=["entity", "state", "created_at"], name="aftersales_queue"),
            models.Index(fields=["assigned_member", "state"], name="aftersales_assigned"),
        ]

    def __str__(self):
        return f"SAV-{self.pk}" if self.pk else "SAV"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Author(models.TextChoices):
    CLIENT = "client", pgettext_lazy("after-sales author", "client")
    MEMBER = "member", pgettext_lazy("after-sales author", "member")
    STAFF = "staff", pgettext_lazy("after-sales author", "after-sales desk")


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=8, choices=Author.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case} #{self.pk}"


class Photo(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case} photo {self.pk}"


class Starts(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("warranty starts", "the invoice date")
    VISIT = "visit", pgettext_lazy("warranty starts", "the visit date")


class WarrantyRule(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    trade = models.ForeignKey("members.Trade", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("trade"))
    service = models.ForeignKey("fieldwork.Service", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    days = models.PositiveIntegerField(pgettext_lazy("warranty", "days of warranty"),
                                       validators=[MinValueValidator(1), MaxValueValidator(3660)])
    starts_from = models.CharField(pgettext_lazy("warranty", "counted from"), max_length=8, choices=Starts.choices,
                                   default=Starts.INVOICE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warranty rule")
        verbose_name_plural = _("warranty rules")
        ordering = ["entity_id", "trade_id", "service_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(trade__isnull=False) | Q(service__isnull=False),
                                   name="aftersales_warranty_trade_or_service"),
            models.UniqueConstraint(fields=["entity", "service"], condition=Q(service__isnull=False),
                                    name="aftersales_warranty_one_per_service"),
            models.UniqueConstraint(fields=["entity", "trade"], condition=Q(service__isnull=True),
                                    name="aftersales_warranty_one_per_trade"),
        ]

    def __str__(self):
        return f"{self.service or self.trade}: {self.days}"
