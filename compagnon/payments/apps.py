from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "compagnon.payments"
    verbose_name = _("Payments and matching")

    def ready(self):
        # Banking sits below payments and never imports it: payments matches what a statement
        # import brings through banking's hook.
        from compagnon.banking import hooks as banking_hooks

        banking_hooks.register_matcher(match_imported_transactions)
        # Sales sits below payments and never imports it: an issued credit note settles what is
        # still unpaid on the invoice it corrects through sales' issue steps.
        from compagnon.sales import steps

        steps.on_issued("payments.apply_credit_note", apply_issued_credit_note, order=10)
        # the automated collections (dunning) wait while a payment the member declared is open
        from compagnon.core.signals import collections_hold

        from .declarations import holds_collections

        collections_hold.connect(holds_collections, dispatch_uid="payments.declarations")


def match_imported_transactions(transactions, *, actor=None):
    """Banking's matcher hook; late-bound, so a replaced ``match_transactions`` is the one called."""
    from . import matching

    return matching.match_transactions(transactions, actor=actor)


def apply_issued_credit_note(document, *, actor):
    """Sales' ``on_issued`` step: a credit note settles what is still unpaid on its invoice."""
    if document.kind != "credit_note":
        return None
    from . import services

    return services.apply_credit_note(actor=actor, credit_note=document)
