import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compagnon.organisation.models import LANGUAGE_CHOICES


class Trade(models.Model):
    """A trade (gardening, IT repair…) named in the three UI languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "fr")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_fr


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", pgettext_lazy("member status", "applicant")
    CONTRACT = "contract", pgettext_lazy("member status", "under contract")
    ASSOCIATE = "associate", pgettext_lazy("member status", "associate")
    LEFT = "left", pgettext_lazy("member status", "left")


# Which lifecycle moves are allowed. "left" is final; anyone may leave from any live status.
STATUS_TRANSITIONS = {
    MemberStatus.APPLICANT: [MemberStatus.CONTRACT, MemberStatus.LEFT],
    MemberStatus.CONTRACT: [MemberStatus.ASSOCIATE, MemberStatus.LEFT],
    MemberStatus.ASSOCIATE: [MemberStatus.LEFT],
    MemberStatus.LEFT: [],
}


class Maturity(models.TextChoices):
    NEW = "new", pgettext_lazy("maturity", "new")
    DEVELOPING = "developing", pgettext_lazy("maturity", "developing")
    ESTABLISHED = "established", pgettext_lazy("maturity", "established")


class Member(models.Model):
    """A person running one or more activities inside an entity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="member",
        verbose_name=_("user"),
    )
    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("entity"),
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("office"),
    )
    number = models.CharField(_("member number"), max_length=20)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.APPLICANT
    )
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advised_members",
        verbose_name=_("advisor"),
    )
    maturity = models.CharField(
        _("maturity"), max_length=12, choices=Maturity.choices, default=Maturity.NEW
    )
    trades = models.ManyToManyField(
        Trade, blank=True, related_name="members", verbose_name=_("trades")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    bio = models.TextField(_("about me"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "number"], name="member_number_unique_per_entity"
            )
        ]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["advisor", "status"]),
            models.Index(fields=["entity", "status", "office"]),  # dashboard counts from the index
        ]

    def __str__(self):
        return str(self.user)

    @property
    def allowed_transitions(self) -> list[str]:
        return STATUS_TRANSITIONS[MemberStatus(self.status)]


class MemberStatusChange(models.Model):
    """The lifecycle history of a member: one row per move, never edited."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("member")
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=MemberStatus.choices)
    effective_on = models.DateField(_("effective on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["effective_on", "created_at"]

    def __str__(self):
        return f"{self.member}: {self.from_status or '∅'} → {self.to_status} ({self.effective_on})"


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("activity status", "active")
    PAUSED = "paused", pgettext_lazy("activity status", "paused")
    CLOSED = "closed", pgettext_lazy("activity status", "closed")


def logo_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"brands/{instance.entity_id}/{instance.pk or 'new'}-{timezone.now():%Y%m%d%H%M%S}.{ext}"


class Activity(models.Model):
    """A member's economic unit inside the entity; may be shared by several members (a collective)."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("entity"),
    )
    name = models.CharField(_("name"), max_length=120)
    trade = models.ForeignKey(
        Trade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("trade"),
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.ACTIVE
    )
    members = models.ManyToManyField(
        Member, through="ActivityMembership", related_name="activities", verbose_name=_("members")
    )
    # brand
    logo = models.ImageField(_("logo"), upload_to=logo_path, blank=True)
    brand_color = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#2f6f4f",
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$",
                _("Enter a colour as # followed by 6 hexadecimal digits, e.g. #2f6f4f."),
            )
        ],
    )
    letterhead = models.TextField(
        _("letterhead text"),
        blank=True,
        max_length=500,
        help_text=_("Printed at the top of your documents, e.g. your tagline and contact details."),
    )
    footer = models.TextField(
        _("footer text"),
        blank=True,
        max_length=500,
        help_text=_("Printed at the bottom of your documents."),
    )
    # defaults for documents
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "Days between an invoice and its due date. The law caps them at 60 days (France: 45 days end of month also allowed)."
        ),
    )
    document_language = models.CharField(
        _("document language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr"
    )
    contribution_rate = models.DecimalField(
        _("contribution rate override (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Leave empty to use the entity's rate."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["name"]
        indexes = [models.Index(fields=["entity", "status"])]

    def __str__(self):
        return self.name

    @property
    def effective_contribution_rate(self) -> Decimal:
        return (
            self.contribution_rate
            if self.contribution_rate is not None
            else self.entity.contribution_rate
        )

    @property
    def is_collective(self) -> bool:
        return len(self.memberships.all()) > 1

    @property
    def logo_url(self) -> str:
        """Where pages show the logo: the app's view, for those who may see the activity (files
        have no public address). The version changes with every new logo, so browsers keep it."""
        if not self.logo:
            return ""
        from django.urls import reverse

        version = hashlib.sha256(self.logo.name.encode()).hexdigest()[:12]
        return f"{reverse('activity-logo', args=[self.pk])}?v={version}"


class ActivityRole(models.TextChoices):
    HOLDER = "holder", pgettext_lazy("activity role", "holder")
    CONTRIBUTOR = "contributor", pgettext_lazy("activity role", "contributor")


class ActivityMembership(models.Model):
    """Who works in an activity, and as what. Holders manage settings; contributors do the work."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="activity_memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=ActivityRole.choices, default=ActivityRole.HOLDER
    )
    share = models.DecimalField(
        _("share of result (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("activity membership")
        verbose_name_plural = _("activity memberships")
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="one_membership_per_member")
        ]
        indexes = [models.Index(fields=["member", "activity"])]

    def __str__(self):
        return f"{self.member} in {self.activity} ({self.role})"
