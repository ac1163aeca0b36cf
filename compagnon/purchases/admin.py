from django.contrib import admin

from .models import (
    PurchaseSettings,
    Supplier,
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
    SupplierInvoiceVat,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = SupplierInvoiceLine


class VatInline(ReadOnlyInline):
    model = SupplierInvoiceVat


class AttachmentInline(ReadOnlyInline):
    model = SupplierInvoiceAttachment


@admin.register(SupplierInvoice)
class SupplierInvoiceAdmin(admin.ModelAdmin):
    """What a supplier sent, as received: read-only here (the purchase workflow changes it)."""

    list_display = [
        "created_at",
        "supplier_name",
        "number",
        "kind",
        "state",
        "validation_passed",
        "payable",
        "currency",
        "activity",
    ]
    list_filter = ["state", "kind", "syntax", "validation_passed"]
    search_fields = ["supplier_name", "number", "original_name", "sha256", "activity__name"]
    list_select_related = ["activity"]
    readonly_fields = [f.name for f in SupplierInvoice._meta.fields]
    inlines = [LineInline, VatInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PurchaseSettings)
class PurchaseSettingsAdmin(admin.ModelAdmin):
    list_display = ["entity", "second_approval_above", "fixed_asset_from", "payment_days"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    """Read here; changed through the pages or the API (checked identifiers, audited IBAN)."""

    list_display = ["name", "entity", "country", "company_number", "vat_number", "iban"]
    list_filter = ["entity", "country"]
    search_fields = ["name", "vat_number", "company_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
