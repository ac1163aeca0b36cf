"""The books in the admin site: read-only. Entries are written by services and never edited."""

from django.contrib import admin

from .models import Account, Entry, EntryLine, Journal, JournalCounter, PeriodLock


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "entity", "kind", "role", "vat_rate"]
    list_filter = ["entity", "kind"]
    search_fields = ["code", "name", "role"]
    list_select_related = ["entity"]


@admin.register(Journal)
class JournalAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "entity", "role"]
    list_filter = ["entity"]
    list_select_related = ["entity"]


class EntryLineInline(admin.TabularInline):
    model = EntryLine
    extra = 0
    can_delete = False
    fields = ["account", "debit", "credit", "activity", "client", "label"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "activity", "client")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["reference", "date", "label", "entity", "kind", "source_type", "source_id"]
    list_filter = ["entity", "journal__code", "kind"]
    search_fields = ["label", "source_type"]
    date_hierarchy = "date"
    list_select_related = ["journal", "entity"]
    inlines = [EntryLineInline]


@admin.register(JournalCounter)
class JournalCounterAdmin(ReadOnlyAdmin):
    list_display = ["journal", "year", "last", "last_date"]
    list_select_related = ["journal"]


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdmin):
    list_display = ["entity", "locked_until", "locked_by", "created_at"]
    list_select_related = ["entity", "locked_by"]
