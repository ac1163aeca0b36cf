from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "compagnon.procedures"
    label = "procedures"
    verbose_name = _("Procedures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.interventions.hooks import register_sheet_section

        from . import (
            checklist,
            rules,  # noqa: F401 - registers the procedures.* permissions
            services,
        )

        register_sheet_section("procedures", render=checklist.render, save=services.save_from_sheet)
