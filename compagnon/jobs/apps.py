from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "compagnon.jobs"
    label = "jobs"
    verbose_name = _("Jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import fees, rules  # noqa: F401 - registers the object rules
        from .links import connect

        fees.connect()
        connect()
