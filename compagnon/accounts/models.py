import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnon.organisation.models import LANGUAGE_CHOICES


class Role(models.TextChoices):
    """Staff roles. Being a *member* is not a role row: it is having a Member profile."""

    ADVISOR = "advisor", _("advisor")
    SUPPORT = "support", _("support agent")
    ACCOUNTANT = "accountant", _("accountant")
    ADMIN = "admin", _("administrator")


class SupportService(models.TextChoices):
    LEGAL = "legal", _("legal")
    COLLECTIONS = "collections", _("collections")
    ACCOUNTING = "accounting", _("accounting")
    CLIENT_RELATIONS = "client_relations", _("client relations")
    COMMUNICATION = "communication", _("communication")
    IT = "it", _("IT")
    SOCIAL = "social", _("HR and pay")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Login is by email; one person may hold several roles."""

    email = models.EmailField(_("email"), unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("May log into the technical admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts are exempt from mandatory two-factor authentication."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        # member lists sort by name; at 100k members this index turns a sort into a scan (PG)
        indexes = [models.Index(fields=["last_name", "first_name"], name="user_name_idx")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class RoleAssignment(models.Model):
    """A staff role held in an entity (advisors: in an office; support agents: for a service)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
    )
    service = models.CharField(
        _("support service"), max_length=20, choices=SupportService.choices, blank=True
    )
    # A role held for a time only (both days included); empty: from always / for good. The
    # permission scope ignores an assignment outside its dates (permissions._compute_scope).
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # A relay: the advisor role held, for the dates of an absence, in the stead of the absent
    # advisor's own assignment in that office (``relay_for.user`` is the absent advisor). Made and
    # removed by the advising app with the absence; removed with the assignment it relays.
    relay_for = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relays",
        verbose_name=_("relay for"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "entity", "service"],
                condition=models.Q(office__isnull=True),
                name="role_assignment_unique_entity",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "office", "service"],
                condition=models.Q(office__isnull=False, relay_for__isnull=True),
                name="role_assignment_unique_office",
            ),
            models.UniqueConstraint(
                fields=["user", "relay_for", "starts_on"],
                condition=models.Q(relay_for__isnull=False),
                name="role_assignment_unique_relay",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="role_assignment_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(relay_for__isnull=True)
                | models.Q(role="advisor", starts_on__isnull=False, ends_on__isnull=False),
                name="role_assignment_relay_is_a_dated_advisor",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="advisor") | models.Q(office__isnull=False),
                name="advisor_has_office",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="support") | ~models.Q(service=""),
                name="support_has_service",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        where = self.office or self.entity
        extra = f" ({self.get_service_display()})" if self.service else ""
        if self.starts_on or self.ends_on:
            extra += f" [{self.starts_on or '…'} – {self.ends_on or '…'}]"
        return f"{self.get_role_display()}{extra} — {where}"

    def active_on(self, day) -> bool:
        """Held on ``day`` (the dates, when given, are included)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation by email: the only way in. Accepting it proves the address."""

    INVITE_ROLES = [("member", _("member")), *Role.choices]

    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=INVITE_ROLES, default="member")
    service = models.CharField(
        _("support service"), max_length=20, choices=SupportService.choices, blank=True
    )
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @staticmethod
    def new_token() -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, _hash(raw)

    @staticmethod
    def hash_token(raw: str) -> str:
        return _hash(raw)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the key is shown once at creation."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("What this token is for, e.g. 'accounting export script'."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return "cpg_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(raw: str) -> str:
        return _hash(raw)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
