from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EinvoiceConfig(AppConfig):
    name = "compagnon.einvoice"
    verbose_name = _("E-invoicing")
