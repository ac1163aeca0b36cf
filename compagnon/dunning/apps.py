from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "compagnon.dunning"
    verbose_name = _("Collections")

    def ready(self):
        from compagnon.clients.selectors import register_timeline

        from .selectors import client_timeline

        register_timeline(client_timeline)
