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
