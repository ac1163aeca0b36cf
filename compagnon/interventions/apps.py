from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "compagnon.interventions"
    verbose_name = _("Visits on the spot: check-in and intervention sheets")

    def ready(self):
        from . import rules  # noqa: F401  (registers the interventions.* permissions)
