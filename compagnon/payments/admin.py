from django.contrib import admin

from .models import Allocation, MatchRun


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
