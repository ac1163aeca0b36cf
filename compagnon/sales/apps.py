from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "compagnon.sales"
    verbose_name = _("Quotes and invoices")

    def ready(self):
        from compagnon.clients.selectors import register_timeline

        from .selectors import client_timeline

        register_timeline(client_timeline)
