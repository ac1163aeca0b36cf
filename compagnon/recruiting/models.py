"""Recruiting: applications from the public form, their pipeline with the advisor, information
meetings with sign-ups, and the calls for new members published from the open needs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Step(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("application step", "received")
    MEETING = "meeting", pgettext_lazy("application step", "information meeting")
    INTERVIEW = "interview", pgettext_lazy("application step", "interview")
    ACCEPTED = "accepted", pgettext_lazy("application step", "accepted")
    JOINED = "joined", pgettext_lazy("application step", "joined")
    REFUSED = "refused", pgettext_lazy("application step", "refused")


# the pipeline in order; "refused" is reachable from any open step, "joined" only through join()
PIPELINE = [Step.RECEIVED, Step.MEETING, Step.INTERVIEW, Step.ACCEPTED, Step.JOINED]
OPEN_STEPS = [Step.RECEIVED, Step.MEETING, Step.INTERVIEW, Step.ACCEPTED]
MOVABLE_STEPS = [(s.value, s.label) for s in OPEN_STEPS]


class RefusalReason(models.TextChoices):
    NOT_READY = "not_ready", pgettext_lazy("refusal reason", "project not ready yet")
    NOT_SUITED = "not_suited", pgettext_lazy("refusal reason", "activity not suited to the cooperative")
    ZONE = "zone", pgettext_lazy("refusal reason", "outside the cooperative's area")
    FULL = "full", pgettext_lazy("refusal reason", "no place in this trade for now")
    WITHDRAWN = "withdrawn", pgettext_lazy("refusal reason", "the applicant withdrew")
    NO_REPLY = "no_reply", pgettext_lazy("refusal reason", "no reply from the applicant")
    OTHER = "other", pgettext_lazy("refusal reason", "other reason")


class Call(models.Model):
    """A call for new members: a trade needed in a zone, published on the public page."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("office"),
    )
    trade = models.ForeignKey(
        "members.Trade", on_delete=models.PROTECT, related_name="+", verbose_name=_("trade")
    )
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    text = models.TextField(_("what we offer"), blank=True, max_length=2000)
    requests_count = models.PositiveIntegerField(_("requests waiting when published"), default=0)
    published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for new members")
        verbose_name_plural = _("calls for new members")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "trade", "postcode"], name="recruiting_one_call_per_need")
        ]
        indexes = [models.Index(fields=["entity", "published"])]

    def __str__(self):
        return f"{self.trade} — {self.city or self.postcode}"


class Application(models.Model):
    """What a person sent through the public form, and where it stands."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    trades = models.ManyToManyField("members.Trade", related_name="+", verbose_name=_("trades"))
    postcode = models.CharField(_("postcode"), max_length=16)
    city = models.CharField(_("commune"), max_length=100)
    zone_km = models.PositiveSmallIntegerField(_("distance I can travel (km)"), default=20)
    experience = models.TextField(_("experience"), max_length=4000)
    availability = models.CharField(_("availability"), max_length=500)
    motivation = models.TextField(_("motivation"), max_length=4000, blank=True)
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications",
        verbose_name=_("call answered"),
    )
    consent_at = models.DateTimeField(_("consent given at"))
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.RECEIVED)
    step_since = models.DateTimeField(_("at this step since"))
    refusal_reason = models.CharField(
        _("reason"), max_length=12, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.TextField(_("message to the applicant"), max_length=2000, blank=True)
    purge_after = models.DateField(_("data deleted after"), null=True, blank=True)
    member = models.OneToOneField(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="application",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "step"]),
            models.Index(fields=["entity", "step"]),
            models.Index(fields=["purge_after"]),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.step in OPEN_STEPS


def document_path(instance, filename):
    return f"recruiting/{instance.application.entity_id}/{new_token()}"


class Document(models.Model):
    """A file the applicant sent (CV…): kept privately, served only to staff by a checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=document_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Move(models.Model):
    """One move of an application (or a note on it): who, when, from where to where. Never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moves")
    from_step = models.CharField(max_length=12, choices=Step.choices, blank=True)
    to_step = models.CharField(max_length=12, choices=Step.choices, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_step} → {self.to_step}"

    @property
    def is_note(self) -> bool:
        return not self.to_step


class Meeting(models.Model):
    """An information meeting: a date, a place or a video link, a number of places."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    starts_at = models.DateTimeField(_("date and time"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=12)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("information meeting")
        verbose_name_plural = _("information meetings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["office", "starts_at"])]

    def __str__(self):
        return f"{self.office} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        """Places still free (``registered`` is annotated by ``selectors.with_counts``)."""
        return max(self.capacity - (getattr(self, "registered", 0) or 0), 0)


class SignUpState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("meeting sign-up", "registered")
    WAITING = "waiting", pgettext_lazy("meeting sign-up", "on the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("meeting sign-up", "cancelled")


class SignUp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signups")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="signups")
    state = models.CharField(max_length=12, choices=SignUpState.choices, default=SignUpState.REGISTERED)
    attended = models.BooleanField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="recruiting_one_signup_per_meeting")
        ]

    def __str__(self):
        return f"{self.application} @ {self.meeting}"
