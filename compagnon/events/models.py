"""A local agenda, trainings and mentoring.

Agenda — an ``Event`` belongs to an entity and, optionally, to one of its offices (no office: the
whole cooperative). Staff create it published; a member proposes it and the staff of that office
(its advisors, the entity's administrators) validate or decline it with a reason. Members register
(``Registration``): first come, first served up to ``capacity``, then a waiting list; when a place
frees up the first person waiting is promoted. ``registered_count`` / ``waiting_count`` are kept by
the services under the event's row lock, so the agenda reads them without counting.
``ReminderSent`` makes each reminder go once per registration and kind.

Trainings — a training is an event of kind "training" with a topic, a level, a trainer and a
duration. Members ask for a topic and a level (``TrainingRequest``); staff mark attendance on the
registrations and present attendees get a ``Certificate`` (content frozen when first issued).

Mentoring — members offer to mentor in a trade (``MentorOffer``), new members ask for a mentor
(``MentorRequest``); an accepted request makes a ``MentorPair``, whose meetings are logged
(``MentorMeeting``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", pgettext_lazy("event kind", "workshop")
    TRAINING = "training", pgettext_lazy("event kind", "training")
    MEETUP = "meetup", pgettext_lazy("event kind", "get-together")
    INFO = "info", pgettext_lazy("event kind", "information session")
    OTHER = "other", pgettext_lazy("event kind", "other")


class EventStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("event status", "waiting for validation")
    PUBLISHED = "published", pgettext_lazy("event status", "published")
    DECLINED = "declined", pgettext_lazy("event status", "declined")
    CANCELLED = "cancelled", pgettext_lazy("event status", "cancelled")


class Level(models.TextChoices):
    BEGINNER = "beginner", pgettext_lazy("training level", "beginner")
    INTERMEDIATE = "intermediate", pgettext_lazy("training level", "intermediate")
    ADVANCED = "advanced", pgettext_lazy("training level", "advanced")


class TrainingTopic(models.Model):
    """What a training is about, per entity ("Bookkeeping basics"); named once, case aside."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="training_topics", verbose_name=_("entity")
    )
    name = models.CharField(_("topic"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "entity", name="events_topic_unique_per_entity"),
        ]

    def __str__(self):
        return self.name


class Event(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.PROTECT, related_name="events", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("office"),
        help_text=_("Leave empty for an event of the whole cooperative."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices, default=EventKind.WORKSHOP)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty when there is no limit.")
    )
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PUBLISHED)
    registered_count = models.PositiveIntegerField(_("registered"), default=0)
    waiting_count = models.PositiveIntegerField(_("on the waiting list"), default=0)
    # a training
    topic = models.ForeignKey(
        TrainingTopic, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions",
        verbose_name=_("topic"),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="trainings_given",
        verbose_name=_("trainer"),
    )
    hours = models.DecimalField(_("duration (hours)"), max_digits=5, decimal_places=2, null=True, blank=True)
    # who and when
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("proposed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="events_event_capacity"),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0), name="events_event_hours"),
            models.CheckConstraint(
                condition=~Q(kind="training") | (Q(topic__isnull=False) & ~Q(level="") & Q(hours__isnull=False)),
                name="events_training_has_topic_level_hours",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "status", "ends_at"], name="events_office_upcoming"),
            models.Index(fields=["entity", "status", "ends_at"], name="events_entity_upcoming"),
            models.Index(fields=["status", "starts_at"], name="events_status_start"),
            models.Index(fields=["topic", "status"], name="events_topic_status"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_training(self) -> bool:
        return self.kind == EventKind.TRAINING

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.registered_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.registered_count >= self.capacity


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "registered")
    WAITING = "waiting", pgettext_lazy("registration status", "on the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")


class Attendance(models.TextChoices):
    PRESENT = "present", pgettext_lazy("attendance", "present")
    ABSENT = "absent", pgettext_lazy("attendance", "absent")


class Registration(models.Model):
    """One member's place at one event (one row per pair: cancelling and registering again reuses
    it and goes to the back of the queue)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event"))
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="event_registrations", verbose_name=_("member")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    registered_at = models.DateTimeField(_("registered on"))
    promoted_at = models.DateTimeField(_("moved up from the waiting list on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    attendance = models.CharField(_("attendance"), max_length=8, choices=Attendance.choices, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="events_one_registration_per_member"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "registered_at"], name="events_reg_queue"),
            models.Index(fields=["member", "status"], name="events_reg_member"),
        ]

    def __str__(self):
        return f"{self.member} – {self.event}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", pgettext_lazy("reminder kind", "the day before")


class ReminderSent(models.Model):
    """A reminder sent: one row per registration and kind, so a second run sends nothing."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="events_reminder_once"),
        ]

    def __str__(self):
        return f"{self.registration_id} {self.kind}"


