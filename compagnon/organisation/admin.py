from django.contrib import admin

from .models import Entity, Office


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "company_number", "contribution_rate"]
    list_filter = ["jurisdiction"]
    search_fields = ["name", "legal_name", "company_number"]
    inlines = [OfficeInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "entity", "city"]
    list_filter = ["entity"]
    search_fields = ["name", "city"]
