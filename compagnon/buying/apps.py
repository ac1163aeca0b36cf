from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _invoice_booked(sender=None, *, invoice, actor=None, **kwargs):
    from .split import on_invoice_booked

    on_invoice_booked(invoice=invoice, actor=actor)


def _invoice_cancelled(sender=None, *, invoice, actor=None, **kwargs):
    from .split import on_invoice_cancelled

    on_invoice_cancelled(invoice=invoice, actor=actor)


class BuyingConfig(AppConfig):
    name = "compagnon.buying"
    label = "buying"
    verbose_name = _("Buying together")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.purchases.signals import invoice_booked, invoice_cancelled

        from . import rules  # noqa: F401 - registers the object rules

        invoice_booked.connect(_invoice_booked, dispatch_uid="buying.invoice_booked")
        invoice_cancelled.connect(_invoice_cancelled, dispatch_uid="buying.invoice_cancelled")
