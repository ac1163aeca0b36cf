from django.contrib import admin

from .models import Contract, Employee, JournalImport, PayrollMonth, PayrollSettings, SalaryRequest


@admin.register(PayrollSettings)
class PayrollSettingsAdmin(admin.ModelAdmin):
    list_display = ("entity", "cutoff_day", "provider")


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("employee_id", "member", "entity")
    search_fields = ("employee_id",)
    raw_id_fields = ("member",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "start", "end")
    raw_id_fields = ("member", "activity")


@admin.register(SalaryRequest)
class SalaryRequestAdmin(admin.ModelAdmin):
    list_display = ("month", "member", "activity", "employer_cost", "state")
    list_filter = ("state",)
    raw_id_fields = ("member", "activity")


@admin.register(PayrollMonth)
class PayrollMonthAdmin(admin.ModelAdmin):
    list_display = ("entity", "month", "frozen_at", "exported_at")


@admin.register(JournalImport)
class JournalImportAdmin(admin.ModelAdmin):
    list_display = ("entity", "month", "filename", "state", "created_at")
    readonly_fields = ("errors", "differences")
