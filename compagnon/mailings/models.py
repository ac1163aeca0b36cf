"""Targeted mailings and in-app news.

* ``Interest`` — a topic the staff of an entity define ("trainings", "legal news"…), named in the
  three languages; ``MemberInterest`` — a member declared it (one row per member and topic).
* ``Preference`` — how a member wants one kind of communication (newsletter, news of my office,
  news of my trade, announcements): by email (and in the app), in the app only, or not at all. No
  row means the default (by email). ``Unsubscription`` records each unsubscribe link used.
* ``Mailing`` — a message written by staff in FR/NL/EN, its audience (offices, postcode prefixes,
  trades, maturities, statuses, interests: empty means everyone; AND between criteria, OR inside
  one), sent by email and/or published as in-app news; draft → scheduled → sending → sent. A
  *service message* (administrators only) ignores the preferences.
* ``Delivery`` — one row per recipient, written in bulk when the mailing goes out: the email's
  state (none, waiting, sending, sent, failed, with the error), whether it shows in the
  recipient's news list, and when they read it. Unique per mailing and member: queuing twice
  writes nothing more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

LANGS = ("fr", "nl", "en")


class Kind(models.TextChoices):
    NEWSLETTER = "newsletter", pgettext_lazy("mailing kind", "Newsletter")
    OFFICE = "office", pgettext_lazy("mailing kind", "News of my office")
    TRADE = "trade", pgettext_lazy("mailing kind", "News of my trade")
    ANNOUNCEMENT = "announcement", pgettext_lazy("mailing kind", "Announcements from the cooperative")


class Mode(models.TextChoices):
    EMAIL = "email", pgettext_lazy("delivery mode", "By email and in the app")
    APP = "app", pgettext_lazy("delivery mode", "In the app only")
    NONE = "none", pgettext_lazy("delivery mode", "Not at all")


DEFAULT_MODE = Mode.EMAIL


def localized(obj, prefix: str, fallback: str = "") -> str:
    """``obj.<prefix>_<current language>``, else in ``fallback``'s language, else any non-empty."""
    lang = (get_language() or "fr")[:2]
    for code in (lang, fallback, *LANGS):
        value = getattr(obj, f"{prefix}_{code}", "") if code in LANGS else ""
        if value:
            return value
    return ""


