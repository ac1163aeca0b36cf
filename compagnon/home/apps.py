from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page of each role: the top floor, it may import every context."""

    name = "compagnon.home"
    verbose_name = _("Home")

    def ready(self):
        # The object rules live in compagnon.permissions (which reads accounts, organisation and
        # members); import it so they are registered in every process (web, worker, shell,
        # commands), whatever module is imported first. Here, on the top floor, not in the kernel.
        from compagnon import permissions  # noqa: F401
        from compagnon.members.panels import register_member_panel
        from compagnon.notifications.events import client_event

        from .client_news import on_client_event
        from .member_panel import money_panel

        # members hear what their clients do (the portal and payments announce it)
        client_event.connect(on_client_event, dispatch_uid="home.client_news")
        # a member's page shows the money of their activities to those who follow them
        register_member_panel("home.money", money_panel, order=10)
