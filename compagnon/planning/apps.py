from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "compagnon.planning"
    verbose_name = _("Proposed plans")

    def ready(self):
        from . import rules  # noqa: F401 - registers the planning.* permissions
