"""Reads of supplier invoices for pages and the API. Every function starts from the permission
layer: a supplier invoice exists for a user only through an activity they may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from compagnon import permissions
from compagnon.members.models import Activity

from .models import (
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceVat,
)

# What a list shows: the report and the notes stay out (they can be large).
LIST_FIELDS = [
    "id",
    "activity_id",
    "kind",
    "state",
    "original_name",
    "error",
    "error_line",
    "syntax",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "supplier_name",
    "payable",
    "tax_inclusive",
    "validation_passed",
    "created_at",
]


def activity(user, pk: int) -> Activity:
    """The activity if ``user`` may see it; Activity.DoesNotExist otherwise (views: 404)."""
    return permissions.activities(user).select_related("entity").get(pk=pk)


def supplier_invoices(user, *, activity_id: int | None = None) -> QuerySet[SupplierInvoice]:
    qs = permissions.scoped_by_activity(user, SupplierInvoice.objects.all())
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    return qs.order_by("-created_at", "-id")


def supplier_invoice_list(user, *, activity_id: int | None = None) -> QuerySet[SupplierInvoice]:
    """Rows of the list pages: a fixed number of queries however many invoices there are."""
    return supplier_invoices(user, activity_id=activity_id).only(*LIST_FIELDS)


def supplier_invoice_detail(user, pk: int, *, activity_id: int | None = None) -> SupplierInvoice:
    """One supplier invoice with its lines, VAT breakdown and attachments; DoesNotExist outside
    the user's scope (or outside ``activity_id`` when given)."""
    return (
        supplier_invoices(user, activity_id=activity_id)
        .select_related("activity__entity", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=SupplierInvoiceLine.objects.order_by("position")),
            Prefetch("vat_lines", queryset=SupplierInvoiceVat.objects.order_by("position")),
            Prefetch(
                "attachments", queryset=SupplierInvoiceAttachment.objects.order_by("position")
            ),
        )
        .get(pk=pk)
    )


def attachment(user, invoice: SupplierInvoice, pk: int) -> SupplierInvoiceAttachment:
    return permissions.scoped_by_activity(
        user, SupplierInvoiceAttachment.objects.filter(invoice=invoice), "invoice__activity"
    ).get(pk=pk)
