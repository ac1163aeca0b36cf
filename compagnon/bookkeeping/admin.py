"""Bookkeeping in the admin site: the threshold of each entity is set here; manual entries and
closings are read-only (they are written by services, through the pages and the API)."""

from django.contrib import admin

from .models import BookkeepingSettings, ManualEntry, RecurringTemplate, YearClosing


@admin.register(BookkeepingSettings)
class BookkeepingSettingsAdmin(admin.ModelAdmin):
    list_display = ["entity", "second_validation_threshold"]
    list_select_related = ["entity"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ManualEntry)
class ManualEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "label", "entity", "status", "author"]
    list_filter = ["entity", "status"]
    search_fields = ["label"]
    list_select_related = ["entity", "author"]


@admin.register(RecurringTemplate)
class RecurringTemplateAdmin(ReadOnlyAdmin):
    list_display = ["label", "entity", "frequency", "day", "start_date", "end_date", "active"]
    list_filter = ["entity", "frequency", "active"]
    list_select_related = ["entity"]


@admin.register(YearClosing)
class YearClosingAdmin(ReadOnlyAdmin):
    list_display = ["entity", "year", "closed_at", "closed_by"]
    list_filter = ["entity"]
    list_select_related = ["entity", "closed_by"]
