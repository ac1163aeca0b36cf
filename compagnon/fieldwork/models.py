"""Field service: sectors of members, the service catalogue, clients' requests, maintenance
contracts and the visits they produce, the members' availability and calendar feeds.

What happens during a visit (check-in, intervention sheet) lives in ``compagnon.interventions``;
turning sheets into invoices, tax certificates and surveys in ``compagnon.homeservices``; the
proposed weekly plans in ``compagnon.planning``. Positions are WGS84 degrees, filled by
``compagnon.geo`` from the address (centroid of the postcode when nothing finer is known).
"""

import datetime
import secrets

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


class Address(models.Model):
    """Where the work happens: copied on requests, contracts and visits (a visit keeps the address
    it was planned at)."""

    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="FR")
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def place(self) -> str:
        """Postcode and commune: what anyone in the sector may read before being assigned."""
        return f"{self.postcode} {self.city}".strip()

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.street, self.place) if part)


class Sector(models.Model):
    """A self-managed neighbourhood team: the members of one or more trades who work in a zone
    (postcodes, or communes), with a lead who may propose but never impose."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="sectors",
        verbose_name=_("entity"),
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sectors",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=120)
    trades = models.ManyToManyField(
        "members.Trade", related_name="sectors", verbose_name=_("trades")
    )
    postcodes = models.JSONField(
        _("postcodes"),
        default=list,
        blank=True,
        help_text=_("Postcodes of the zone, e.g. 44000, 44100."),
    )
    communes = models.JSONField(
        _("communes"),
        default=list,
        blank=True,
        help_text=_("Names of communes of the zone, when a postcode covers several."),
    )
    members = models.ManyToManyField(
        "members.Member",
        through="SectorMembership",
        related_name="sectors",
        verbose_name=_("members"),
    )
    lead = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector lead"),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours before an untaken request is flagged"), default=48
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class SectorMembership(models.Model):
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="sector_memberships"
    )
    weekly_hours = models.DecimalField(
        _("hours a week for field work"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "member"], name="fieldwork_one_membership_per_sector"
            )
        ]

    def __str__(self):
        return f"{self.member} — {self.sector}"


class Unit(models.TextChoices):
    HOUR = "HUR", pgettext_lazy("unit", "hour")
    VISIT = "C62", pgettext_lazy("unit", "visit")
    ITEM = "H87", pgettext_lazy("unit", "piece")


class Service(models.Model):
    """The cooperative's catalogue of services by trade (what a client can ask for), priced by
    default; a contract may agree another price."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="field_services",
        verbose_name=_("entity"),
    )
    trade = models.ForeignKey(
        "members.Trade",
        on_delete=models.PROTECT,
        related_name="field_services",
        verbose_name=_("trade"),
    )
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    unit = models.CharField(_("unit"), max_length=3, choices=Unit.choices, default=Unit.HOUR)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=14, decimal_places=4)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    home_services = models.BooleanField(
        _("home service eligible for the tax credit"), default=False
    )
    minutes = models.PositiveIntegerField(_("usual duration (minutes)"), default=60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["trade_id", "name_fr", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language (French when that one is empty)."""
        lang = (get_language() or "fr")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_fr


class RequestState(models.TextChoices):
    NEW = "new", pgettext_lazy("request state", "new")
    OFFERED = "offered", pgettext_lazy("request state", "offered to the sector")
    TAKEN = "taken", pgettext_lazy("request state", "taken by a member")
    PLANNED = "planned", pgettext_lazy("request state", "visit planned")
    DONE = "done", pgettext_lazy("request state", "done")
    DECLINED = "declined", pgettext_lazy("request state", "declined")
    CANCELLED = "cancelled", pgettext_lazy("request state", "cancelled by the client")


class Request(Address):
    """A client's request for work, made on the public page without an account."""

    entity = models.ForeignKey(
        "organisation.Entity",
        on_delete=models.PROTECT,
        related_name="field_requests",
        verbose_name=_("entity"),
    )
    office = models.ForeignKey(
        "organisation.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("sector"),
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    description = models.TextField(_("the work"), max_length=4000)
    trade = models.ForeignKey(
        "members.Trade",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trade"),
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="requests", verbose_name=_("services")
    )
    wished_from = models.DateField(_("wished from"), null=True, blank=True)
    wished_until = models.DateField(_("wished until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.NEW
    )
    taken_by = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    proposed_member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by the sector to"),
    )
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_requests",
        verbose_name=_("client"),
    )
    offered_at = models.DateTimeField(_("offered to the sector at"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged to the sector at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    OPEN_STATES = (RequestState.NEW, RequestState.OFFERED)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sector", "state"])]

    def __str__(self):
        return f"{self.name} ({self.postcode} {self.city})"


class RequestPhoto(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(_("photo"), upload_to="fieldwork/requests/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file.name


class Pricing(models.TextChoices):
    HOUR = "hour", pgettext_lazy("pricing", "per hour")
    VISIT = "visit", pgettext_lazy("pricing", "per visit")


class InvoicingPeriod(models.TextChoices):
    VISIT = "visit", pgettext_lazy("invoicing period", "after each visit")
    WEEK = "week", pgettext_lazy("invoicing period", "every week")
    MONTH = "month", pgettext_lazy("invoicing period", "every month")


class ContractState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("contract state", "draft")
    ACTIVE = "active", pgettext_lazy("contract state", "running")
    ENDED = "ended", pgettext_lazy("contract state", "ended")


class Contract(Address):
    """A maintenance contract: recurring visits at a client's, priced per hour or per visit."""

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="field_contracts",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="field_contracts",
        verbose_name=_("client"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("sector"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_contracts",
        verbose_name=_("usual member"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("request"),
    )
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=8, choices=ContractState.choices, default=ContractState.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    renews_yearly = models.BooleanField(_("renewed every year"), default=True)
    pricing = models.CharField(
        _("pricing"), max_length=5, choices=Pricing.choices, default=Pricing.HOUR
    )
    price = models.DecimalField(
        _("price excl. VAT"),
        max_digits=14,
        decimal_places=4,
        help_text=_("Per hour or per visit, as the pricing says."),
    )
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    yearly_hours = models.DecimalField(
        _("hours budget per year"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    invoicing = models.CharField(
        _("invoiced"), max_length=5, choices=InvoicingPeriod.choices, default=InvoicingPeriod.MONTH
    )
    client_validates_sheets = models.BooleanField(
        _("the client validates each sheet"), default=False
    )
    home_services = models.BooleanField(_("home services (tax credit)"), default=False)
    immediate_advance = models.BooleanField(_("immediate advance of the tax credit"), default=False)
    access_notes = models.TextField(_("access and instructions"), blank=True, max_length=2000)
    client_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    renewed_at = models.DateField(_("last renewed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("maintenance contract")
        verbose_name_plural = _("maintenance contracts")
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.name


class Recurrence(models.Model):
    """One rhythm of a contract's visits, e.g. every 2 weeks from April to October, and a second
    one for once a month in winter."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="recurrences")
    months = models.JSONField(
        _("months"), default=list, help_text=_("Month numbers 1–12 this rhythm applies to.")
    )
    every_weeks = models.PositiveSmallIntegerField(_("every … weeks"), default=2)
    weekday = models.PositiveSmallIntegerField(
        _("preferred weekday"), null=True, blank=True, help_text=_("0 = Monday.")
    )
    minutes = models.PositiveIntegerField(_("duration of a visit (minutes)"), default=120)
    start_time = models.TimeField(_("usual start time"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.contract}: {self.months} / {self.every_weeks}"


class ContractTask(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tasks")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("task"), max_length=200)
    every_visit = models.BooleanField(_("at every visit"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class VisitState(models.TextChoices):
    TO_PLAN = "to_plan", pgettext_lazy("visit state", "to plan")
    PLANNED = "planned", pgettext_lazy("visit state", "planned")
    STARTED = "started", pgettext_lazy("visit state", "in progress")
    DONE = "done", pgettext_lazy("visit state", "done")
    CANCELLED = "cancelled", pgettext_lazy("visit state", "cancelled")


class Visit(Address):
    """One visit at a client's: from a contract's rhythm, a request, or booked by the client."""

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="field_visits",
        verbose_name=_("activity"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="field_visits",
        verbose_name=_("client"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("contract"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("request"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("sector"),
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_visits",
        verbose_name=_("member"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=VisitState.choices, default=VisitState.TO_PLAN
    )
    day = models.DateField(_("day"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("planned duration (minutes)"), default=60)
    window_start = models.TimeField(_("not before"), null=True, blank=True)
    window_end = models.TimeField(_("not after"), null=True, blank=True)
    notes = models.TextField(_("notes for the visit"), blank=True, max_length=2000)
    rhythm_date = models.DateField(
        _("date given by the contract's rhythm"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["day", "starts_at", "id"]
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["sector", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "rhythm_date"],
                condition=models.Q(rhythm_date__isnull=False),
                name="fieldwork_one_visit_per_rhythm_date",
            ),
        ]

    def __str__(self):
        return f"{self.client} {self.day or ''}"

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.minutes) if self.starts_at else None


class VisitTask(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="tasks")
    contract_task = models.ForeignKey(
        ContractTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("task"), max_length=200)
    chosen_by_client = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class Unavailability(models.Model):
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="fieldwork_unavailability_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}"


class Slot(models.Model):
    """A time a member publishes as bookable by clients; booking it creates a visit."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="field_slots"
    )
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="slots")
    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.CASCADE,
        related_name="field_slots",
        verbose_name=_("activity"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    visit = models.OneToOneField(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="slot"
    )
    deposit = models.DecimalField(
        _("deposit paid online (incl. VAT)"), max_digits=10, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self):
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class CalendarFeed(models.Model):
    """A member's read-only iCal feed at a secret URL; revoking makes a new secret."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.member}"


class DepositState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("deposit state", "waiting for the payment")
    PAID = "paid", pgettext_lazy("deposit state", "paid")
    FAILED = "failed", pgettext_lazy("deposit state", "not paid")
    REFUNDED = "refunded", pgettext_lazy("deposit state", "refunded")


class Deposit(models.Model):
    """A deposit a client pays online when booking a slot. A paid one is deducted by the member's
    final invoice (``compagnon.homeservices`` reads ``state == paid`` and ``amount``)."""

    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposits",
        verbose_name=_("visit"),
    )
    request = models.ForeignKey(
        Request,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposits",
        verbose_name=_("request"),
    )
    amount = models.DecimalField(_("amount incl. VAT"), max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    state = models.CharField(
        _("state"), max_length=10, choices=DepositState.choices, default=DepositState.PENDING
    )
    provider = models.CharField(_("payment provider"), max_length=20)
    provider_ref = models.CharField(_("reference at the provider"), max_length=100, blank=True)
    checkout_url = models.URLField(max_length=500, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="fieldwork_one_deposit_per_payment",
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.state})"
