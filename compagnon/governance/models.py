"""Governing together: the share register and the general assemblies of an entity.

Share register — an ``Associate`` is a member of the entity holding shares in one statutory
category (``AssociateCategory``, a list per entity). Every change of their shares is a
``ShareMovement`` (subscription, payment, transfer, withdrawal, refund), never edited; balances are
sums of movements (``register.balances``). The nominal value of a share is set per entity in
``GovernanceSettings`` and fixed once shares exist.

Assemblies — an ``Assembly`` has agenda documents, registrations, proxies and resolutions. A vote
writes two rows that share nothing: ``VoteRecord`` (this associate voted on this resolution, so no
double vote) and ``Ballot`` (a choice and the SHA-256 of the voter's receipt code, a random primary
key and no time, so ballots cannot be put back in the order they were cast). See docs/governance.md.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GovernanceSettings(models.Model):
    entity = models.OneToOneField(
        "organisation.Entity",
        on_delete=models.CASCADE,
        related_name="governance_settings",
        verbose_name=_("entity"),
    )
    share_nominal = models.DecimalField(
        _("nominal value of a share"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Set by the statutes; it cannot change once shares have been subscribed."),
    )
    max_proxies = models.PositiveSmallIntegerField(
        _("proxies one associate may hold"),
        default=2,
        validators=[MaxValueValidator(100)],
        help_text=_("Used for new assemblies; each assembly keeps its own limit."),
    )

    class Meta:
        verbose_name = _("governance settings")
        verbose_name_plural = _("governance settings")

    def __str__(self):
        return str(self.entity)


class AssociateCategory(models.Model):
    """A statutory category of associates (workers, users, supporters, founders…)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.CASCADE,
        related_name="associate_categories",
        verbose_name=_("entity"),
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category of associates")
        verbose_name_plural = _("categories of associates")
        ordering = ["entity_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "name"], name="governance_category_unique")
        ]

    def __str__(self):
        return self.name


