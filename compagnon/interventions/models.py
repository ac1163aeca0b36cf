"""What happens at the client's: presence (check-in and check-out, with a position only when the
member consents, or a QR code left at the client's home), the intervention sheet (tasks done, time,
supplies, photos, remarks, the client's signature), the sector's stock and shared equipment.

A validated sheet is what ``compagnon.homeservices`` turns into invoice lines; once invoiced
(``Sheet.document``) it no longer changes.
"""

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token():
    return secrets.token_urlsafe(16)


class PresenceKind(models.TextChoices):
    IN = "in", pgettext_lazy("presence", "arrived")
    OUT = "out", pgettext_lazy("presence", "left")


class PresenceMethod(models.TextChoices):
    TAP = "tap", pgettext_lazy("presence method", "tapped on the phone")
    QR = "qr", pgettext_lazy("presence method", "scanned the QR code")


class Presence(models.Model):
    """A check-in or check-out. ``client_uuid`` is made on the phone so that a moment recorded
    offline and sent twice is stored once; ``at`` is when it happened on the phone."""

    visit = models.ForeignKey("fieldwork.Visit", on_delete=models.CASCADE, related_name="presences")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=3, choices=PresenceKind.choices)
    method = models.CharField(
        max_length=3, choices=PresenceMethod.choices, default=PresenceMethod.TAP
    )
    at = models.DateTimeField(_("at"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["visit", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class PositionConsent(models.Model):
    """A member's answer to "share my position when I check in and out?" (asked once; the phone
    remembers it too). Without ``allowed``, presences are stored without a position."""

    member = models.OneToOneField(
        "members.Member", on_delete=models.CASCADE, related_name="position_consent"
    )
    allowed = models.BooleanField(default=False)
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.member}: {'yes' if self.allowed else 'no'}"


class HomeCode(models.Model):
    """The QR code left at a client's home (one per contract or, without contract, per client)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="home_codes"
    )
    contract = models.ForeignKey(
        "fieldwork.Contract",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="home_codes",
    )
    token = models.CharField(max_length=32, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"QR {self.client_id}/{self.contract_id or '-'}"


class SheetState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("sheet state", "being filled")
    SUBMITTED = "submitted", pgettext_lazy("sheet state", "waiting for the client")
    VALIDATED = "validated", pgettext_lazy("sheet state", "validated")
    INVOICED = "invoiced", pgettext_lazy("sheet state", "invoiced")


class Sheet(models.Model):
    """The intervention sheet of one visit. ``minutes`` is the time billed (from the presences by
    default, editable by the member). Validated by the member, then by the client when the contract
    says so; ``validated_at`` is set when nothing more is awaited."""

    visit = models.OneToOneField("fieldwork.Visit", on_delete=models.PROTECT, related_name="sheet")
    state = models.CharField(
        _("state"), max_length=10, choices=SheetState.choices, default=SheetState.DRAFT
    )
    minutes = models.PositiveIntegerField(_("time spent (minutes)"), default=0)
    remarks = models.TextField(_("remarks"), blank=True, max_length=4000)
    green_waste_kg = models.DecimalField(
        _("green waste (kg)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    signature = models.FileField(
        _("client's signature"), upload_to="interventions/signatures/%Y/%m/", blank=True
    )
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    member_validated_at = models.DateTimeField(null=True, blank=True)
    client_validated_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The draft invoice the sheet is on. Deleting that draft releases the sheet (an issued invoice
    # cannot be deleted): the daily run puts it on a new draft, since the work is still to invoice.
    document = models.ForeignKey(
        "sales.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="field_sheets",
    )
    client_signs_later = models.BooleanField(
        _("the client signs later on their page"), default=False
    )
    client_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    version = models.PositiveIntegerField(default=1)
    edit_key = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="The phone's editing session that made the last change (conflicts).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("intervention sheet")
        verbose_name_plural = _("intervention sheets")
        indexes = [models.Index(fields=["state", "validated_at"])]

    def __str__(self):
        return f"{self.visit} ({self.get_state_display()})"


class SheetTask(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("task"), max_length=200)
    service = models.ForeignKey(
        "fieldwork.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done = models.BooleanField(_("done"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class SheetSupply(models.Model):
    """Something used at the client's: from the sector's stock or bought; billed when priced."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="supplies")
    item = models.ForeignKey(
        "StockItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    name = models.CharField(_("supply"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3, default="H87")
    unit_price = models.DecimalField(
        _("unit price excl. VAT"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    def __str__(self):
        return f"{self.name} × {self.quantity}"


class PhotoKind(models.TextChoices):
    BEFORE = "before", pgettext_lazy("photo", "before")
    AFTER = "after", pgettext_lazy("photo", "after")


class SheetPhoto(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=PhotoKind.choices)
    file = models.ImageField(upload_to="interventions/photos/%Y/%m/")
    original = models.FileField(upload_to="interventions/originals/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    client_uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class StockItem(models.Model):
    """A product, plant or consumable kept by a sector."""

    sector = models.ForeignKey("fieldwork.Sector", on_delete=models.CASCADE, related_name="stock")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=3, default="H87")
    quantity = models.DecimalField(_("in stock"), max_digits=12, decimal_places=3, default=0)
    reorder_at = models.DecimalField(
        _("re-order below"), max_digits=12, decimal_places=3, default=0
    )
    unit_price = models.DecimalField(
        _("price to the client excl. VAT"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def to_reorder(self) -> bool:
        return self.quantity <= self.reorder_at


class MovementKind(models.TextChoices):
    RESTOCK = "restock", pgettext_lazy("stock movement", "re-stocked")
    USED = "used", pgettext_lazy("stock movement", "used at a visit")
    COUNT = "count", pgettext_lazy("stock movement", "corrected after counting")


class StockMovement(models.Model):
    """Every change of a stock quantity: re-stocking, a validated sheet, a count."""

    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=8, choices=MovementKind.choices)
    quantity = models.DecimalField(
        max_digits=12, decimal_places=3, help_text="Positive in, negative out."
    )
    sheet = models.ForeignKey(
        Sheet, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.item} {self.quantity}"


class Equipment(models.Model):
    """Shared equipment of a sector (a shredder, a van), booked in the calendar."""

    sector = models.ForeignKey(
        "fieldwork.Sector", on_delete=models.CASCADE, related_name="equipment"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class EquipmentBooking(models.Model):
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="bookings")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(
        "fieldwork.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["equipment", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="interventions_booking_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.equipment} {self.starts_at:%Y-%m-%d %H:%M}"
