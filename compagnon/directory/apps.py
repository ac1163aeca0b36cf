from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "compagnon.directory"
    label = "directory"
    verbose_name = _("Member directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers, rules  # noqa: F401 - object rules; keeps the search columns fresh

        receivers.connect()
