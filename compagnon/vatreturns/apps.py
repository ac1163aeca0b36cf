from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VatReturnsConfig(AppConfig):
    name = "compagnon.vatreturns"
    label = "vatreturns"
    verbose_name = _("VAT returns")

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
