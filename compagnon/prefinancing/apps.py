from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefinancingConfig(AppConfig):
    name = "compagnon.prefinancing"
    verbose_name = _("Prefinancing")

    def ready(self):
        from compagnon.payments import hooks

        from . import rules, settlement  # noqa: F401 - rules registers the prefinancing rules

        hooks.register_paid_listener(settlement.follow_payments)
        settlement.connect_payouts()
