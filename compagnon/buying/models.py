"""Buying together: the entity's supplier base with negotiated terms and members' ratings, and group
purchases whose supplier invoice is split to the participating activities.

The supplier record itself is ``purchases.Supplier`` (one per entity); this app adds beside it:

* ``SupplierTerms`` — what the cooperative negotiated (discount, conditions, contact, validity),
  one row per supplier, kept by the entity's staff;
* ``SupplierRating`` — one rating (1 to 5) and comment per member and supplier; staff may hide an
  abusive comment (the stars still count);
* ``GroupPurchase`` — opened by a member or staff for a supplier, with a deadline and a minimum
  total quantity: open → ordered (the minimum reached at the deadline: one email to the supplier)
  or cancelled (not reached) → invoiced (the supplier invoice linked) → closed (its cost split);
* ``Participation`` — an activity's quantity in a group purchase (one row per activity);
* ``CostSplit`` — the booked supplier invoice split to the participating activities, once per
  invoice, with its balanced ledger entry (and the reversal when the invoice is cancelled).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupplierTerms(models.Model):
    supplier = models.OneToOneField("purchases.Supplier", on_delete=models.CASCADE, related_name="terms",
                                    verbose_name=_("supplier"))
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                           validators=[MinValueValidator(0), MaxValueValidator(100)])
    conditions = models.TextField(_("conditions"), blank=True,
                                  help_text=_("Minimum order, delivery, payment terms, how to mention the agreement."))
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("negotiated terms")
        verbose_name_plural = _("negotiated terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="buying_terms_valid_range"),
        ]

    def __str__(self):
        return str(self.supplier_id)

    def valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


class SupplierRating(models.Model):
    supplier = models.ForeignKey("purchases.Supplier", on_delete=models.CASCADE, related_name="ratings",
                                 verbose_name=_("supplier"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="supplier_ratings",
                               verbose_name=_("member"))
    stars = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    hidden = models.BooleanField(_("comment hidden"), default=False)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier rating")
        verbose_name_plural = _("supplier ratings")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "member"], name="buying_one_rating_per_member"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="buying_rating_range"),
        ]

    def __str__(self):
        return f"{self.supplier_id}/{self.member_id}: {self.stars}"


class GroupState(models.TextChoices):
    OPEN = "open", pgettext_lazy("group purchase state", "open")
    ORDERED = "ordered", pgettext_lazy("group purchase state", "ordered")
    CANCELLED = "cancelled", pgettext_lazy("group purchase state", "cancelled")
    INVOICED = "invoiced", pgettext_lazy("group purchase state", "invoiced")
    CLOSED = "closed", pgettext_lazy("group purchase state", "closed")


QUANTITY = {"max_digits": 12, "decimal_places": 2}


class GroupPurchase(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="group_purchases",
                               verbose_name=_("entity"))
    supplier = models.ForeignKey("purchases.Supplier", on_delete=models.PROTECT, related_name="group_purchases",
                                 verbose_name=_("supplier"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("item"), help_text=_("What is bought: reference, size, colour…"))
    unit = models.CharField(_("unit"), max_length=30, help_text=_("For example: box of 10, kg, piece."))
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=12, decimal_places=4)
    deadline = models.DateField(_("deadline"), help_text=_("Members join until the end of this day."))
    minimum_quantity = models.DecimalField(_("minimum total quantity"), **QUANTITY)
    state = models.CharField(_("state"), max_length=10, choices=GroupState.choices, default=GroupState.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    ordered_at = models.DateTimeField(_("ordered on"), null=True, blank=True)
    order_sent_to = models.CharField(_("order sent to"), max_length=254, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    invoice = models.ForeignKey("purchases.SupplierInvoice", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="group_purchases", verbose_name=_("supplier invoice"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group purchase")
        verbose_name_plural = _("group purchases")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["entity", "state", "deadline"], name="buying_group_by_state")]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="buying_group_price_positive"),
            models.CheckConstraint(condition=Q(minimum_quantity__gte=0), name="buying_group_minimum_positive"),
            models.UniqueConstraint(fields=["invoice"], condition=Q(invoice__isnull=False),
                                    name="buying_one_group_per_invoice"),
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        return f"GA-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.state == GroupState.OPEN


class Participation(models.Model):
    group = models.ForeignKey(GroupPurchase, on_delete=models.CASCADE, related_name="participations",
                              verbose_name=_("group purchase"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="group_participations",
                                 verbose_name=_("activity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("joined by"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["group_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "activity"], name="buying_one_participation_per_activity"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="buying_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.group_id}/{self.activity_id}: {self.quantity}"


class CostSplit(models.Model):
    group = models.ForeignKey(GroupPurchase, on_delete=models.PROTECT, related_name="splits",
                              verbose_name=_("group purchase"))
    invoice = models.OneToOneField("purchases.SupplierInvoice", on_delete=models.PROTECT, related_name="group_split",
                                   verbose_name=_("supplier invoice"))
    amount = models.DecimalField(_("amount split"), max_digits=14, decimal_places=2)
    account_code = models.CharField(_("account"), max_length=20)
    split = models.JSONField(_("amount per activity"), default=dict, help_text=_("Activity id → amount charged."))
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("ledger entry"))
    reversal = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("reversal entry"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cost split")
        verbose_name_plural = _("cost splits")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.group_id}: {self.amount}"
