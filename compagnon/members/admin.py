from django.contrib import admin

from .models import Activity, ActivityMembership, Member, MemberStatusChange, Trade


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_nl", "name_en"]
    search_fields = ["code", "name_fr", "name_nl", "name_en"]


class StatusChangeInline(admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "effective_on", "note", "changed_by"]
    fk_name = "member"


class MembershipInline(admin.TabularInline):
    model = ActivityMembership
    extra = 0
    raw_id_fields = ["member", "activity"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "entity", "office", "status", "maturity"]
    list_filter = ["entity", "status", "maturity"]
    search_fields = ["number", "user__email", "user__last_name"]
    raw_id_fields = ["user", "advisor"]
    list_select_related = ["user", "entity", "office"]
    inlines = [StatusChangeInline, MembershipInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "entity", "trade", "status"]
    list_filter = ["entity", "status", "trade"]
    search_fields = ["name"]
    list_select_related = ["entity", "trade"]
    inlines = [MembershipInline]
