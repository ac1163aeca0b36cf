from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeerhelpConfig(AppConfig):
    name = "compagnon.peerhelp"
    label = "peerhelp"
    verbose_name = _("Peer help")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.procedures.sources import register_source

        from . import directory_hooks, rules, sources  # noqa: F401 - registers the object rules

        directory_hooks.register()
        # "written from a question to colleagues", linked for readers who may read it
        register_source("peerhelp.question", sources.procedure_source)
