from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "compagnon.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import services  # noqa: F401 - connects the signals that drop cached unread counts
