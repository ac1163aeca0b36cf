from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "compagnon.payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from compagnon.members.panels import register_member_panel

        from . import rules  # noqa: F401 - registers the payroll rules
        from .panels import contracts_panel
        from .transfers import connect

        connect()  # a settled net pay transfer marks the salary paid
        register_member_panel("payroll.contracts", contracts_panel, order=30)
