from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_select_related = ["user"]
    search_fields = ["title", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "title", "body", "url", "key", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False
