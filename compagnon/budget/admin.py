from django.contrib import admin

from .models import BudgetPolicy, ContributionCharge, ContributionRate, Movement


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = ["entity", "activity", "revenue_kind", "rate", "valid_from", "valid_until"]
    list_filter = ["entity", "revenue_kind"]
    raw_id_fields = ["activity"]


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "entity",
        "reserve_rule",
        "reserve_amount",
        "reserve_months",
        "auto_approve_below",
    ]


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    """Read-only: movements are asked, approved and refused through the app (posted in the books)."""

    list_display = ["id", "entity", "source", "target", "amount", "status", "requested_at"]
    list_filter = ["status", "entity"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContributionCharge)
class ContributionChargeAdmin(admin.ModelAdmin):
    """Read-only: written with the contribution entry when cash comes in (decision 0017)."""

    list_display = [
        "date",
        "activity",
        "cash",
        "services_base",
        "services_rate",
        "goods_base",
        "goods_rate",
        "amount",
        "entry",
    ]
    list_select_related = ["activity", "entry__journal"]
    raw_id_fields = ["activity", "cash_entry", "entry"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
