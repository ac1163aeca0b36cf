from django.contrib import admin

from .models import Sector, SectorMembership, Service


class MembershipInline(admin.TabularInline):
    model = SectorMembership
    extra = 1
    raw_id_fields = ["member"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Sectors are set up by the entity's administrators here (zone, trades, members, lead)."""

    list_display = ["name", "entity", "office", "lead", "offer_hours"]
    list_filter = ["entity"]
    filter_horizontal = ["trades"]
    raw_id_fields = ["lead"]
    inlines = [MembershipInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name_fr",
        "entity",
        "trade",
        "unit",
        "unit_price",
        "vat_rate",
        "home_services",
        "active",
    ]
    list_filter = ["entity", "trade", "active"]
