"""Tenders and grants: public notices imported from the official open-data files (BOAMP JSON,
TED eForms XML) or entered by hand, matched to members by trade and zone, answered alone or as a
group, with the cooperative's administrative documents at hand.

``Notice`` — a tender notice or grant call of an entity (source + source id unique).
``NoticeImport`` — one uploaded file, kept, with what it created/updated and the records refused.
``CpvTrade`` — per entity: CPV codes starting with a prefix (and/or keywords) → a trade.
``NoticeMatch`` — a member the notice was matched to (and when they were told).
``Answer`` — a member's answer to a notice; ``AnswerMember`` the group (roles, invitations,
shares); ``ChecklistItem``; ``AnswerFile`` the shared folder (private to the group).
``AdminDocument`` — the cooperative's registration extract, certificates and insurance, with
issue and expiry dates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

EXPIRING_DAYS = 30  # an administrative document expiring within this many days is flagged
REMIND_DAYS = 3  # the group is reminded this many days before the deadline


class Kind(models.TextChoices):
    TENDER = "tender", pgettext_lazy("notice kind", "tender")
    GRANT = "grant", pgettext_lazy("notice kind", "grant call")


class Source(models.TextChoices):
    BOAMP = "boamp", "BOAMP"
    TED = "ted", "TED"
    HAND = "hand", pgettext_lazy("notice source", "entered by hand")


class Notice(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="tender_notices",
                               verbose_name=_("entity"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TENDER)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.HAND)
    source_id = models.CharField(_("reference at the source"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    buyer = models.CharField(_("buyer or funder"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    cpv_codes = models.JSONField(_("CPV codes"), default=list, blank=True)
    department = models.CharField(_("department"), max_length=3, blank=True)
    nuts = models.CharField(_("NUTS code"), max_length=5, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    estimated_value = models.DecimalField(_("estimated value excl. VAT"), max_digits=14, decimal_places=2, null=True,
                                          blank=True, validators=[MinValueValidator(Decimal("0"))])
    notice_import = models.ForeignKey("NoticeImport", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="notices", verbose_name=_("import"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["deadline", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "source", "source_id"], name="tenders_notice_once_per_source"),
        ]
        indexes = [models.Index(fields=["entity", "deadline"], name="tenders_notice_deadline")]

    def __str__(self):
        return self.title

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.postcode, self.department, self.nuts) if p)

    def days_left(self, today: datetime.date | None = None) -> int | None:
        if self.deadline is None:
            return None
        today = today or timezone.localdate()
        return (timezone.localtime(self.deadline).date() - today).days


class NoticeImport(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    source = models.CharField(_("format"), max_length=8, choices=Source.choices)
    file = models.FileField(_("file"), upload_to="tenders/imports/%Y/%m/", max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    problems = models.JSONField(_("records refused"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice import")
        verbose_name_plural = _("notice imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name


class CpvTrade(models.Model):
    """CPV codes starting with ``cpv_prefix`` (or notices containing one of ``keywords``) are for
    members of ``trade``."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    trade = models.ForeignKey("members.Trade", on_delete=models.CASCADE, related_name="+", verbose_name=_("trade"))
    cpv_prefix = models.CharField(_("CPV codes starting with"), max_length=8, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True,
                                help_text=_("Separated by commas; a notice whose title or description contains one "
                                            "of them is for this trade."))

    class Meta:
        verbose_name = _("CPV codes of a trade")
        verbose_name_plural = _("CPV codes of trades")
        ordering = ["cpv_prefix", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(cpv_prefix="", keywords=""), name="tenders_cpvtrade_not_empty"),
        ]

    def __str__(self):
        return f"{self.cpv_prefix} → {self.trade_id}"

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class NoticeMatch(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="matches", verbose_name=_("notice"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="tender_matches",
                               verbose_name=_("member"))
    trade = models.ForeignKey("members.Trade", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("trade"))
    announced_at = models.DateTimeField(_("announced on"), null=True, blank=True)

    class Meta:
        verbose_name = _("matched member")
        verbose_name_plural = _("matched members")
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="tenders_match_once")]
        indexes = [models.Index(fields=["member", "notice"], name="tenders_match_member")]

    def __str__(self):
        return f"{self.notice_id} → {self.member_id}"


