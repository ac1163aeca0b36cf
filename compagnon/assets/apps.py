from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _invoice_booked(sender=None, *, invoice, actor=None, **kwargs):
    from .services import from_invoice

    from_invoice(invoice=invoice, actor=actor)


def _invoice_cancelled(sender=None, *, invoice, actor=None, **kwargs):
    from .services import drop_for_invoice

    drop_for_invoice(invoice=invoice, actor=actor)


class AssetsConfig(AppConfig):
    name = "compagnon.assets"
    verbose_name = _("Fixed assets")

    def ready(self):
        from compagnon.purchases.signals import invoice_booked, invoice_cancelled

        from . import rules  # noqa: F401 - registers the asset rules

        invoice_booked.connect(_invoice_booked, dispatch_uid="assets.invoice_booked")
        invoice_cancelled.connect(_invoice_cancelled, dispatch_uid="assets.invoice_cancelled")
