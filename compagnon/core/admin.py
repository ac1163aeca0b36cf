from django.contrib import admin

from .models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """Which daily job ran when and where, and why one failed (read-only)."""

    list_display = ["job", "day", "started_at", "finished_at", "runner", "attempts", "error"]
    list_filter = ["job"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
