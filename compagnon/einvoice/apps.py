from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class EinvoiceConfig(AppConfig):
    name = "compagnon.einvoice"
    verbose_name = _("E-invoicing")

    def ready(self):
        checks.register(rules_check, checks.Tags.compatibility)


def rules_check(app_configs=None, **kwargs):
    """Every official rule set must be installed; in production their absence stops the start."""
    from django.conf import settings

    from .validation import missing_rule_sets

    missing = missing_rule_sets()
    if not missing:
        return []
    level = checks.Error if getattr(settings, "ENV", "development") == "production" else checks.Warning
    return [level(
        f"E-invoice rule sets not found: {', '.join(missing)}. Invoices are issued without these checks.",
        hint=f"Set EINVOICE_RULES_DIR to a folder holding the official rule files (now {settings.EINVOICE_RULES_DIR}).",
        id="einvoice.E001" if level is checks.Error else "einvoice.W001",
    )]
