from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitingConfig(AppConfig):
    name = "compagnon.recruiting"
    label = "recruiting"
    verbose_name = _("Recruiting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401 - registers the recruiting.* permissions
