"""From intervention sheets to money: the invoices prepared from validated sheets, the yearly tax
certificates of home services (France), the immediate advance of the tax credit through URSSAF,
and the clients' satisfaction surveys.

Everything here belongs to an activity (through the contract, the client or the document), so the
permission layer scopes it with ``permissions.scoped_by_activity``.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0.00")


def new_token():
    return secrets.token_urlsafe(24)


class HomeServicesSettings(models.Model):
    """What the tax certificate prints for an entity: its declaration as a home-services provider."""

    entity = models.OneToOneField(
        "organisation.Entity", on_delete=models.CASCADE, related_name="home_services_settings"
    )
    sap_number = models.CharField(
        _("home-services declaration number (SAP)"),
        max_length=40,
        blank=True,
        help_text=_(
            "The number of the declaration as a services à la personne provider, e.g. SAP123456789."
        ),
    )
    signatory = models.CharField(_("signed by (name and role)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("home-services settings")
        verbose_name_plural = _("home-services settings")

    def __str__(self):
        return self.sap_number or str(self.entity_id)


class InvoicingPreference(models.Model):
    """The member's choice for an activity: send prepared invoices automatically unless held."""

    activity = models.OneToOneField(
        "members.Activity", on_delete=models.CASCADE, related_name="field_invoicing"
    )
    send_automatically = models.BooleanField(
        _("send automatically unless I hold it"), default=False
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.activity_id}: {self.send_automatically}"


class FieldInvoiceState(models.TextChoices):
    COLLECTING = "collecting", pgettext_lazy("field invoice", "collecting the period's sheets")
    READY = "ready", pgettext_lazy("field invoice", "ready to send")
    HELD = "held", pgettext_lazy("field invoice", "held by the member")
    ISSUED = "issued", pgettext_lazy("field invoice", "issued")


class FieldInvoice(models.Model):
    """The draft invoice of one contract and one period (a visit, an ISO week or a month), kept up
    to date from the validated sheets, then issued by the member (or automatically)."""

    contract = models.ForeignKey(
        "fieldwork.Contract", on_delete=models.PROTECT, related_name="field_invoices"
    )
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    # Gone with its draft when the member deletes it (sales only deletes drafts); its sheets are
    # released (interventions.Sheet.document) and gathered again by the daily run.
    document = models.OneToOneField(
        "sales.Document", on_delete=models.CASCADE, related_name="field_invoice"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    visit = models.ForeignKey(
        "fieldwork.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=FieldInvoiceState.choices,
        default=FieldInvoiceState.COLLECTING,
    )
    minutes = models.PositiveIntegerField(default=0)
    eligible_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        help_text="Incl. VAT: the part eligible for the home-services tax credit.",
    )
    workers = models.JSONField(default=list, blank=True)
    deposits = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    ready_at = models.DateTimeField(null=True, blank=True)
    send_on = models.DateField(_("sent automatically on"), null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            # one open invoice per contract and period (a sheet validated after the issue opens another)
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                condition=models.Q(visit__isnull=True) & ~models.Q(state="issued"),
                name="homeservices_one_open_invoice_per_period",
            ),
            models.UniqueConstraint(
                fields=["contract", "visit"],
                condition=models.Q(visit__isnull=False) & ~models.Q(state="issued"),
                name="homeservices_one_open_invoice_per_visit",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "state"]),
            models.Index(fields=["state", "period_end"]),
        ]

    def __str__(self):
        return f"{self.contract} {self.period_start}–{self.period_end}"


class DepositUse(models.Model):
    """A deposit paid online (fieldwork.Deposit) counted once, on one prepared invoice."""

    deposit = models.OneToOneField("fieldwork.Deposit", on_delete=models.PROTECT, related_name="+")
    field_invoice = models.ForeignKey(
        FieldInvoice, on_delete=models.CASCADE, related_name="deposit_uses"
    )

    def __str__(self):
        return f"{self.deposit_id} → {self.field_invoice_id}"


class Certificate(models.Model):
    """A yearly tax certificate (attestation fiscale, article 199 sexdecies CGI) for one client.
    Regenerating makes a new version; earlier ones are kept, marked superseded."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="tax_certificates"
    )
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2)
    cesu_amount = models.DecimalField(
        _("paid with prepaid CESU (excluded)"), max_digits=14, decimal_places=2, default=ZERO
    )
    minutes = models.PositiveIntegerField(_("time worked (minutes)"), default=0)
    workers = models.JSONField(default=list)
    content = models.JSONField(default=dict, help_text="Everything the certificate prints, frozen.")
    pdf = models.FileField(upload_to="certificates/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tax certificate")
        verbose_name_plural = _("tax certificates")
        ordering = ["-year", "client_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "year", "version"], name="homeservices_certificate_version"
            )
        ]
        indexes = [models.Index(fields=["activity", "year"])]

    def __str__(self):
        return f"{self.client_id} {self.year} v{self.version}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def current(self) -> bool:
        return self.superseded_at is None


class UrssafClient(models.Model):
    """A client (an individual) registered with URSSAF for the immediate advance."""

    client = models.OneToOneField("clients.Client", on_delete=models.PROTECT, related_name="urssaf")
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    urssaf_id = models.CharField(_("URSSAF client id"), max_length=60)
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.urssaf_id


class UrssafStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("urssaf", "sent to URSSAF")
    WAITING = "waiting", pgettext_lazy("urssaf", "waiting for the client's validation")
    VALIDATED = "validated", pgettext_lazy("urssaf", "validated by the client")
    REFUSED = "refused", pgettext_lazy("urssaf", "refused by the client")
    COLLECTED = "collected", pgettext_lazy("urssaf", "client's share collected")
    PAID = "paid", pgettext_lazy("urssaf", "paid by URSSAF")
    REJECTED = "rejected", pgettext_lazy("urssaf", "direct debit rejected")
    CANCELLED = "cancelled", pgettext_lazy("urssaf", "cancelled")


class UrssafRequest(models.Model):
    """A payment request sent to URSSAF for one issued invoice."""

    document = models.OneToOneField(
        "sales.Document", on_delete=models.PROTECT, related_name="urssaf_request"
    )
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    urssaf_id = models.CharField(_("URSSAF request id"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=UrssafStatus.choices, default=UrssafStatus.SENT
    )
    status_code = models.CharField(max_length=10, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    client_share = models.DecimalField(max_digits=14, decimal_places=2)
    urssaf_share = models.DecimalField(max_digits=14, decimal_places=2)
    polled_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.urssaf_id


class Survey(models.Model):
    """A short satisfaction survey (1–5 stars and a comment), answered once by token link."""

    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="field_surveys"
    )
    contract = models.ForeignKey(
        "fieldwork.Contract", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visit = models.OneToOneField(
        "fieldwork.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey"
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_surveys",
    )
    sector = models.ForeignKey(
        "fieldwork.Sector", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    month = models.DateField(
        null=True, blank=True, help_text="First day of the month, for a monthly survey."
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    stars = models.PositiveSmallIntegerField(
        _("stars"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "month"],
                condition=models.Q(month__isnull=False),
                name="homeservices_one_monthly_survey",
            ),
            models.CheckConstraint(
                condition=models.Q(stars__isnull=True) | models.Q(stars__gte=1, stars__lte=5),
                name="homeservices_stars_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "answered_at"]),
            models.Index(fields=["sector", "answered_at"]),
        ]

    def __str__(self):
        return f"{self.client_id} {self.stars or '-'}"