class Associate(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="associates",
        verbose_name=_("entity"),
    )
    member = models.OneToOneField(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="associate",
        verbose_name=_("member"),
    )
    category = models.ForeignKey(
        AssociateCategory,
        on_delete=models.PROTECT,
        related_name="associates",
        verbose_name=_("category"),
    )
    joined_on = models.DateField(_("associate since"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("associate")
        verbose_name_plural = _("associates")
        ordering = ["entity_id", "id"]
        indexes = [models.Index(fields=["entity", "left_on"])]

    def __str__(self):
        return str(self.member)


class MovementKind(models.TextChoices):
    SUBSCRIPTION = "subscription", pgettext_lazy("share movement", "subscription")
    PAYMENT = "payment", pgettext_lazy("share movement", "payment")
    TRANSFER = "transfer", pgettext_lazy("share movement", "transfer")
    WITHDRAWAL = "withdrawal", pgettext_lazy("share movement", "withdrawal")
    REFUND = "refund", pgettext_lazy("share movement", "refund")


class ShareMovement(models.Model):
    """One line of the register. ``shares`` counts shares (subscription, transfer, withdrawal);
    ``amount`` is the money it stands for (shares × nominal, or the sum paid or refunded)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="share_movements",
        verbose_name=_("entity"),
    )
    associate = models.ForeignKey(
        Associate,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("associate"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    date = models.DateField(_("date"))
    shares = models.PositiveIntegerField(_("number of shares"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    counterpart = models.ForeignKey(
        Associate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_in",
        verbose_name=_("transferred to"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    entry = models.ForeignKey(
        "ledger.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("share movement")
        verbose_name_plural = _("share movements")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["associate", "date"]),
            models.Index(fields=["counterpart", "date"]),
            models.Index(fields=["entity", "date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="governance_movement_amount_positive")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", pgettext_lazy("general assembly", "ordinary")
    EXTRAORDINARY = "extraordinary", pgettext_lazy("general assembly", "extraordinary")


class AssemblyState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assembly state", "being prepared")
    CONVENED = "convened", pgettext_lazy("assembly state", "convened")
    VOTING = "voting", pgettext_lazy("assembly state", "vote open")
    CLOSED = "closed", pgettext_lazy("assembly state", "closed")


class Assembly(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="assemblies",
        verbose_name=_("entity"),
    )
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=14, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    max_proxies = models.PositiveSmallIntegerField(
        _("proxies one associate may hold"), default=2, validators=[MaxValueValidator(100)]
    )
    state = models.CharField(
        _("state"), max_length=10, choices=AssemblyState.choices, default=AssemblyState.DRAFT
    )
    convened_at = models.DateTimeField(_("convened on"), null=True, blank=True)
    opened_at = models.DateTimeField(_("vote opened on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    eligible_count = models.PositiveIntegerField(_("associates entitled to vote"), null=True, blank=True)

    class Meta:
        verbose_name = _("general assembly")
        verbose_name_plural = _("general assemblies")
        ordering = ["entity_id", "-held_at", "-id"]
        indexes = [models.Index(fields=["entity", "state", "held_at"])]

    def __str__(self):
        return self.title

    @property
    def record_date(self):
        """Associates holding shares on this day vote."""
        from django.utils import timezone

        return timezone.localtime(self.held_at).date()


class AgendaDocument(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="documents", verbose_name=_("assembly")
    )
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to="governance/%Y/%m/")
    uploaded_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")
        ordering = ["assembly_id", "id"]

    def __str__(self):
        return self.title


class Majority(models.TextChoices):
    SIMPLE = "simple", pgettext_lazy("majority", "simple majority")
    TWO_THIRDS = "two_thirds", pgettext_lazy("majority", "two-thirds majority")
    THREE_QUARTERS = "three_quarters", pgettext_lazy("majority", "three-quarters majority")
    UNANIMITY = "unanimity", pgettext_lazy("majority", "unanimity")


class Resolution(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("assembly")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, max_length=10000)
    majority = models.CharField(
        _("majority"), max_length=16, choices=Majority.choices, default=Majority.SIMPLE
    )
    quorum = models.DecimalField(
        _("quorum (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the associates entitled to vote who must take part (present or represented)."),
    )
    secret = models.BooleanField(_("secret ballot"), default=True)
    # frozen when the assembly is closed
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    adopted = models.BooleanField(_("adopted"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["assembly_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "number"], name="governance_resolution_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("attendance", "in person")
    ONLINE = "online", pgettext_lazy("attendance", "online")


class Registration(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("assembly")
    )
    associate = models.ForeignKey(
        Associate, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("associate")
    )
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    registered_at = models.DateTimeField(_("registered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "associate"], name="governance_registration_once")
        ]

    def __str__(self):
        return f"{self.associate} — {self.assembly}"


class Proxy(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("assembly")
    )
    giver = models.ForeignKey(
        Associate, on_delete=models.CASCADE, related_name="proxies_given", verbose_name=_("given by")
    )
    holder = models.ForeignKey(
        Associate, on_delete=models.CASCADE, related_name="proxies_held", verbose_name=_("given to")
    )
    given_at = models.DateTimeField(_("given on"), auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "giver"], name="governance_proxy_once"),
            models.CheckConstraint(condition=~models.Q(giver=models.F("holder")), name="governance_proxy_not_self"),
        ]

    def __str__(self):
        return f"{self.giver} → {self.holder}"


class Choice(models.TextChoices):
    FOR = "for", pgettext_lazy("vote", "for")
    AGAINST = "against", pgettext_lazy("vote", "against")
    ABSTAIN = "abstain", pgettext_lazy("vote", "abstain")


class VoteRecord(models.Model):
    """That ``associate`` has voted on ``resolution`` (themselves or through their proxy). Holds
    no choice for a secret ballot; for an open (roll-call) vote, the choice is public."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="vote_records", verbose_name=_("resolution")
    )
    associate = models.ForeignKey(
        Associate, on_delete=models.CASCADE, related_name="vote_records", verbose_name=_("associate")
    )
    by_proxy = models.BooleanField(_("through a proxy"), default=False)
    open_choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("vote record")
        verbose_name_plural = _("vote records")
        constraints = [
            models.UniqueConstraint(fields=["resolution", "associate"], name="governance_one_vote")
        ]

    def __str__(self):
        return f"{self.associate} — {self.resolution}"


class Ballot(models.Model):
    """An anonymous ballot: no voter, no time, a random key; the receipt's hash proves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resolution = models.ForeignKey(
        Resolution, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("resolution")
    )
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    receipt_hash = models.CharField(_("receipt fingerprint"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["resolution", "choice"])]

    def __str__(self):
        return f"{self.resolution}: {self.choice}"


from .surplus_models import (  # noqa: E402,F401  (models of surplus sharing, same app)
    AllocationState,
    DistributionRules,
    SurplusAllocation,
    WorkerSplit,
)
