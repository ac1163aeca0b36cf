from django.contrib import admin

from .models import JobSettings


@admin.register(JobSettings)
class JobSettingsAdmin(admin.ModelAdmin):
    list_display = ["entity", "registration_automatic_from", "short_engagement_days"]
