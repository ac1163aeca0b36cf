from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "compagnon.tenders"
    label = "tenders"
    verbose_name = _("Tenders and grants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
