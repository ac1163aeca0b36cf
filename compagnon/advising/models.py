"""Advising: the advisor who knows the member, and someone to turn to when they are away.

* ``Appointment`` — a meeting between an advisor and a member (planned → held | cancelled |
  missed), with the advisor's ``notes`` (private to the advisors of the member's office and the
  entity's administrators unless ``notes_shared``) and a ``sequence`` bumped at each change the
  member's calendar must follow (iCalendar SEQUENCE).
* ``NextStep`` — something to do after an appointment, owned by the member or the advisor, with a
  due date, ticked when done.
* ``AppointmentRequest`` — a member asks for an appointment; the advisor (or their relay) accepts
  it with a time (an appointment is made) or declines it with a reason.
* ``ReviewTemplate`` / ``ReviewQuestion`` — the yearly review's questions, per entity, grouped in
  sections; ``Review`` — one per member and year, its questions frozen when it starts (changing the
  template later changes no past review), filled during a review appointment, shared when done.
* ``Absence`` — an advisor away from one day to another, with a relay advisor: the relay's dated
  ``accounts.RoleAssignment`` rows (one per office of the absent advisor) are kept with it.
* ``FollowUp`` — one row per member, kept by the services in the transaction of every change, so
  the advisor's list sorts thousands of members by what needs attention from one join.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppointmentState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("appointment state", "planned")
    HELD = "held", pgettext_lazy("appointment state", "held")
    CANCELLED = "cancelled", pgettext_lazy("appointment state", "cancelled")
    MISSED = "missed", pgettext_lazy("appointment state", "missed")


class AppointmentKind(models.TextChoices):
    FOLLOW_UP = "follow_up", pgettext_lazy("appointment kind", "follow-up meeting")
    REVIEW = "review", pgettext_lazy("appointment kind", "yearly review")


class Appointment(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appointments",
                               verbose_name=_("member"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("advisor"))
    kind = models.CharField(_("kind"), max_length=10, choices=AppointmentKind.choices,
                            default=AppointmentKind.FOLLOW_UP)
    state = models.CharField(_("state"), max_length=10, choices=AppointmentState.choices,
                             default=AppointmentState.PLANNED)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(480)])
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("advisor's notes"), blank=True, max_length=10000)
    notes_shared = models.BooleanField(
        _("notes shared with the member"), default=False,
        help_text=_("Unticked, only the advisors of the member's office and the administrators read them."))
    outcome_at = models.DateTimeField(_("outcome recorded on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancelled by"))
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                                   name="advising_appointment_duration"),
        ]
        indexes = [
            models.Index(fields=["member", "state", "starts_at"], name="advising_appt_member"),
            models.Index(fields=["advisor", "state", "starts_at"], name="advising_appt_advisor"),
            models.Index(fields=["entity", "state", "starts_at"], name="advising_appt_entity"),
        ]

    def __str__(self):
        return self.topic

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        return self.state == AppointmentState.PLANNED


class StepOwner(models.TextChoices):
    MEMBER = "member", pgettext_lazy("next step owner", "the member")
    ADVISOR = "advisor", pgettext_lazy("next step owner", "the advisor")


class NextStep(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="next_steps",
                               verbose_name=_("member"))
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="steps", verbose_name=_("appointment"))
    owner = models.CharField(_("who does it"), max_length=10, choices=StepOwner.choices, default=StepOwner.MEMBER)
    text = models.CharField(_("what to do"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("ticked by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["member", "due_on"], condition=Q(done_at__isnull=True), name="advising_step_open"),
            models.Index(fields=["member", "-done_at"], name="advising_step_member"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class RequestState(models.TextChoices):
    OPEN = "open", pgettext_lazy("appointment request", "waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("appointment request", "accepted")
    DECLINED = "declined", pgettext_lazy("appointment request", "declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("appointment request", "withdrawn")


class AppointmentRequest(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appointment_requests",
                               verbose_name=_("member"))
    topic = models.CharField(_("what about"), max_length=200)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    preferred = models.CharField(_("when suits you"), max_length=300, blank=True,
                                 help_text=_("For example: Tuesday or Thursday mornings."))
    by_video = models.BooleanField(_("by video rather than in person"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices, default=RequestState.OPEN)
    appointment = models.OneToOneField(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="request", verbose_name=_("appointment"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "state"], name="advising_request_member"),
            models.Index(fields=["entity", "state"], name="advising_request_entity"),
        ]

    def __str__(self):
        return self.topic


class ReviewTemplate(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    name = models.CharField(_("name"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000,
                             help_text=_("Printed at the top of each review: what it is for, how it goes."))
    active = models.BooleanField(_("in use"), default=True,
                                 help_text=_("Only templates in use are offered for a new review."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review template")
        verbose_name_plural = _("review templates")
        ordering = ["-active", "name", "id"]

    def __str__(self):
        return self.name


class QuestionKind(models.TextChoices):
    TEXT = "text", pgettext_lazy("review question kind", "short answer")
    LONG_TEXT = "long_text", pgettext_lazy("review question kind", "long answer")
    NUMBER = "number", pgettext_lazy("review question kind", "number")
    YES_NO = "yes_no", pgettext_lazy("review question kind", "yes or no")


class ReviewQuestion(models.Model):
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="questions",
                                 verbose_name=_("template"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=120, blank=True,
                               help_text=_("For example: Activity figures, Goals, Training needs."))
    label = models.CharField(_("question"), max_length=300)
    help = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("answer"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.LONG_TEXT)

    class Meta:
        verbose_name = _("review question")
        verbose_name_plural = _("review questions")
        ordering = ["position", "id"]

    def __str__(self):
        return self.label

    def frozen(self) -> dict:
        return {"id": self.pk, "section": self.section, "label": self.label, "help": self.help, "kind": self.kind}


class ReviewState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("yearly review state", "in progress")
    DONE = "done", pgettext_lazy("yearly review state", "done")


class Review(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="reviews",
                               verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    template = models.ForeignKey(ReviewTemplate, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reviews", verbose_name=_("template"))
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="reviews", verbose_name=_("review appointment"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("advisor"))
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(blank=True)
    questions = models.JSONField(default=list, help_text="The template's questions when the review started.")
    answers = models.JSONField(default=dict, blank=True, help_text="Question id → answer.")
    summary = models.TextField(_("conclusion"), blank=True, max_length=5000)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yearly review")
        verbose_name_plural = _("yearly reviews")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="advising_one_review_per_year")]
        indexes = [models.Index(fields=["entity", "year", "state"], name="advising_review_year")]

    def __str__(self):
        return f"{self.title} {self.year}"

    @property
    def is_done(self) -> bool:
        return self.state == ReviewState.DONE

    def sections(self) -> list[dict]:
        """[{"title", "items": [{"question", "answer"}]}] in the frozen order."""
        out: list[dict] = []
        for q in self.questions:
            if not out or out[-1]["title"] != q.get("section", ""):
                out.append({"title": q.get("section", ""), "items": []})
            out[-1]["items"].append({"question": q, "answer": self.answers.get(str(q["id"]), "")})
        return out


class Absence(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("advisor away"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), help_text=_("The last day away (included)."))
    relay = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("relay advisor"))
    message = models.CharField(_("message to the members"), max_length=300, blank=True)
    relay_assignments = models.ManyToManyField("accounts.RoleAssignment", blank=True, related_name="+",
                                               editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="advising_absence_dates"),
            models.CheckConstraint(condition=~Q(relay=F("advisor")), name="advising_absence_relay_is_another"),
        ]
        indexes = [models.Index(fields=["advisor", "ends_on"], name="advising_absence_advisor"),
                   models.Index(fields=["relay", "ends_on"], name="advising_absence_relay")]

    def __str__(self):
        return f"{self.advisor_id}: {self.starts_on} – {self.ends_on}"

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class FollowUp(models.Model):
    """Where a member's follow-up stands, kept by ``followup.refresh`` in every service's
    transaction (never typed): what the advisor's list sorts and filters on."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, primary_key=True,
                                  related_name="advising_follow_up")
    last_held_at = models.DateTimeField(null=True, blank=True)
    next_planned_at = models.DateTimeField(null=True, blank=True)
    open_steps = models.PositiveIntegerField(default=0)
    first_due_on = models.DateField(null=True, blank=True)
    last_review_year = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return str(self.member_id)
