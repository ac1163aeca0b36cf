from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# before payments' matcher (100): a transfer the cooperative sent is known by its end-to-end id,
# and a refund it paid is then written as payments' refund allocation (see payouts.settlement)
MATCHER_ORDER = 10


class PayoutsConfig(AppConfig):
    name = "compagnon.payouts"
    verbose_name = _("Outgoing transfers")

    def ready(self):
        from compagnon.banking import hooks as banking_hooks

        banking_hooks.register_matcher(match_imported_transactions, order=MATCHER_ORDER)


def match_imported_transactions(transactions, *, actor=None):
    """Banking's matcher hook; late-bound, so a replaced ``match_transactions`` is the one called."""
    from . import matching

    return matching.match_transactions(transactions, actor=actor)
