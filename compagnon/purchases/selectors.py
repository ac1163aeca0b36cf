"""Reads of supplier invoices for pages and the API. Every function starts from the permission
layer: a supplier invoice exists for a user only through an activity they may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from compagnon import permissions
from compagnon.members.models import Activity, ActivityMembership

from .models import (
    Supplier,
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceState,
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
    "source",
    "supplier",
    "category",
    "refusal_reason",
    "payout_line",
    "payout_line__active",
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
    return supplier_invoices(user, activity_id=activity_id).select_related("payout_line").only(*LIST_FIELDS)


def supplier_invoice_detail(user, pk: int, *, activity_id: int | None = None) -> SupplierInvoice:
    """One supplier invoice with its lines, VAT breakdown and attachments; DoesNotExist outside
    the user's scope (or outside ``activity_id`` when given)."""
    return (
        supplier_invoices(user, activity_id=activity_id)
        .select_related("activity__entity", "created_by", "supplier", "payout_line__batch", "entry")
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


# --- the workflow: suppliers, my invoices, the approval queue, the invoices to pay ---------------

WORKFLOW_LIST_FIELDS = [*LIST_FIELDS, "entity_id", "tax_exclusive"]


def suppliers(user) -> QuerySet[Supplier]:
    """The suppliers of the entities the user belongs to or works for (shared by the members)."""
    return Supplier.objects.filter(entity__in=permissions.entities(user)).order_by("name", "id")


def supplier(user, pk: int) -> Supplier:
    return suppliers(user).select_related("entity").get(pk=pk)


def my_invoices(user, *, state: str | None = None) -> QuerySet[SupplierInvoice]:
    """The invoices of the activities the user works in (members), newest first."""
    s = permissions.scope_for(user)
    mine = ActivityMembership.objects.filter(member_id=s.member_id).values("activity_id")
    qs = supplier_invoices(user).filter(activity_id__in=mine)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("activity", "payout_line").only(*WORKFLOW_LIST_FIELDS, "activity__name")


def review_queue(user) -> QuerySet[SupplierInvoice]:
    """Invoices waiting for the second approval that this user may give: the advisors' members'
    activities and the entities whose books they keep (the user's own approvals aside)."""
    s = permissions.scope_for(user)
    q = Q(entity_id__in=permissions.money_entities(user))
    if s.advisor_offices:
        q |= Q(activity_id__in=ActivityMembership.objects.filter(
            member__office_id__in=s.advisor_offices).values("activity_id"))
    return (supplier_invoices(user).filter(q, state=SupplierInvoiceState.TO_APPROVE)
            .exclude(member_approved_by_id=user.pk)
            .select_related("activity", "member_approved_by").order_by("due_date", "id"))


def to_pay(user, *, due_by=None) -> QuerySet[SupplierInvoice]:
    """Approved invoices of the entities whose books the user keeps, not in an active transfer,
    soonest due first (``due_by``: only those due by that day)."""
    from .workflow import to_pay as approved_unpaid

    qs = approved_unpaid(permissions.money_entities(user))
    if due_by is not None:
        qs = qs.filter(Q(due_date__lte=due_by) | Q(due_date__isnull=True))
    return qs.select_related("activity", "supplier", "entity").order_by("due_date", "id")


def history(user, invoice: SupplierInvoice, *, limit: int = 50) -> list:
    return list(
        permissions.audit_events(user)
        .filter(object_type=SupplierInvoice._meta.label_lower, object_id=str(invoice.pk))
        .select_related("actor")[:limit]
    )
