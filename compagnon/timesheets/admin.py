from django.contrib import admin

from .models import ClientRate, ExpenseEntry, StatementPeriod, TimeEntry, TimesheetSettings


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "activity", "client", "member", "duration", "description", "statement"]
    list_filter = ["billable"]
    search_fields = ["description", "activity__name", "client__name"]
    raw_id_fields = ["activity", "client", "quote", "member"]
    readonly_fields = ["statement", "created_at"]


@admin.register(ExpenseEntry)
class ExpenseEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "activity", "client", "amount", "vat_rate", "description", "statement"]
    search_fields = ["description", "activity__name", "client__name"]
    raw_id_fields = ["activity", "client"]
    readonly_fields = ["statement", "created_at"]


@admin.register(StatementPeriod)
class StatementPeriodAdmin(admin.ModelAdmin):
    list_display = ["document", "activity", "client", "period_start", "period_end", "group_by"]
    raw_id_fields = ["document", "activity", "client"]


admin.site.register(TimesheetSettings, raw_id_fields=["activity"])
admin.site.register(ClientRate, raw_id_fields=["client"])