class Interest(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="mailing_interests",
                               verbose_name=_("entity"))
    name_fr = models.CharField(_("name (French)"), max_length=80, blank=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    archived = models.BooleanField(_("archived"), default=False,
                                   help_text=_("Members no longer see it; mailings no longer target it."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["entity", "archived", "position"], name="mailings_interest_list")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class MemberInterest(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="mailing_interests",
                               verbose_name=_("member"))
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="declared",
                                 verbose_name=_("interest"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        constraints = [models.UniqueConstraint(fields=["member", "interest"], name="mailings_one_interest_per_member")]

    def __str__(self):
        return f"{self.member_id}: {self.interest_id}"


class Preference(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="mailing_preferences",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind of communication"), max_length=16, choices=Kind.choices)
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices, default=DEFAULT_MODE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("communication preference")
        verbose_name_plural = _("communication preferences")
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="mailings_one_preference_per_kind")]

    def __str__(self):
        return f"{self.member_id}: {self.kind} → {self.mode}"


class UnsubscribeMethod(models.TextChoices):
    LINK = "link", pgettext_lazy("unsubscribe method", "link in the email")
    ONE_CLICK = "one_click", pgettext_lazy("unsubscribe method", "one click from the mail program")


class Unsubscription(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    kind = models.CharField(_("kind of communication"), max_length=16, choices=Kind.choices)
    mailing = models.ForeignKey("Mailing", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("mailing"))
    method = models.CharField(_("how"), max_length=10, choices=UnsubscribeMethod.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.member_id}: {self.kind}"


class MailingState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("mailing state", "draft")
    SCHEDULED = "scheduled", pgettext_lazy("mailing state", "scheduled")
    SENDING = "sending", pgettext_lazy("mailing state", "sending")
    SENT = "sent", pgettext_lazy("mailing state", "sent")


class Mailing(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="mailings",
                               verbose_name=_("entity"))
    kind = models.CharField(_("kind of communication"), max_length=16, choices=Kind.choices, default=Kind.NEWSLETTER)
    is_service = models.BooleanField(
        _("service message"), default=False,
        help_text=_("A legal or service message (for example a general assembly convocation): it reaches "
                    "its whole audience whatever their preferences. Administrators only."))
    language = models.CharField(_("default language"), max_length=2, default="fr",
                                help_text=_("The entity's language: readers whose language has no version read this one."))
    subject_fr = models.CharField(_("subject (French)"), max_length=150, blank=True)
    body_fr = models.TextField(_("message (French)"), blank=True)
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=150, blank=True)
    body_nl = models.TextField(_("message (Dutch)"), blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=150, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    send_email = models.BooleanField(_("send by email"), default=True)
    publish_news = models.BooleanField(_("publish as news in the app"), default=False)
    offices = models.ManyToManyField("organisation.Office", blank=True, related_name="+", verbose_name=_("offices"))
    trades = models.ManyToManyField("members.Trade", blank=True, related_name="+", verbose_name=_("trades"))
    interests = models.ManyToManyField(Interest, blank=True, related_name="mailings", verbose_name=_("interests"))
    postcode_prefixes = models.JSONField(_("postcodes starting with"), default=list, blank=True)
    maturities = models.JSONField(_("maturities"), default=list, blank=True)
    statuses = models.JSONField(_("statuses"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MailingState.choices, default=MailingState.DRAFT)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    published_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "state", "-created_at"], name="mailings_by_state"),
            models.Index(fields=["state", "scheduled_for"], name="mailings_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(send_email=True) | Q(publish_news=True), name="mailings_one_channel"),
        ]

    def __str__(self):
        return self.subject

    @property
    def variants(self) -> list[str]:
        """The languages this mailing is written in (subject and message both given)."""
        return [c for c in LANGS if getattr(self, f"subject_{c}").strip() and getattr(self, f"body_{c}").strip()]

    def language_for(self, wanted: str | None) -> str:
        """The reader's language when written in it, else the entity's, else the first written."""
        variants = self.variants
        for code in (wanted, self.language):
            if code in variants:
                return code
        return variants[0] if variants else self.language

    def text(self, wanted: str | None = None) -> tuple[str, str]:
        """(subject, Markdown body) in ``wanted`` or the current language, with the fallbacks above."""
        code = self.language_for((wanted or get_language() or self.language)[:2])
        return getattr(self, f"subject_{code}"), getattr(self, f"body_{code}")

    @property
    def subject(self) -> str:
        return self.text()[0] or f"#{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.state in (MailingState.DRAFT, MailingState.SCHEDULED)


class EmailState(models.TextChoices):
    NONE = "none", pgettext_lazy("email state", "not by email")
    WAITING = "waiting", pgettext_lazy("email state", "waiting")
    SENDING = "sending", pgettext_lazy("email state", "being sent")
    SENT = "sent", pgettext_lazy("email state", "sent")
    FAILED = "failed", pgettext_lazy("email state", "failed")


class Delivery(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("mailing"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    email = models.CharField(_("email"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=2)
    email_state = models.CharField(_("email"), max_length=8, choices=EmailState.choices, default=EmailState.NONE)
    in_app = models.BooleanField(_("in the news list"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        # Two indexes besides the primary key, each written for every recipient queued: the unique
        # one (member first) also finds a member's news; the other serves the batches' claim
        # (waiting rows of a mailing, in id order) and the progress counts.
        constraints = [models.UniqueConstraint(fields=["member", "mailing"], name="mailings_one_delivery_per_member")]
        indexes = [models.Index(fields=["mailing", "email_state", "id"], name="mailings_delivery_state")]

    def __str__(self):
        return f"{self.mailing_id} → {self.member_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
