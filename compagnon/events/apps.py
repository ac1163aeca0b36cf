from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "compagnon.events"
    label = "events"
    verbose_name = _("Agenda, trainings and mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.members.panels import register_member_panel

        from . import rules  # noqa: F401 - registers the object rules
        from .panels import training_history_panel

        register_member_panel("events.trainings", training_history_panel, order=60)
