from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "compagnon.dunning"
    verbose_name = _("Collections")
