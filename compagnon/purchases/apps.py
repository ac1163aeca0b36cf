from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _line_settled(sender=None, *, line, transaction=None, **kwargs):
    from .workflow import mark_paid

    mark_paid(line=line, transaction=transaction)


def _line_returned(sender=None, *, line, transaction=None, reason="", **kwargs):
    from .workflow import reopen

    reopen(line=line, reason=reason)


class PurchasesConfig(AppConfig):
    name = "compagnon.purchases"
    verbose_name = _("Purchases")

    def ready(self):
        from . import rules  # noqa: F401 - registers the purchase rules

        try:
            from compagnon.payouts.signals import line_returned, line_settled
        except ImportError:  # payouts without settlement signals: invoices stay "in a payment batch"
            return
        line_settled.connect(_line_settled, dispatch_uid="purchases.line_settled")
        line_returned.connect(_line_returned, dispatch_uid="purchases.line_returned")
