from django.contrib import admin

from .models import AutomatedAction, CollectionCase, CollectionPlan, CollectionRun, PlanStep


class StepInline(admin.TabularInline):
    model = PlanStep
    extra = 0


@admin.register(CollectionPlan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "entity", "active"]
    inlines = [StepInline]


@admin.register(AutomatedAction)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["id", "document", "kind", "due_on", "state"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["document", "step", "entity", "activity", "client", "decided_by"]

    def has_change_permission(self, request, obj=None):
        return False  # every change goes through the services (audit, locks)


@admin.register(CollectionCase)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "entity", "status", "opened_at"]
    list_filter = ["status"]
    raw_id_fields = ["entity", "activity", "client", "assigned_to"]


@admin.register(CollectionRun)
class RunAdmin(admin.ModelAdmin):
    list_display = ["day", "started_at", "finished_at", "announced"]
    readonly_fields = ["day", "started_at", "finished_at", "summary", "announced", "claimed"]
