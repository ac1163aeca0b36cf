from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisingConfig(AppConfig):
    name = "compagnon.advising"
    label = "advising"
    verbose_name = _("Advising")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.members.panels import register_member_panel

        from . import rules  # noqa: F401 - registers the object rules
        from .panels import advising_panel

        register_member_panel("advising.follow_up", advising_panel, order=20)
