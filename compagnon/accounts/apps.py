from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "compagnon.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # The kernel's language switch (core.views.set_language) announces the choice; the profile
        # keeps it here, so that core imports no context.
        from compagnon.core.signals import language_chosen

        from .services import remember_language

        language_chosen.connect(remember_language, dispatch_uid="accounts.remember_language")

        # a saved or deleted user drops its copy in the shared cache, in every process (the worker too)
        from django.core import checks

        from . import backends  # noqa: F401
        from .demo_guard import demo_users_check

        checks.register(demo_users_check, checks.Tags.security, deploy=True)
