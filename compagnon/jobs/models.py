"""Jobs: a piece of work a member declares in one action, the thread that gathers it, and its
hand-over to a colleague.

``Job`` — what, for whom, when, where, who; declared by a member in one of their activities.
``JobStep`` — one row per step run by the declaration (client, quote or statement, planning,
insurance cover, working days in Belgium, prefinancing), each done / waiting / missing / held,
with what is missing and why (codes and params, put into words when shown).
``JobDocument`` — the sales documents of the job (the drafted quote, invoices linked later).
``JobSettings`` — per entity: from which maturity registrations are automatic.
``Offer`` — a job offered to colleagues (trade, zone), with the client's consent recorded and an
optional finder's fee; ``FinderFee`` — that fee, pending until the taker's invoice is paid, then
posted as an internal transfer between the two activities (one balanced ledger entry).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MATURITY_ORDER = ("new", "developing", "established")  # same order as prefinancing/policy.py


class AutoFrom(models.TextChoices):
    NEW = "new", pgettext_lazy("registration automatic from", "every member")
    DEVELOPING = "developing", pgettext_lazy("registration automatic from", "developing and established members")
    ESTABLISHED = "established", pgettext_lazy("registration automatic from", "established members only")
    NEVER = "never", pgettext_lazy("registration automatic from", "nobody: an advisor checks each one")


class JobSettings(models.Model):
    entity = models.OneToOneField(
        "organisation.Entity", on_delete=models.CASCADE, related_name="job_settings", verbose_name=_("entity")
    )
    registration_automatic_from = models.CharField(
        _("registrations are automatic for"), max_length=12, choices=AutoFrom.choices, default=AutoFrom.ESTABLISHED
    )
    short_engagement_days = models.PositiveSmallIntegerField(
        _("short engagement: at most (days)"), default=5,
        help_text=_("In Belgium, the working days of an engagement this short are declared one by one."),
    )

    class Meta:
        verbose_name = _("job settings")
        verbose_name_plural = _("job settings")

    def __str__(self):
        return str(self.entity)


class DocumentChoice(models.TextChoices):
    QUOTE = "quote", pgettext_lazy("job document", "draft a quote")
    STATEMENT = "statement", pgettext_lazy("job document", "statement of work done")


class Job(models.Model):
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("entity")
    )
    activity = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("member")
    )
    colleagues = models.ManyToManyField(
        "members.Member", blank=True, related_name="jobs_with", verbose_name=_("colleagues")
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs",
        verbose_name=_("client"),
    )
    client_name = models.CharField(_("client name"), max_length=200, blank=True)
    client_email = models.EmailField(_("client email"), blank=True)
    client_is_company = models.BooleanField(_("the client is a company"), default=False)
    description = models.CharField(_("what"), max_length=300)
    amount = models.DecimalField(
        _("estimated amount excl. VAT"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    document_kind = models.CharField(
        _("document"), max_length=10, choices=DocumentChoice.choices, default=DocumentChoice.QUOTE
    )
    wants_prefinancing = models.BooleanField(_("ask for prefinancing"), default=False)
    reservation = models.ForeignKey(
        "fieldwork.Unavailability", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("reservation in the planning"),
    )
    origin_activity = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="jobs_handed_over",
        verbose_name=_("handed over by the activity"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("declared on"), auto_now_add=True)
    # the form's own key: the same form sent twice (a double tap, a resend after a lost network)
    # declares one job (services.declare_job)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "client_key"], condition=Q(client_key__isnull=False),
                                    name="jobs_job_declared_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="jobs_job_ends_after_start"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="jobs_job_amount_positive"),
        ]
        indexes = [models.Index(fields=["activity", "-starts_on"], name="jobs_job_activity")]

    def __str__(self):
        return self.description

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.street, self.postcode, self.city) if p)


class StepKind(models.TextChoices):
    CLIENT = "client", pgettext_lazy("job step", "Client")
    DOCUMENT = "document", pgettext_lazy("job step", "Quote or statement")
    PLANNING = "planning", pgettext_lazy("job step", "Dates reserved in your planning")
    INSURANCE = "insurance", pgettext_lazy("job step", "Insurance cover registered")
    WORKING_DAYS = "working_days", pgettext_lazy("job step", "Working days declared")
    PREFINANCING = "prefinancing", pgettext_lazy("job step", "Prefinancing")


STEP_ORDER = [k.value for k in StepKind]


class StepState(models.TextChoices):
    DONE = "done", pgettext_lazy("job step state", "done")
    WAITING = "waiting", pgettext_lazy("job step state", "waiting")
    MISSING = "missing", pgettext_lazy("job step state", "something is missing")
    HELD = "held", pgettext_lazy("job step state", "held by you")


class WaitingFor(models.TextChoices):
    NOBODY = "", pgettext_lazy("job step waits for", "nobody")
    MEMBER = "member", pgettext_lazy("job step waits for", "your OK")
    ADVISOR = "advisor", pgettext_lazy("job step waits for", "your advisor")
    COOPERATIVE = "coop", pgettext_lazy("job step waits for", "the cooperative's decision")


class JobStep(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="steps", verbose_name=_("job"))
    kind = models.CharField(_("step"), max_length=14, choices=StepKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("state"), max_length=8, choices=StepState.choices, default=StepState.WAITING)
    waiting_for = models.CharField(_("waiting for"), max_length=8, choices=WaitingFor.choices, blank=True, default="")
    note = models.JSONField(_("why"), default=dict, blank=True, help_text=_('{"code", "params"}: put into words when shown.'))
    missing = models.JSONField(_("what is missing"), default=list, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    automatic = models.BooleanField(_("done automatically"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("step of a job")
        verbose_name_plural = _("steps of a job")
        ordering = ["job_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "kind"], name="jobs_step_once")]
        indexes = [models.Index(fields=["state", "waiting_for"], name="jobs_step_queue")]

    def __str__(self):
        return f"{self.job} – {self.get_kind_display()}"


class JobDocument(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="links", verbose_name=_("job"))
    document = models.ForeignKey(
        "sales.Document", on_delete=models.CASCADE, related_name="job_links", verbose_name=_("document")
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document of a job")
        verbose_name_plural = _("documents of a job")
        ordering = ["job_id", "id"]
        constraints = [models.UniqueConstraint(fields=["job", "document"], name="jobs_document_once")]

    def __str__(self):
        return f"{self.job} – {self.document_id}"


class OfferState(models.TextChoices):
    OPEN = "open", pgettext_lazy("job offer state", "open")
    TAKEN = "taken", pgettext_lazy("job offer state", "taken")
    WITHDRAWN = "withdrawn", pgettext_lazy("job offer state", "withdrawn")


class FeeKind(models.TextChoices):
    NONE = "none", pgettext_lazy("finder's fee", "no fee")
    PERCENT = "percent", pgettext_lazy("finder's fee", "percentage of the invoice excl. VAT")
    FIXED = "fixed", pgettext_lazy("finder's fee", "fixed amount")


class Offer(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="offers", verbose_name=_("job"))
    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="job_offers", verbose_name=_("entity")
    )
    offered_by = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="job_offers", verbose_name=_("offered by")
    )
    from_activity = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="job_offers_made", verbose_name=_("from the activity")
    )
    trade = models.ForeignKey(
        "members.Trade", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("trade")
    )
    postcode_prefix = models.CharField(
        _("zone (start of the postcode)"), max_length=8, blank=True,
        help_text=_("For example 44 for Loire-Atlantique, or 10 for Brussels. Empty: anywhere."),
    )
    sector = models.ForeignKey(
        "fieldwork.Sector", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("sector"),
    )
    colleague = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("offered to"), help_text=_("Empty: any colleague of the trade and zone."),
    )
    note = models.TextField(_("note to colleagues"), max_length=2000, blank=True)
    fee_kind = models.CharField(_("finder's fee"), max_length=8, choices=FeeKind.choices, default=FeeKind.NONE)
    fee_value = models.DecimalField(_("fee (percent or euros)"), max_digits=12, decimal_places=2, default=Decimal("0"))
    client_consent_at = models.DateTimeField(_("client's agreement confirmed on"))
    client_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("client's agreement confirmed by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=OfferState.choices, default=OfferState.OPEN)
    taken_by = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="job_offers_taken",
        verbose_name=_("taken by"),
    )
    to_activity = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="job_offers_taken",
        verbose_name=_("to the activity"),
    )
    taken_at = models.DateTimeField(_("taken on"), null=True, blank=True)
    created_at = models.DateTimeField(_("offered on"), auto_now_add=True)

    class Meta:
        verbose_name = _("job offer")
        verbose_name_plural = _("job offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_value__gte=0), name="jobs_offer_fee_positive"),
            models.CheckConstraint(
                condition=~Q(fee_kind="percent") | Q(fee_value__lte=100), name="jobs_offer_percent_range"
            ),
            models.UniqueConstraint(fields=["job"], condition=Q(state="open"), name="jobs_offer_one_open"),
        ]
        indexes = [models.Index(fields=["entity", "state"], name="jobs_offer_open")]

    def __str__(self):
        return str(self.job)


class FeeState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("finder's fee state", "pending: due when the invoice is paid")
    POSTED = "posted", pgettext_lazy("finder's fee state", "transferred")


class FinderFee(models.Model):
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="fee", verbose_name=_("offer"))
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="fees", verbose_name=_("job"))
    payer = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by the activity")
    )
    payee = models.ForeignKey(
        "members.Activity", on_delete=models.PROTECT, related_name="+", verbose_name=_("paid to the activity")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=FeeKind.choices)
    value = models.DecimalField(_("agreed value"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=8, choices=FeeState.choices, default=FeeState.PENDING)
    amount = models.DecimalField(_("amount transferred"), max_digits=12, decimal_places=2, null=True, blank=True)
    invoice = models.ForeignKey(
        "sales.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("invoice paid"),
    )
    entry = models.ForeignKey(
        "ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("ledger entry"),
    )
    posted_at = models.DateTimeField(_("transferred on"), null=True, blank=True)

    class Meta:
        verbose_name = _("finder's fee")
        verbose_name_plural = _("finder's fees")
        ordering = ["-id"]
        indexes = [models.Index(fields=["payer", "state"], name="jobs_fee_pending")]

    def __str__(self):
        return f"{self.job} – {self.get_kind_display()}"
