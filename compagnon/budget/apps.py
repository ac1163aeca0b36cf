from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "compagnon.budget"
    verbose_name = _("Activity budgets")

    def ready(self):
        from compagnon.ledger import hooks

        from . import (
            contribution,
            rules,  # noqa: F401 - registers the object rules
        )

        # the contribution is charged when cash comes in (docs/decisions/0017-contribution-owner.md)
        hooks.register_after_post("budget.contribution", contribution.charge_on_cash)
