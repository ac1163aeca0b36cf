from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "compagnon.sales"
    verbose_name = _("Quotes and invoices")
