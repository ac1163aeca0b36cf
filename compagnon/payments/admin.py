from django.contrib import admin

from .models import Allocation, Declaration, MatchRun, PaymentSettings


class ReadOnly(admin.ModelAdmin):
    """Allocations and runs change only through the payment services (audit, ledger)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(ReadOnly):
    list_display = ["id", "date", "kind", "method", "amount", "document", "client", "reversed_at"]
    list_filter = ["kind", "method"]
    raw_id_fields = ["transaction", "document", "credit_note", "credit_from", "client", "activity", "entry",
                     "reversal_entry", "run"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnly):
    list_display = ["id", "created_at", "entity", "automatic", "transactions", "matched", "allocations"]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnly):
    """Declarations change only through ``payments.declarations`` (audit, ledger, notifications)."""

    list_display = ["id", "created_at", "entity", "document", "means", "amount", "state", "flagged_at"]
    list_filter = ["state", "means"]
    raw_id_fields = ["document", "activity", "member", "declared_by", "resolved_by", "allocation"]


@admin.register(PaymentSettings)
class PaymentSettingsAdmin(admin.ModelAdmin):
    list_display = ["entity", "declaration_alert_days"]
    raw_id_fields = ["entity"]
