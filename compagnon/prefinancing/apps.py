from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefinancingConfig(AppConfig):
    name = "compagnon.prefinancing"
    verbose_name = _("Prefinancing")

    def ready(self):
        from compagnon.payments.signals import paid_amounts_changed

        from . import rules, settlement  # noqa: F401 - rules registers the prefinancing rules

        paid_amounts_changed.connect(follow_payments, dispatch_uid="prefinancing.follow_payments")
        settlement.connect_payouts()


def follow_payments(sender, *, document_ids, actor=None, **kwargs):
    """Payments' ``paid_amounts_changed``: the advances follow what their invoices were paid."""
    from . import settlement

    return settlement.follow_payments(document_ids, actor=actor)
