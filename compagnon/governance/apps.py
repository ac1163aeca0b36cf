from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "compagnon.governance"
    label = "governance"
    verbose_name = _("Governing together")

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
