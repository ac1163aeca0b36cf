from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LetteringConfig(AppConfig):
    name = "compagnon.lettering"
    verbose_name = _("Lettering")

    def ready(self):
        import rules

        from compagnon import permissions

        # Bookkeeping roles (accountants, administrators) letter and unletter, as they match payments.
        if not rules.perm_exists("lettering.letter_lines"):
            rules.add_perm("lettering.letter_lines", permissions.works_money_of)
        from . import listeners

        listeners.connect()
