from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "compagnon.cooperation"
    label = "cooperation"
    verbose_name = _("Working together")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