class CalendarFeed(models.Model):
    """A person's read-only iCal feeds (the agenda, my registrations) at a secret address;
    renewing makes a new secret and the old address stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed")
    token = models.CharField(max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class TrainingRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "open")
    MET = "met", pgettext_lazy("training request status", "attended a session")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "withdrawn")


class MentorRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "open")
    MATCHED = "matched", pgettext_lazy("mentor request status", "mentor found")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "withdrawn")


class TrainingRequest(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="training_requests", verbose_name=_("entity")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="training_requests", verbose_name=_("member")
    )
    topic = models.ForeignKey(TrainingTopic, on_delete=models.PROTECT, related_name="requests", verbose_name=_("topic"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TrainingRequestStatus.choices, default=TrainingRequestStatus.OPEN
    )
    fulfilled_by = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("session")
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)

    class Meta:
        verbose_name = _("training request")
        verbose_name_plural = _("training requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "topic", "level"], condition=Q(status="open"), name="events_one_open_request"
            ),
        ]
        indexes = [models.Index(fields=["entity", "status"], name="events_trainreq_entity")]

    def __str__(self):
        return f"{self.member} – {self.topic} ({self.get_level_display()})"


class Certificate(models.Model):
    """A certificate of attendance: its content (name, training, date, hours, entity) is frozen
    when it is first issued, so a later change of the event does not change a delivered PDF."""

    registration = models.OneToOneField(
        Registration, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("registration")
    )
    issued_at = models.DateTimeField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(_("content"), default=dict)

    class Meta:
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"ATT-{self.registration.event_id}-{self.registration_id}"


# --- mentoring -----------------------------------------------------------------------------------


class MentorOffer(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="mentor_offers", verbose_name=_("entity")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="mentor_offers", verbose_name=_("mentor")
    )
    trade = models.ForeignKey("members.Trade", on_delete=models.PROTECT, related_name="+", verbose_name=_("trade"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("how many people at a time"), default=1)
    active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer to mentor")
        verbose_name_plural = _("offers to mentor")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "trade"], name="events_one_offer_per_trade"),
            models.CheckConstraint(condition=Q(capacity__gte=1) & Q(capacity__lte=10), name="events_offer_capacity"),
        ]
        indexes = [models.Index(fields=["entity", "trade", "active"], name="events_offer_trade")]

    def __str__(self):
        return f"{self.member} – {self.trade}"


class MentorRequest(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="mentor_requests", verbose_name=_("entity")
    )
    mentee = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="mentor_requests", verbose_name=_("member")
    )
    trade = models.ForeignKey("members.Trade", on_delete=models.PROTECT, related_name="+", verbose_name=_("trade"))
    note = models.CharField(_("what I am looking for"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MentorRequestStatus.choices, default=MentorRequestStatus.OPEN
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for a mentor")
        verbose_name_plural = _("requests for a mentor")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "trade"], condition=Q(status="open"), name="events_one_open_ask"),
        ]
        indexes = [models.Index(fields=["entity", "trade", "status"], name="events_ask_trade")]

    def __str__(self):
        return f"{self.mentee} – {self.trade}"


class MentorPair(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="mentor_pairs", verbose_name=_("entity")
    )
    mentor = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="mentoring_given", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="mentoring_received", verbose_name=_("mentee")
    )
    trade = models.ForeignKey("members.Trade", on_delete=models.PROTECT, related_name="+", verbose_name=_("trade"))
    request = models.OneToOneField(
        MentorRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="pair"
    )
    since = models.DateField(_("since"))
    goals = models.TextField(_("goals"), blank=True, max_length=1000)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-since", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="events_pair_two_people"),
        ]
        indexes = [
            models.Index(fields=["mentor", "ended_on"], name="events_pair_mentor"),
            models.Index(fields=["mentee", "ended_on"], name="events_pair_mentee"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"


class MentorMeeting(models.Model):
    pair = models.ForeignKey(MentorPair, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pair"))
    date = models.DateField(_("date"))
    note = models.TextField(_("what we talked about"), blank=True, max_length=1000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["pair", "date"], name="events_meeting_pair")]

    def __str__(self):
        return f"{self.pair} {self.date}"
