from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _member_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """A new member, or a member whose maturity changed (``members.services.set_member_maturity``
    saves it with ``update_fields=["maturity"]``, and only when it changes), gets the path of their
    entity and maturity when there is one, in the same transaction. Any other save costs nothing."""
    if raw or not (created or (update_fields is not None and "maturity" in update_fields)):
        return
    from .services import assign

    assign(instance)


def _member_panel(request, member):
    from .views_follow import member_panel

    return member_panel(request, member)


class OnboardingConfig(AppConfig):
    name = "compagnon.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from compagnon.members.models import Member
        from compagnon.members.panels import register_member_panel

        from . import rules  # noqa: F401 - registers the object rules

        post_save.connect(_member_saved, sender=Member, dispatch_uid="onboarding.member_saved")
        register_member_panel("onboarding.progress", _member_panel, order=20)
