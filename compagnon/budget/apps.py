from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "compagnon.budget"
    verbose_name = _("Activity budgets")

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
