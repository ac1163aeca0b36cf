from django.contrib import admin

from .models import AccountScheme, PayoutBatch, PayoutLine


class ReadOnly:
    """Batches change through their services only (checked, audited): read-only here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PayoutLineInline(ReadOnly, admin.TabularInline):
    model = PayoutLine
    extra = 0
    fields = ["position", "purpose", "creditor_name", "iban", "amount", "remittance_kind", "remittance",
              "end_to_end_id", "source_document", "active"]
    readonly_fields = fields


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "entity", "account", "scheme", "requested_execution_date", "state", "message_id",
                    "created_at"]
    list_filter = ["state", "scheme"]
    search_fields = ["message_id", "lines__creditor_name", "lines__end_to_end_id"]
    list_select_related = ["entity", "account"]
    readonly_fields = [f.name for f in PayoutBatch._meta.fields]
    inlines = [PayoutLineInline]


@admin.register(AccountScheme)
class AccountSchemeAdmin(admin.ModelAdmin):
    list_display = ["account", "scheme", "updated_at"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
