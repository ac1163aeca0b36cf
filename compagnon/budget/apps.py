from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "compagnon.budget"
    verbose_name = _("Activity budgets")

    def ready(self):
        from compagnon.ledger.signals import entry_posted

        from . import (
            contribution,
            rules,  # noqa: F401 - registers the object rules
        )

        # the contribution is charged when cash comes in (docs/decisions/0017-contribution-owner.md)
        entry_posted.connect(contribution.charge_on_cash, dispatch_uid="budget.contribution")
