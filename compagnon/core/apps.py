from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "compagnon.core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="core-name-collation")
