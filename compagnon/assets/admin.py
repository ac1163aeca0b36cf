from django.contrib import admin

from .models import Asset, Depreciation


class DepreciationInline(admin.TabularInline):
    model = Depreciation
    extra = 0
    can_delete = False
    readonly_fields = ["year", "date", "amount", "entry"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["label", "entity", "activity", "cost", "acquired_on", "years", "state"]
    list_filter = ["state", "entity"]
    search_fields = ["label"]
    readonly_fields = [
        "entity",
        "activity",
        "invoice",
        "account_code",
        "cost",
        "acquired_on",
        "state",
        "disposed_on",
        "disposal_kind",
        "disposal_price",
        "disposal_entry",
        "created_by",
    ]
    inlines = [DepreciationInline]

    def has_add_permission(self, request):
        return False
