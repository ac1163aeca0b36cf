from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "compagnon.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.fieldwork import hooks as fieldwork_hooks
        from compagnon.portal import hooks as portal_hooks
        from compagnon.procedures.sources import register_source

        from . import entry, rules  # noqa: F401 - registers the object rules

        # "Report a problem" on an issued invoice's portal page and on a request's tracking page
        portal_hooks.register_document_action("aftersales", entry.document_action)
        fieldwork_hooks.register_track_action("aftersales", entry.track_action)
        # "written from an after-sales case", linked for readers who may see the case
        register_source("aftersales.case", entry.procedure_source)
