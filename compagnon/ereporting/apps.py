from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EReportingConfig(AppConfig):
    name = "compagnon.ereporting"
    verbose_name = _("E-reporting and platform")

    def ready(self):
        from . import rules  # noqa: F401 - registers the object rules
