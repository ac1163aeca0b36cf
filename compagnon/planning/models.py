"""Proposed weekly plans: for a sector and a week, who goes where and when, computed by the
solver, reviewed, edited and accepted by the sector (nothing is imposed: accepting plans the
visits through ``fieldwork.services.plan_visit``, one by one, with its checks)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    COMPUTING = "computing", pgettext_lazy("proposal state", "being computed")
    READY = "ready", pgettext_lazy("proposal state", "ready for review")
    FAILED = "failed", pgettext_lazy("proposal state", "failed")
    ACCEPTED = "accepted", pgettext_lazy("proposal state", "accepted")
    DISCARDED = "discarded", pgettext_lazy("proposal state", "discarded")


class Proposal(models.Model):
    sector = models.ForeignKey(
        "fieldwork.Sector",
        on_delete=models.CASCADE,
        related_name="plan_proposals",
        verbose_name=_("sector"),
    )
    week = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    state = models.CharField(
        _("state"), max_length=10, choices=ProposalState.choices, default=ProposalState.COMPUTING
    )
    kept_members = models.ManyToManyField(
        "members.Member",
        blank=True,
        related_name="+",
        verbose_name=_("members whose visits are kept as they are"),
    )
    seconds = models.PositiveSmallIntegerField(
        _("time limit of the computation (seconds)"), default=6
    )
    solve_seconds = models.FloatField(_("computed in (seconds)"), null=True, blank=True)
    travel_minutes = models.PositiveIntegerField(_("total travel (minutes)"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed plan")
        verbose_name_plural = _("proposed plans")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sector", "week"])]

    def __str__(self):
        return f"{self.sector} {self.week}"

    @property
    def open(self) -> bool:
        return self.state == ProposalState.READY


class Reason(models.TextChoices):
    NO_POSITION = (
        "no_position",
        pgettext_lazy("unplanned reason", "the address could not be located"),
    )
    NO_SKILL = (
        "no_skill",
        pgettext_lazy("unplanned reason", "no member of the sector has the trade"),
    )
    NO_TIME = (
        "no_time",
        pgettext_lazy(
            "unplanned reason", "no skilled member is free long enough within the client's hours"
        ),
    )
    NO_ROOM = (
        "no_room",
        pgettext_lazy("unplanned reason", "no room left in the members' hours this week"),
    )
    BY_HAND = "by_hand", pgettext_lazy("unplanned reason", "left out by hand")


class Outcome(models.TextChoices):
    PENDING = "", pgettext_lazy("acceptance outcome", "not applied yet")
    PLANNED = "planned", pgettext_lazy("acceptance outcome", "planned")
    UNCHANGED = "unchanged", pgettext_lazy("acceptance outcome", "already so")
    REFUSED = "refused", pgettext_lazy("acceptance outcome", "not planned")


class ProposedVisit(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    visit = models.ForeignKey(
        "fieldwork.Visit", on_delete=models.CASCADE, related_name="+", verbose_name=_("visit")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    day = models.DateField(_("day"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order in the day"), default=0)
    travel_minutes = models.PositiveIntegerField(
        _("travel from the previous place (minutes)"), default=0
    )
    kept = models.BooleanField(_("kept as it is"), default=False)
    moved = models.BooleanField(_("moved by hand"), default=False)
    reason = models.CharField(
        _("why not planned"), max_length=12, choices=Reason.choices, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    problem = models.TextField(_("problem"), blank=True)

    class Meta:
        ordering = ["member_id", "day", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "visit"], name="planning_one_line_per_visit"
            )
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.visit_id}"

    @property
    def assigned(self) -> bool:
        return self.member_id is not None and self.day is not None
