from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "compagnon.fieldwork"
    verbose_name = _("Field service")

    def ready(self):
        from compagnon.clients.selectors import register_timeline

        from . import rules  # noqa: F401 - registers the fieldwork.* permissions
        from .timeline import contracts_on_timeline

        register_timeline(contracts_on_timeline)
