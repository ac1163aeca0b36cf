from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubcontractingConfig(AppConfig):
    name = "compagnon.subcontracting"
    label = "subcontracting"
    verbose_name = _("Subcontracting between activities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.ledger.signals import entry_posted
        from compagnon.payments.signals import paid_amounts_changed
        from compagnon.sales import steps

        from . import hooks, rules  # noqa: F401 - rules registers the object rules

        # after payments (order 10) and home services (50): the client invoice is booked
        steps.on_issued("subcontracting.internal_invoice", hooks.client_invoice_issued, order=80)
        paid_amounts_changed.connect(hooks.client_payments, dispatch_uid="subcontracting.follow_payments")
        entry_posted.connect(hooks.advance_booked, dispatch_uid="subcontracting.prefinanced")