class AnswerState(models.TextChoices):
    PREPARING = "preparing", pgettext_lazy("answer state", "in preparation")
    SUBMITTED = "submitted", pgettext_lazy("answer state", "submitted")
    WON = "won", pgettext_lazy("answer state", "won")
    LOST = "lost", pgettext_lazy("answer state", "lost")
    ABANDONED = "abandoned", pgettext_lazy("answer state", "abandoned")


OPEN_STATES = (AnswerState.PREPARING, AnswerState.SUBMITTED)


class Answer(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="answers", verbose_name=_("notice"))
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    lead = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="tender_answers_led",
                             verbose_name=_("lead"))
    state = models.CharField(_("state"), max_length=10, choices=AnswerState.choices, default=AnswerState.PREPARING)
    lost_reason = models.CharField(_("why it was lost"), max_length=500, blank=True)
    won_amount = models.DecimalField(_("amount won excl. VAT"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    starts_on = models.DateField(_("work from"), null=True, blank=True)
    ends_on = models.DateField(_("work until"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("outcome recorded on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "lead"], name="tenders_answer_once_per_lead"),
        ]

    def __str__(self):
        return str(self.notice)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Role(models.TextChoices):
    LEAD = "lead", pgettext_lazy("answer role", "lead")
    PARTNER = "partner", pgettext_lazy("answer role", "partner")
    SUBCONTRACTOR = "subcontractor", pgettext_lazy("answer role", "subcontractor")


class Invitation(models.TextChoices):
    INVITED = "invited", pgettext_lazy("invitation", "invited")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "accepted")
    DECLINED = "declined", pgettext_lazy("invitation", "declined")


class AnswerMember(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="members", verbose_name=_("answer"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="tender_answers",
                               verbose_name=_("member"))
    role = models.CharField(_("role"), max_length=14, choices=Role.choices, default=Role.PARTNER)
    state = models.CharField(_("invitation"), max_length=10, choices=Invitation.choices, default=Invitation.INVITED)
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("declared job"))
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member of the answer")
        verbose_name_plural = _("members of the answer")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "member"], name="tenders_answer_member_once"),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=100), name="tenders_share_percent"),
        ]

    def __str__(self):
        return str(self.member_id)


class ChecklistItem(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("answer"))
    label = models.CharField(_("what"), max_length=200)
    who = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("who"))
    due_on = models.DateField(_("when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


class AdminKind(models.TextChoices):
    REGISTRATION = "registration", pgettext_lazy("admin document", "registration extract (K-bis, BCE)")
    SOCIAL = "social", pgettext_lazy("admin document", "social security certificate (URSSAF vigilance)")
    TAX = "tax", pgettext_lazy("admin document", "tax certificate")
    INSURANCE = "insurance", pgettext_lazy("admin document", "insurance certificate")
    OTHER = "other", pgettext_lazy("admin document", "other document")


class AdminDocument(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    kind = models.CharField(_("kind"), max_length=14, choices=AdminKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="tenders/admin/%Y/", max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(default=0)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    flagged = models.CharField(max_length=10, blank=True, editable=False)  # "soon" / "expired" once told
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("administrative document")
        verbose_name_plural = _("administrative documents")
        ordering = ["kind", "-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                                   name="tenders_admindoc_expires_after_issue"),
        ]

    def __str__(self):
        return self.title

    def status(self, today: datetime.date | None = None) -> str:
        """"valid", "soon" (within EXPIRING_DAYS) or "expired"."""
        today = today or timezone.localdate()
        if self.expires_on is None:
            return "valid"
        if self.expires_on < today:
            return "expired"
        if self.expires_on <= today + datetime.timedelta(days=EXPIRING_DAYS):
            return "soon"
        return "valid"


class AnswerFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files", verbose_name=_("answer"))
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="tenders/answers/%Y/%m/", max_length=300)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    admin_document = models.ForeignKey(AdminDocument, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("administrative document"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file of an answer")
        verbose_name_plural = _("files of answers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "admin_document"], condition=Q(admin_document__isnull=False),
                                    name="tenders_admindoc_attached_once"),
        ]

    def __str__(self):
        return self.name
