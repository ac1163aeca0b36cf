from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "compagnon.core"
    verbose_name = _("Core")

    def ready(self):
        # The object rules live in compagnon.permissions; import it so they are registered in every
        # process (web, worker, shell, commands), whatever module is imported first.
        from compagnon import permissions  # noqa: F401
