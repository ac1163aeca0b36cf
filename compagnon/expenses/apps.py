from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "compagnon.expenses"
    verbose_name = _("Expense claims")

    def ready(self):
        from . import rules  # noqa: F401 - registers the expense rules
